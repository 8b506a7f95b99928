/**
 * Unsubscribe tokens: `<keyId>.<claims>.<mac>`, where `claims` is the base64url
 * JSON array `[conferenceId, contactKey, scope]` and `mac` is the base64url
 * HMAC-SHA256, under the key named by `keyId`, of a fixed label, the key id and
 * the encoded claims. The key id lets an operator rotate keys: new links are
 * signed with `current`, links in mail already sent keep verifying for as long
 * as their key stays in `keys`.
 *
 * Tokens do not expire: an unsubscribe link must keep working long after the
 * mail was sent (RFC 8058 asks for it to work for days at least; laws ask for
 * longer), and the worst a leaked link can do is unsubscribe its own recipient.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../lib/clients.js';
import { ConfigurationError } from '../lib/errors.js';

/** The HMAC keys: `keys` maps a key id to a base64 secret; `current` signs new tokens. */
export interface UnsubscribeKeys {
  current: string;
  keys: Record<string, string>;
}

/** What a token asserts: this contact asked to leave this conference's bulk mail. */
export interface UnsubscribeClaims {
  conferenceId: string;
  contactKey: string;
  scope: 'bulk';
}

// Key ids travel in the token before the first dot, so they may not contain one.
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** Fewer than 32 bytes of key would make the 256-bit MAC no stronger than the key. */
const MIN_KEY_BYTES = 32;
const MAC_LABEL = 'communique/unsubscribe/v1';
/** Longer than any real token (two ids and an address): a cheap bound before any work. */
const MAX_TOKEN_LENGTH = 1024;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Checks a parsed key set by hand (no zod: it would add ~400 KB to the sender,
 * which signs a token per bulk mail). Returns the problems found.
 */
function keySetProblems(raw: unknown): string[] {
  const set = raw as { current?: unknown; keys?: unknown } | null;
  if (!set || typeof set !== 'object' || Array.isArray(set))
    return ['(root): must be an object with current and keys'];
  const problems: string[] = [];
  if (typeof set.current !== 'string' || !KEY_ID.test(set.current))
    problems.push('current: key ids are 1–32 of [A-Za-z0-9_-]');
  if (!set.keys || typeof set.keys !== 'object' || Array.isArray(set.keys)) {
    problems.push('keys: must be an object of key id → base64 key');
    return problems;
  }
  for (const [id, key] of Object.entries(set.keys as Record<string, unknown>)) {
    if (!KEY_ID.test(id)) problems.push(`keys.${id}: key ids are 1–32 of [A-Za-z0-9_-]`);
    if (typeof key !== 'string' || !BASE64.test(key)) problems.push(`keys.${id}: base64`);
    else if (Buffer.from(key, 'base64').length < MIN_KEY_BYTES)
      problems.push(`keys.${id}: at least ${MIN_KEY_BYTES} bytes`);
  }
  if (typeof set.current === 'string' && !Object.hasOwn(set.keys, set.current)) {
    problems.push('current: current must name one of keys');
  }
  return problems;
}

/** Validates a key set (from the environment or SSM); throws a ConfigurationError naming the fault. */
export function parseUnsubscribeKeys(json: string, source: string): UnsubscribeKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ConfigurationError(`${source}: not JSON`);
  }
  const problems = keySetProblems(raw);
  if (problems.length > 0) throw new ConfigurationError(`${source}: ${problems.join('; ')}`);
  const set = raw as UnsubscribeKeys;
  return { current: set.current, keys: { ...set.keys } };
}

const cache = new Map<string, Promise<UnsubscribeKeys>>();

/**
 * The unsubscribe keys: inline JSON in `UNSUBSCRIBE_KEYS` (the local stack
 * generates one per run), otherwise the SSM SecureString named by
 * `UNSUBSCRIBE_KEY_PARAMETER`, read with decryption once per container. A
 * failed read is not cached, so the next invocation tries again.
 *
 * @throws {ConfigurationError} when neither is set or the value is malformed.
 */
export async function loadUnsubscribeKeys(env: {
  UNSUBSCRIBE_KEYS?: string;
  UNSUBSCRIBE_KEY_PARAMETER?: string;
}): Promise<UnsubscribeKeys> {
  if (env.UNSUBSCRIBE_KEYS) {
    const inline = env.UNSUBSCRIBE_KEYS;
    return memo(`inline:${inline}`, async () => parseUnsubscribeKeys(inline, 'UNSUBSCRIBE_KEYS'));
  }
  const name = env.UNSUBSCRIBE_KEY_PARAMETER;
  if (!name) throw new ConfigurationError('UNSUBSCRIBE_KEYS or UNSUBSCRIBE_KEY_PARAMETER must be set');
  return memo(`ssm:${name}`, async () => {
    const { Parameter } = await ssmClient().send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    if (!Parameter?.Value) throw new ConfigurationError(`SSM parameter ${name} has no value`);
    return parseUnsubscribeKeys(Parameter.Value, `SSM parameter ${name}`);
  });
}

function memo(key: string, load: () => Promise<UnsubscribeKeys>): Promise<UnsubscribeKeys> {
  let pending = cache.get(key);
  if (!pending) {
    pending = load();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

function mac(label: string, secret: string, keyId: string, encodedClaims: string): string {
  return createHmac('sha256', Buffer.from(secret, 'base64'))
    .update(`${label}\n${keyId}\n${encodedClaims}`)
    .digest('base64url');
}

/**
 * Signs a list of claims under a label with the current key: `<keyId>.<claims>.<mac>`. The label
 * is part of the MAC, so a token signed for one purpose (unsubscribe, RSVP) never verifies for
 * another even under the same keys. Shared by every signed link of the project.
 */
export function signClaims(keys: UnsubscribeKeys, label: string, claims: readonly unknown[]): string {
  const secret = keys.keys[keys.current];
  if (secret === undefined) throw new ConfigurationError(`unsubscribe key ${keys.current} is missing`);
  const encoded = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${keys.current}.${encoded}.${mac(label, secret, keys.current, encoded)}`;
}

/**
 * The claims of a genuine token signed under `label` with `arity` claims, or undefined for
 * anything else: unknown key id, wrong shape, altered claims or MAC, truncation, another label.
 * The MAC is compared in constant time over its canonical encoding.
 */
export function verifyClaims(
  keys: UnsubscribeKeys,
  label: string,
  token: unknown,
  arity: number,
): unknown[] | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [keyId, encoded, given] = parts as [string, string, string];
  // `in` would also find Object.prototype members such as `constructor`.
  if (!KEY_ID.test(keyId) || !Object.hasOwn(keys.keys, keyId)) return undefined;
  const secret = keys.keys[keyId];
  if (secret === undefined) return undefined;
  const expected = Buffer.from(mac(label, secret, keyId, encoded), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  // Only a genuine token reaches this point, but its claims are still parsed defensively.
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(claims) || claims.length !== arity) return undefined;
  return claims;
}

/** Signs claims with the current key. */
export function signUnsubscribeToken(keys: UnsubscribeKeys, claims: UnsubscribeClaims): string {
  return signClaims(keys, MAC_LABEL, [claims.conferenceId, claims.contactKey, claims.scope]);
}

/**
 * The unsubscribe link for one recipient of one conference's bulk mail: the
 * endpoint's base URL with the signed token as the `token` query parameter.
 * The same URL serves the confirm page (GET) and the RFC 8058 one-click POST.
 */
export function unsubscribeUrl(
  baseUrl: string,
  keys: UnsubscribeKeys,
  claims: { conferenceId: string; contactKey: string; scope: 'bulk' },
): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', signUnsubscribeToken(keys, claims));
  return url.toString();
}

/**
 * The claims of a genuine token, or undefined for anything else: unknown key
 * id, wrong shape, altered claims or MAC, truncation. The MAC is compared in
 * constant time over its canonical encoding, so two spellings of the same bytes
 * cannot both pass.
 */
export function verifyUnsubscribeToken(
  keys: UnsubscribeKeys,
  token: string,
): { conferenceId: string; contactKey: string; scope: 'bulk' } | undefined {
  const claims = verifyClaims(keys, MAC_LABEL, token, 3);
  if (!claims) return undefined;
  const [conferenceId, contactKey, scope] = claims;
  if (typeof conferenceId !== 'string' || conferenceId === '') return undefined;
  if (typeof contactKey !== 'string' || contactKey === '') return undefined;
  if (scope !== 'bulk') return undefined;
  return { conferenceId, contactKey, scope };
}
