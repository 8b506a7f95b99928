import { mkdir, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import sesEmulatorModule from 'aws-ses-v2-local';

// A CommonJS module with `exports.default`: Node's ESM loader hands over the exports
// object, bundlers and vitest hand over `exports.default`; accept either.
type StartEmulator = typeof sesEmulatorModule.default;
const sesEmulator: StartEmulator =
  typeof sesEmulatorModule === 'function' ? (sesEmulatorModule as StartEmulator) : sesEmulatorModule.default;

/** What the local SES accepted: enough for the outbox folder and for SES-shaped feedback events. */
export interface AcceptedMail {
  messageId: string;
  raw: Buffer;
  source: string | undefined;
  destinations: string[];
  configurationSet: string | undefined;
  tags: Record<string, string>;
  emlPath: string;
  timestamp: Date;
}

/**
 * Decides the fate of one SendRawEmail call before the emulator sees it: undefined
 * lets it through, an error answers with that SES error. Used by the chaos tests
 * (throttling, 5xx) and by the rate limiter.
 */
export type SesFault = (call: {
  destinations: string[];
  raw: Buffer;
}) => { status: number; code: string; message: string } | undefined;

export interface LocalSesOptions {
  host: string;
  port: number;
  emlDir: string;
  /** Sends per second the local SES accepts before answering Throttling, like a real account. */
  maxSendRate?: number;
  fault?: SesFault;
  onAccepted?: (mail: AcceptedMail) => void | Promise<void>;
}

export interface LocalSes {
  url: string;
  port: number;
  emlDir: string;
  /** Counts of what the proxy answered, for tests and benchmarks. */
  stats: { accepted: number; throttled: number; faults: number };
  setFault(fault: SesFault | undefined): void;
  setMaxSendRate(rate: number | undefined): void;
  stop(): Promise<void>;
}

/**
 * The SES emulator behind a small proxy. The emulator's `/store` parses raw
 * mail and drops custom headers such as List-Unsubscribe, so the proxy keeps
 * every accepted raw message whole as an `.eml` file; it also enforces the
 * account's send rate and injects faults, which the emulator cannot.
 */
export async function startLocalSes(options: LocalSesOptions): Promise<LocalSes> {
  await mkdir(options.emlDir, { recursive: true });
  const emulator = await sesEmulator({ host: '127.0.0.1', port: 0 });
  const emulatorPort = (emulator.address() as AddressInfo).port;
  let fault = options.fault;
  let limiter = options.maxSendRate ? slidingWindow(options.maxSendRate) : undefined;
  const stats = { accepted: 0, throttled: 0, faults: 0 };

  const server = http.createServer((req, res) => {
    // One connection per call. A kept-alive socket that sat idle past the server's timeout can be
    // closed just as the SDK reuses it; the reset then reads as "no answer", and the sender
    // (rightly, since SES makes one attempt) records `uncertain` for mail that never arrived.
    res.setHeader('connection', 'close');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const form =
      req.method === 'POST' &&
      String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body.toString('utf8'))
        : undefined;
    if (form?.get('Action') !== 'SendRawEmail') {
      const upstream = await forward(emulatorPort, req, body);
      res.writeHead(upstream.status, upstream.headers).end(upstream.body);
      return;
    }
    const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64');
    const destinations = [...form.entries()]
      .filter(([k]) => k.startsWith('Destinations.member.'))
      .map(([, v]) => v);
    const headerDestinations = destinations.length > 0 ? destinations : recipientsFromHeaders(raw);
    if (limiter && !limiter()) {
      stats.throttled++;
      return sesError(res, 400, 'Throttling', 'Maximum sending rate exceeded.');
    }
    const injected = fault?.({ destinations: headerDestinations, raw });
    if (injected) {
      stats.faults++;
      return sesError(res, injected.status, injected.code, injected.message);
    }
    const upstream = await forward(emulatorPort, req, body);
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(upstream.body.toString('utf8'))?.[1];
    if (upstream.status === 200 && messageId) {
      stats.accepted++;
      const timestamp = new Date();
      const emlPath = path.join(
        options.emlDir,
        `${timestamp.toISOString().replace(/[:.]/g, '-')}-${messageId}.eml`,
      );
      await writeFile(emlPath, raw);
      const tags: Record<string, string> = {};
      for (let i = 1; form.has(`Tags.member.${i}.Name`); i++) {
        tags[form.get(`Tags.member.${i}.Name`) ?? ''] = form.get(`Tags.member.${i}.Value`) ?? '';
      }
      await options.onAccepted?.({
        messageId,
        raw,
        source: form.get('Source') ?? undefined,
        destinations: headerDestinations,
        configurationSet: form.get('ConfigurationSetName') ?? undefined,
        tags,
        emlPath,
        timestamp,
      });
    }
    res.writeHead(upstream.status, upstream.headers).end(upstream.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host}:${port}`,
    port,
    emlDir: options.emlDir,
    stats,
    setFault: (f) => {
      fault = f;
    },
    setMaxSendRate: (rate) => {
      limiter = rate ? slidingWindow(rate) : undefined;
    },
    stop: async () => {
      server.closeAllConnections();
      emulator.closeAllConnections();
      await Promise.all([
        new Promise((r) => server.close(() => r(undefined))),
        new Promise((r) => emulator.close(() => r(undefined))),
      ]);
    },
  };
}

/** SES answers a throttled call when more than `rate` sends fall in any one-second window. */
function slidingWindow(rate: number): () => boolean {
  const sent: number[] = [];
  return () => {
    const now = performance.now();
    while (sent.length > 0 && (sent[0] ?? 0) <= now - 1000) sent.shift();
    if (sent.length >= rate) return false;
    sent.push(now);
    return true;
  };
}

function sesError(res: http.ServerResponse, status: number, code: string, message: string): void {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  res
    .writeHead(status, { 'content-type': 'text/xml' })
    .end(
      `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>local</RequestId></ErrorResponse>`,
    );
}

function recipientsFromHeaders(raw: Buffer): string[] {
  const head = raw.toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const out: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const m = /^(to|cc|bcc):(.*)$/i.exec(line);
    if (!m) continue;
    for (const addr of (m[2] ?? '').matchAll(/[^\s<>,"]+@[^\s<>,"]+/g)) out.push(addr[0]);
  }
  return out;
}

async function forward(
  port: number,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${port}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = { ...res.headers };
          delete headers['transfer-encoding'];
          delete headers.connection;
          resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}
