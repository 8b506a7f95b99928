import { readdir, readFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultLayer, describeFault, type Fault, parseFault } from '../../local/faults.js';
import { runInvocation } from '../../local/invocation.js';
import { scheduleArbitrary } from './schedule.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A loopback "SES" that counts the SendRawEmail requests it receives and accepts each. */
function countingSes() {
  const state = { requests: 0, url: '' };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<SendRawEmailResponse><SendRawEmailResult><MessageId>m-${state.requests}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></SendRawEmailResponse>`,
        );
    });
  });
  return Object.assign(state, { server });
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
// Error-before faults never reach the wire, so a closed port is enough.
const nowhere = { region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 };
const send = (raw = 'Subject: x\r\n\r\nx') =>
  new SendRawEmailCommand({
    RawMessage: { Data: Buffer.from(raw) },
    Destinations: ['a@example.org'],
    Tags: [{ Name: 'delivery', Value: 'd-1' }],
  });

describe('fault layer', () => {
  const ses = countingSes();
  beforeAll(async () => {
    await new Promise<void>((r) => ses.server.listen(0, '127.0.0.1', () => r()));
    ses.url = `http://127.0.0.1:${(ses.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    ses.server.closeAllConnections();
    await new Promise((r) => ses.server.close(r));
  });
  const sesClient = (maxAttempts: number) =>
    new SESClient({ region: 'us-east-1', credentials, endpoint: ses.url, maxAttempts });

  it.each([
    ['DynamoDB', () => new DynamoDBClient(nowhere), new GetItemCommand({ TableName: 't', Key: {} })],
    ['SQS', () => new SQSClient(nowhere), new SendMessageCommand({ QueueUrl: 'http://q', MessageBody: 'x' })],
    ['SES', () => new SESClient(nowhere), send()],
    ['SNS', () => new SNSClient(nowhere), new PublishCommand({ TopicArn: 'arn:aws:sns:x', Message: 'x' })],
    ['SSM', () => new SSMClient(nowhere), new GetParameterCommand({ Name: 'p' })],
  ] as const)(
    'answers %s calls with the service’s own errors, as the SDK parses them',
    async (service, make, command) => {
      const layer = createFaultLayer();
      const client = make();
      layer.install(client);
      const op = `${service}.${command.constructor.name.replace(/Command$/, '')}`;
      const expected = {
        throttle: { status: 400, name: /^Throttling(Exception)?$/ },
        '5xx': { status: service === 'DynamoDB' ? 500 : 503, name: /InternalServerError|ServiceUnavailable/ },
        'access-denied': { status: 403, name: /^AccessDenied(Exception)?$/ },
      } as const;
      for (const [error, want] of Object.entries(expected)) {
        layer.setSchedule([{ fn: 'probe', op, nth: 1, kind: 'error', error: error as Fault['error'] }]);
        const caught = await runInvocation('probe', 10, () =>
          (client.send as (c: unknown) => Promise<unknown>)(command),
        );
        expect(caught.kind).toBe('threw');
        const err = (caught as { error: { name: string; $metadata?: { httpStatusCode?: number } } }).error;
        expect(err.name).toMatch(want.name);
        expect(err.$metadata?.httpStatusCode).toBe(want.status);
      }
      expect(layer.injected).toHaveLength(3);
    },
  );

  it('loses the answer of a call that took effect; the SDK resends it when allowed to retry', async () => {
    const layer = createFaultLayer();
    const once = sesClient(1);
    const twice = sesClient(2);
    layer.install(once);
    layer.install(twice);
    layer.setSchedule([{ fn: 'sender', op: 'SES.SendRawEmail', nth: 1, kind: 'lost' }]);
    const before = ses.requests;
    const result = await runInvocation('sender', 10, () => once.send(send()));
    expect(ses.requests - before).toBe(1);
    const error = (result as { error: { code?: string; $metadata?: { httpStatusCode?: number } } }).error;
    expect(error.code).toBe('ECONNRESET');
    // No HTTP answer: the SDK's metadata carries only its attempt count.
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(layer.sesCalls.at(-1)).toMatchObject({ delivery: 'd-1', reachedService: true, answered: false });

    // With a retry left, the SDK sends the same mail again by itself: the wire sees two.
    layer.setSchedule([{ fn: 'sender', op: 'SES.SendRawEmail', nth: 1, kind: 'lost' }]);
    const again = ses.requests;
    const retried = await runInvocation('sender', 10, () => twice.send(send()));
    expect(retried.kind).toBe('returned');
    expect(ses.requests - again).toBe(2);
  });

  it('crashes an invocation before or after a call: nothing later in it settles, other invocations go on', async () => {
    const layer = createFaultLayer();
    const client = sesClient(1);
    layer.install(client);
    layer.setSchedule([
      { fn: 'sender', op: 'SES.SendRawEmail', nth: 1, kind: 'crash-before' },
      { fn: 'sender', op: 'SES.SendRawEmail', nth: 2, kind: 'crash-after' },
    ]);
    const start = ses.requests;
    let after = false;
    const before = await runInvocation('sender', 10, async () => {
      await client.send(send());
      after = true;
    });
    expect(before).toMatchObject({ kind: 'died', reason: expect.stringContaining('before') });
    expect(ses.requests - start).toBe(0);
    const afterCall = await runInvocation('sender', 10, async () => {
      await client.send(send());
      after = true;
    });
    expect(afterCall).toMatchObject({ kind: 'died', reason: expect.stringContaining('after') });
    expect(ses.requests - start).toBe(1);
    expect(after).toBe(false);
    // The third call is no longer in the schedule, and outside an invocation nothing is touched.
    expect((await runInvocation('sender', 10, () => client.send(send()))).kind).toBe('returned');
    await client.send(send());
    expect(ses.requests - start).toBe(3);
  });

  it('stops an invocation at its timeout and freezes its later calls', async () => {
    const layer = createFaultLayer();
    const client = sesClient(1);
    layer.install(client);
    layer.setSchedule([{ fn: 'sender', op: 'SES.SendRawEmail', nth: 1, kind: 'latency', ms: 1_500 }]);
    const start = ses.requests;
    const result = await runInvocation('sender', 1, () => client.send(send()));
    expect(result).toMatchObject({ kind: 'died', reason: expect.stringContaining('timed out') });
    // The slow call was on its way when the invocation died: it may land, but nobody hears back.
    await new Promise((r) => setTimeout(r, 700));
    expect(ses.requests - start).toBeLessThanOrEqual(1);
    expect(layer.sesCalls.at(-1)?.answered).toBe(false);
  });

  it('counts calls per function and operation, and hits exactly the scheduled steps', async () => {
    const layer = createFaultLayer();
    const client = new DynamoDBClient(nowhere);
    layer.install(client);
    layer.install(client); // idempotent
    layer.setSchedule([
      { fn: 'intake', op: 'DynamoDB.GetItem', nth: 2, times: 2, kind: 'error', error: '5xx' },
    ]);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await runInvocation('intake', 10, () =>
        client.send(new GetItemCommand({ TableName: 't', Key: {} })),
      );
      const e = r.kind === 'threw' ? (r.error as { $metadata?: { httpStatusCode?: number } }) : undefined;
      outcomes.push(e?.$metadata?.httpStatusCode === 500 ? 'injected' : 'wire');
    }
    expect(outcomes).toEqual(['wire', 'injected', 'injected', 'wire']);
    expect(layer.calls.get('intake:DynamoDB.GetItem')).toBe(4);
    expect(layer.figures()).toEqual({ 'error:5xx': 2 });
  });

  it('draws the same schedule from the same seed', () => {
    const a = fc.sample(scheduleArbitrary(), { seed: 42, numRuns: 5 });
    const b = fc.sample(scheduleArbitrary(), { seed: 42, numRuns: 5 });
    const c = fc.sample(scheduleArbitrary(), { seed: 43, numRuns: 5 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('reads back every schedule it prints (what --schedule replays)', () => {
    const schedules = fc.sample(scheduleArbitrary(), { seed: 7, numRuns: 50 });
    const named: Fault = {
      fn: 'sender',
      op: 'DynamoDB.UpdateItem',
      nth: 2,
      times: 3,
      where: 'DELIVERY#',
      kind: 'lost',
    };
    for (const schedule of [...schedules, [named]]) {
      expect(schedule.map((f) => parseFault(describeFault(f)))).toEqual(
        schedule.map((f) => ({ times: 1, ...f })),
      );
    }
    expect(() => parseFault('intake:DynamoDB.GetItem#4 error teapot')).toThrow(/not an error class/);
    expect(() => parseFault('sometimes')).toThrow(/not a fault/);
  });

  it('reaches every AWS client a function creates: they all come from functions/lib/clients.ts', async () => {
    const offenders: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (/\.ts$/.test(entry.name) && !full.endsWith(path.join('lib', 'clients.ts'))) {
          if (/new\s+\w+Client\s*\(|\.from\(\s*new\s/.test(await readFile(full, 'utf8')))
            offenders.push(full);
        }
      }
    };
    await walk(path.join(root, 'functions'));
    expect(offenders).toEqual([]);
    const clients = await readFile(path.join(root, 'functions/lib/clients.ts'), 'utf8');
    const created = [...clients.matchAll(/export function (\w+)\(\)/g)].map((m) => m[1]);
    const faults = await readFile(path.join(root, 'local/faults.ts'), 'utf8');
    for (const getter of created) expect(faults).toContain(`clients.${getter}()`);
  });
});
