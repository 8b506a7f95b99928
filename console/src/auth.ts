/**
 * Sign-in. Locally the console server signs the single user in with its token link and a session
 * cookie, so there is nothing to do here. In AWS the console uses the Cognito user pool's hosted
 * sign-in (authorization code with PKCE, no client secret) and sends the ID token to the API,
 * whose JWT authorizer verifies it; the token is kept in sessionStorage (this tab only).
 */
export interface ConsoleConfig {
  mode: 'local' | 'cognito';
  apiBase: string;
  /** Cognito only: https://<domain>.auth.<region>.amazoncognito.com */
  authDomain?: string;
  clientId?: string;
}

let config: ConsoleConfig = { mode: 'local', apiBase: '' };
const KEY = 'communique.idToken';

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/config.json', { credentials: 'same-origin' });
  if (res.ok) config = (await res.json()) as ConsoleConfig;
  return config;
}

function redirectUri(): string {
  return `${location.origin}/`;
}

function b64url(bytes: ArrayBuffer | Uint8Array): string {
  const arr = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of arr) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Cognito: finishes a code redirect, or starts one when there is no token. Locally: nothing. */
export async function ensureSignedIn(): Promise<void> {
  if (config.mode !== 'cognito' || !config.authDomain || !config.clientId) return;
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (code && params.get('state') === sessionStorage.getItem('communique.state')) {
    const verifier = sessionStorage.getItem('communique.verifier') ?? '';
    const res = await fetch(`${config.authDomain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: redirectUri(),
        code_verifier: verifier,
      }),
    });
    if (res.ok) {
      const tokens = (await res.json()) as { id_token: string };
      sessionStorage.setItem(KEY, tokens.id_token);
    }
    history.replaceState(null, '', `/${location.hash}`);
    return;
  }
  if (sessionStorage.getItem(KEY)) return;
  signIn();
}

export function signIn(): void {
  if (config.mode !== 'cognito' || !config.authDomain || !config.clientId) {
    location.reload();
    return;
  }
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('communique.verifier', verifier);
  sessionStorage.setItem('communique.state', state);
  void crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then((hash) => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId ?? '',
      redirect_uri: redirectUri(),
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      code_challenge: b64url(hash),
      state,
    });
    location.assign(`${config.authDomain}/oauth2/authorize?${q}`);
  });
}

export async function authHeader(): Promise<Record<string, string>> {
  if (config.mode !== 'cognito') return {};
  const token = sessionStorage.getItem(KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}
