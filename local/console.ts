/**
 * The organizer console on the local stack: one loopback HTTP server that serves the built
 * single-page app (console/dist) and the same organizer API the Lambda serves (functions/api/),
 * with a single-user sign-in instead of Cognito. Local tooling only: never deployed.
 *
 * Sign-in works like a notebook server's token URL: `npm start` prints
 * `http://127.0.0.1:PORT/?token=…`; opening it once sets an HttpOnly, SameSite=Strict session
 * cookie and the token is spent (a fresh link is printed). The server answers only requests whose
 * Host is its own loopback address (no DNS rebinding), and a change (POST) only with a JSON body
 * and, when the browser sends one, its own Origin (no cross-site request forgery).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiDeps } from '../functions/api/deps.js';
import type { Identity } from '../functions/api/http.js';
import { handleApi } from '../functions/api/routes.js';
import type { PipelineDeps } from '../functions/mailing/plan.js';
import { suppressionsFor } from '../functions/store/store.js';
import { consoleContentSecurityPolicy } from '../infra/console-policy.js';
import type { LocalStack } from './stack.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where `npm run build:console` puts the app. */
export const CONSOLE_DIST = path.join(root, 'console', 'dist');

/** Security headers of every console response; the same policy CloudFront sets in AWS (infra/console-policy.ts). */
export const CONSOLE_CSP = consoleContentSecurityPolicy();

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/** The API's collaborators pointed at a local stack. */
export function localApiDeps(stack: LocalStack): ApiDeps {
  const db = DynamoDBDocumentClient.from(stack.clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const pipeline: PipelineDeps = {
    db,
    table: stack.outputs.TableName ?? '',
    now: () => new Date(),
    retentionDays: Number(stack.environment.RETENTION_DAYS ?? 400),
    sqs: stack.clients.sqs,
    sendQueueUrl: stack.outputs.SendQueueUrl ?? '',
    intakeQueueUrl: stack.outputs.IntakeQueueUrl ?? '',
  };
  pipeline.isSuppressed = async (contactKey, cid) =>
    (await suppressionsFor(pipeline, contactKey, cid)).length > 0;
  return {
    pipeline,
    sqs: stack.clients.sqs,
    ses: new SESClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.ses,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    intakeQueueUrl: pipeline.intakeQueueUrl,
    sendQueueUrl: pipeline.sendQueueUrl,
    label: 'the local stack',
    compose: {
      SENDER_DOMAIN: stack.environment.SENDER_DOMAIN ?? 'example.org',
      FROM_ADDRESS: stack.environment.FROM_ADDRESS ?? 'conference@example.org',
      UNSUBSCRIBE_BASE_URL: stack.environment.UNSUBSCRIBE_BASE_URL || stack.endpoints.unsubscribe,
      UNSUBSCRIBE_KEYS: JSON.stringify({
        current: 'test-send',
        keys: { 'test-send': randomBytes(32).toString('base64') },
      }),
    },
  };
}

/** The local single user: an organizer, named like the CLI names its user; test sends go to its address. */
export function localIdentity(): Identity {
  let user = process.env.COMMUNIQUE_USER?.trim();
  if (!user) {
    try {
      user = `${userInfo().username}@console`;
    } catch {
      user = 'organizer@console';
    }
  }
  return {
    user,
    email: process.env.COMMUNIQUE_CONSOLE_EMAIL ?? 'organizer@example.org',
    groups: ['organizers'],
  };
}

export interface ConsoleServer {
  /** http://127.0.0.1:PORT */
  url: string;
  /** A fresh one-time sign-in URL. */
  signInUrl(): string;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  deps: ApiDeps;
  port?: number;
  identity?: Identity;
  /** Told when a sign-in link was spent, with a fresh one. */
  onSignIn?: (freshUrl: string) => void;
  distDir?: string;
}

const COOKIE = 'communique_session';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Starts the console on 127.0.0.1 (never another interface). */
export async function startConsoleServer(options: ConsoleOptions): Promise<ConsoleServer> {
  const identity = options.identity ?? localIdentity();
  const dist = options.distDir ?? CONSOLE_DIST;
  const tokens = new Set<string>();
  const sessions = new Set<string>();
  let origin = '';
  const mint = (): string => {
    const token = randomBytes(24).toString('base64url');
    tokens.add(token);
    return `${origin}/?token=${token}`;
  };

  const server = http.createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: `Console server error: ${(error as Error).message}` });
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    const port = (server.address() as AddressInfo).port;
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      send(res, 421, { error: 'This console answers on its loopback address only.' });
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const session = cookieOf(req.headers.cookie, COOKIE);
    const signedIn = session !== undefined && [...sessions].some((s) => sameSecret(s, session));

    const token = url.searchParams.get('token');
    if (token !== null && req.method === 'GET') {
      const known = [...tokens].find((t) => sameSecret(t, token));
      if (!known) {
        html(
          res,
          401,
          signInPage(
            'This sign-in link was already used or is not valid. Use the newest link `npm start` printed.',
          ),
        );
        return;
      }
      tokens.delete(known);
      const id = randomBytes(32).toString('base64url');
      sessions.add(id);
      options.onSignIn?.(mint());
      url.searchParams.delete('token');
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }

    if (url.pathname.startsWith('/api/')) {
      let body: unknown;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const requestOrigin = req.headers.origin;
        if (
          requestOrigin !== undefined &&
          requestOrigin !== origin &&
          requestOrigin !== origin.replace('127.0.0.1', 'localhost')
        ) {
          send(res, 403, { error: 'Cross-site request refused.' });
          return;
        }
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
          send(res, 415, { error: 'Send JSON (content-type: application/json).' });
          return;
        }
        const raw = await readBody(req);
        try {
          body = raw === '' ? undefined : JSON.parse(raw);
        } catch {
          send(res, 400, { error: 'The request body is not JSON.' });
          return;
        }
      }
      const response = await handleApi(options.deps, {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        identity: signedIn ? identity : undefined,
      });
      send(res, response.status, response.body);
      return;
    }

    if (url.pathname === '/config.json') {
      send(res, 200, { mode: 'local', apiBase: '' });
      return;
    }
    // The app itself: a few built files; every other path is the app's page (it routes by hash).
    const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (!/^[\w.-]+$/.test(file)) {
      html(res, 404, signInPage('Not found.'));
      return;
    }
    let content: Buffer;
    try {
      content = await readFile(path.join(dist, file));
    } catch {
      if (file === 'index.html') {
        html(res, 503, signInPage('The console is not built: run `npm run build:console`.'));
        return;
      }
      html(res, 404, signInPage('Not found.'));
      return;
    }
    if (file === 'index.html' && !signedIn) {
      html(res, 401, signInPage('Open the sign-in link that `npm start` printed (it contains ?token=).'));
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(content);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    signInUrl: mint,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(() => r(undefined)));
      options.deps.ses.destroy();
    },
  };
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('request body over 1 MB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function html(res: http.ServerResponse, status: number, page: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(page);
}

function signInPage(message: string): string {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>communiqué console</title></head><body><main><h1>communiqué console</h1><p>${escaped}</p></main></body></html>`;
}
