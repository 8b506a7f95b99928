/**
 * The sender under faults, on the embedded stack: each test injects the fault that would break
 * one rule (issue 11, defects 1, 4, 5, 10, 11) and checks the delivery rows, the local SES and
 * the metrics.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tick } from '../../functions/clock/tick.js';
import { createDocumentClient, createSesClient } from '../../functions/lib/clients.js';
import { RenderError } from '../../functions/render/format.js';
import { composerFor } from '../../functions/sending/compose.js';
import type { SenderMetric } from '../../functions/sending/lease.js';
import { CLAIMED_RETRY_MAX_SECONDS, retryLater } from '../../functions/sending/retry.js';
import { MAX_SEND_RETRIES, sendOne } from '../../functions/sending/send.js';
import type { DeliveryRow } from '../../functions/store/model.js';
import { getDelivery, getMailing, transitionDelivery } from '../../functions/store/store.js';
import { DELIVERY_MOVES } from '../../functions/store/transitions.js';
import { useLocalStack } from './support/local-stack.js';
import { headerLine } from './support/mail.js';
import { acceptedFor, fixture, sendAndWait, storeOf } from './support/pipeline.js';
import { awsError, connectionReset, faultyDb, parkedMailing, senderDeps, wireDb } from './support/sender.js';

const cid = 'dushanbe-2022';

/** A loopback HTTP server: reads each request whole, then answers as `respond` says (or resets). */
async function loopback(respond: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => respond(req, res, ++requests));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('sender under faults', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '2000' } });
  const store = () => storeOf(stack.current);
  const one = async (mailingId: string, state?: Parameters<typeof parkedMailing>[3]) => {
    const [d] = await parkedMailing(stack.current, mailingId, 1, state);
    if (!d) throw new Error('no delivery');
    return { delivery: d, job: { mailingId, contactKey: d.contactKey } };
  };
  const row = (d: DeliveryRow) => getDelivery(store(), d.mailingId, d.contactKey);

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
  });

  describe('defect 1: SES is called once per send; a lost answer is uncertain', () => {
    it('a server that reads the request and resets the socket receives it once; the delivery is uncertain', async () => {
      const server = await loopback((req) => req.socket.destroy());
      try {
        const { delivery, job } = await one('reset');
        const metrics: SenderMetric[] = [];
        const ses = createSesClient({
          endpoint: server.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
        });
        expect(await sendOne(senderDeps(stack.current, metrics, { ses }), job)).toBe('uncertain');
        expect(server.requests()).toBe(1);
        const after = await row(delivery);
        expect(after?.state).toBe('uncertain');
        expect(after?.reason).toMatch(/no answer from SES/);
        expect(metrics).toEqual(['Uncertain']);
      } finally {
        await server.close();
      }
    });
  });

  describe('defect 4: a passing fault before the SES call is a retry, not failed or uncertain', () => {
    it('a throttled DynamoDB read while composing releases the claim; the next try sends', async () => {
      const { delivery, job } = await one('compose-throttled');
      let armed = true;
      const db = faultyDb(stack.current, (command, input) => {
        const key = input.Key as { pk?: string; sk?: string } | undefined;
        if (armed && command === 'GetItemCommand' && key?.pk === `CONF#${cid}` && key.sk === 'META') {
          armed = false;
          throw awsError('ProvisionedThroughputExceededException', 400, 'Rate of requests exceeds');
        }
      });
      const s = { ...store(), db };
      const compose = composerFor(s, {
        SENDER_DOMAIN: 'mail.example.org',
        FROM_ADDRESS: 'conference@mail.example.org',
        UNSUBSCRIBE_BASE_URL: 'http://127.0.0.1/',
        UNSUBSCRIBE_KEYS: stack.current.environment.UNSUBSCRIBE_KEYS,
        UNSUBSCRIBE_KEY_PARAMETER: undefined,
      });
      const metrics: SenderMetric[] = [];
      const deps = senderDeps(stack.current, metrics, { compose });
      expect(await sendOne(deps, job)).toBe('retry');
      expect(armed).toBe(false);
      const released = await row(delivery);
      expect(released?.state).toBe('queued');
      expect(released?.reason).toBeUndefined();
      expect(metrics).toEqual(['Retried']);
      expect(acceptedFor(stack.current, 'compose-throttled')).toHaveLength(0);
      expect(await sendOne(deps, { ...job, retries: 1, faults: 1 })).toBe('sent');
      expect(acceptedFor(stack.current, 'compose-throttled')).toHaveLength(1);
    });

    it('a throttled suppression read after the claim releases it: queued, never uncertain', async () => {
      const { delivery, job } = await one('suppression-throttled');
      let calls = 0;
      const deps = senderDeps(stack.current, [], {
        suppressions: async () => {
          calls++;
          if (calls === 1) throw awsError('ThrottlingException', 400, 'Rate exceeded');
          return [];
        },
      });
      expect(await sendOne(deps, job)).toBe('retry');
      expect((await row(delivery))?.state).toBe('queued');
      expect(await sendOne(deps, job)).toBe('sent');
    });

    it('a claim whose answer was lost (the SDK retried into its own claim) still sends, not in-progress', async () => {
      const { delivery, job } = await one('claim-lost');
      let lost = false;
      // The update takes effect, then its answer is lost and the SDK tries again.
      const db = wireDb(stack.current, async (input, send) => {
        const result = await send();
        if (!lost && input.ExpressionAttributeValues?.[':to']?.S === 'sending') {
          lost = true;
          throw connectionReset();
        }
        return result;
      });
      expect(await sendOne(senderDeps(stack.current, [], {}, db), job)).toBe('sent');
      expect(lost).toBe(true);
      expect((await row(delivery))?.state).toBe('sent');
      expect(acceptedFor(stack.current, 'claim-lost')).toHaveLength(1);
    });

    it('a claim that took effect with every answer lost, and every release lost too, comes back carried by the job', async () => {
      const { delivery, job } = await one('claim-unreleased');
      let claims = 0;
      let releases = 0;
      // Every claim attempt takes effect and loses its answer; every release is refused before it
      // takes effect.
      const db = wireDb(stack.current, async (input, send) => {
        const to = input.ExpressionAttributeValues?.[':to']?.S;
        if (to === 'queued' && input.ExpressionAttributeValues?.[':owner']) {
          releases++;
          throw connectionReset();
        }
        if (to !== 'sending') return send();
        claims++;
        // Taken or refused (the SDK's next attempt finds the row claimed), the answer is lost.
        await send().catch(() => undefined);
        throw connectionReset();
      });
      const metrics: SenderMetric[] = [];
      const owner = 'the-first-try';
      expect(await sendOne(senderDeps(stack.current, metrics, {}, db), job, owner)).toBe('retry-claimed');
      expect(claims).toBeGreaterThan(0);
      expect(releases).toBeGreaterThanOrEqual(3);
      const held = (await row(delivery)) as DeliveryRow & { leaseOwner?: string };
      expect(held.state).toBe('sending');
      expect(held.leaseOwner).toBe(owner);
      expect(acceptedFor(stack.current, 'claim-unreleased')).toHaveLength(0);
      expect(metrics).toEqual(['Retried']);

      // The next try carries the claim: it gives it back, then sends, once, never `uncertain`.
      expect(await sendOne(senderDeps(stack.current), { ...job, claimOwner: owner })).toBe('sent');
      expect((await row(delivery))?.state).toBe('sent');
      expect(acceptedFor(stack.current, 'claim-unreleased')).toHaveLength(1);
    });

    it('a DynamoDB request that never gets an answer times out, instead of holding a claim until the Lambda timeout', async () => {
      const silent = await loopback(() => undefined);
      try {
        const db = createDocumentClient({
          endpoint: silent.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
          maxAttempts: 1,
        });
        await expect(
          db.send(new GetCommand({ TableName: 't', Key: { pk: 'a', sk: 'b' } })),
        ).rejects.toMatchObject({
          name: 'TimeoutError',
        });
        expect(silent.requests()).toBe(1);
      } finally {
        await silent.close();
      }
    });

    describe('a job carrying the claim its earlier try could not give back gives it back first', () => {
      const claimed = async (
        mailingId: string,
        leaseUntil: number,
        owner = 'earlier-try',
        state?: Parameters<typeof parkedMailing>[3],
      ) => {
        const { delivery, job } = await one(mailingId, state);
        await transitionDelivery(store(), mailingId, delivery.contactKey, DELIVERY_MOVES.claim, {
          set: { leaseUntil, leaseOwner: owner, submitting: true },
        });
        return { delivery, job: { ...job, claimOwner: 'earlier-try' } };
      };

      it('then sends once: of two copies of the job, one sends', async () => {
        const { delivery, job } = await claimed('claim-given-back', Date.now() + 60_000);
        const outcomes = await Promise.all([
          sendOne(senderDeps(stack.current), { ...job }),
          sendOne(senderDeps(stack.current), { ...job }),
        ]);
        expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
        expect(outcomes.filter((o) => o !== 'sent')).toEqual([
          expect.stringMatching(/^(in-progress|duplicate)$/),
        ]);
        expect((await row(delivery))?.state).toBe('sent');
        expect(acceptedFor(stack.current, 'claim-given-back')).toHaveLength(1);
      });

      it('even after its lease ran out, as that try never called SES', async () => {
        const { delivery, job } = await claimed('claim-given-back-late', Date.now() - 1000);
        const metrics: SenderMetric[] = [];
        expect(await sendOne(senderDeps(stack.current, metrics), job)).toBe('sent');
        expect((await row(delivery))?.state).toBe('sent');
        expect(metrics).toEqual(['Sent']);
      });

      it('but leaves alone a claim of another owner (a copy of the job that got there first)', async () => {
        const { delivery, job } = await claimed('claim-of-a-copy', Date.now() + 60_000, 'a-copy');
        expect(await sendOne(senderDeps(stack.current), job)).toBe('in-progress');
        const held = (await row(delivery)) as DeliveryRow & { leaseOwner?: string };
        expect(held.state).toBe('sending');
        expect(held.leaseOwner).toBe('a-copy');
        expect(acceptedFor(stack.current, 'claim-of-a-copy')).toHaveLength(0);
      });

      it('and holds the job of a paused mailing with the delivery queued, for the resume', async () => {
        const { delivery, job } = await claimed('claim-paused', Date.now() + 60_000, 'earlier-try', 'paused');
        expect(await sendOne(senderDeps(stack.current), job)).toBe('held');
        expect((await row(delivery))?.state).toBe('queued');
        expect(acceptedFor(stack.current, 'claim-paused')).toHaveLength(0);
      });

      it('and, when giving it back fails, comes back still carrying it — even at the retry cap', async () => {
        const { delivery, job } = await claimed('claim-give-back-fails', Date.now() + 60_000);
        const atCap = { ...job, retries: MAX_SEND_RETRIES, faults: MAX_SEND_RETRIES };
        const db = faultyDb(stack.current, (_command, input) => {
          const to = (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':to'];
          if (to === 'queued' || (to as { S?: string } | undefined)?.S === 'queued')
            throw awsError('ProvisionedThroughputExceededException', 400);
        });
        const metrics: SenderMetric[] = [];
        expect(await sendOne(senderDeps(stack.current, metrics, {}, db), atCap)).toBe('retry-earlier-claim');
        expect(metrics).toEqual(['Retried']);
        const held = (await row(delivery)) as DeliveryRow & { leaseOwner?: string };
        expect(held.state).toBe('sending');
        expect(held.leaseOwner).toBe('earlier-try');
        // The try after it gives the claim back and sends.
        expect(await sendOne(senderDeps(stack.current), atCap)).toBe('sent');
        expect(acceptedFor(stack.current, 'claim-give-back-fails')).toHaveLength(1);
      });

      it('and cancels the delivery of a cancelled mailing, not `uncertain`', async () => {
        const { delivery, job } = await claimed(
          'claim-cancelled',
          Date.now() + 60_000,
          'earlier-try',
          'cancelled',
        );
        expect(await sendOne(senderDeps(stack.current), job)).toBe('cancelled');
        expect((await row(delivery))?.state).toBe('cancelled');
        expect(acceptedFor(stack.current, 'claim-cancelled')).toHaveLength(0);
      });
    });

    it('a real render error is failed with its reason', async () => {
      const { delivery, job } = await one('render-error');
      const metrics: SenderMetric[] = [];
      const deps = senderDeps(stack.current, metrics, {
        compose: async () => {
          throw new RenderError('List-Unsubscribe URL must be https');
        },
      });
      expect(await sendOne(deps, job)).toBe('failed');
      expect(await row(delivery)).toMatchObject({
        state: 'failed',
        reason: /could not render: List-Unsubscribe/,
      });
      expect(metrics).toEqual(['Failed']);
    });
  });

  describe('defect 5: one failed read of the unsubscribe keys does not break later bulk mail', () => {
    it('the next compose after a failed SSM read loads the keys again', async () => {
      let failing = true;
      const ssm = await loopback((_, res) => {
        if (failing) {
          res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'InternalServerError', message: 'injected' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            Parameter: {
              Name: '/test/keys',
              Type: 'SecureString',
              Value: stack.current.environment.UNSUBSCRIBE_KEYS,
            },
          }),
        );
      });
      process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
      try {
        const { delivery } = await one('ssm-keys');
        const mailing = await getMailing(store(), 'ssm-keys');
        if (!mailing) throw new Error('no mailing');
        const compose = composerFor(store(), {
          SENDER_DOMAIN: 'mail.example.org',
          FROM_ADDRESS: 'conference@mail.example.org',
          UNSUBSCRIBE_BASE_URL: 'http://127.0.0.1/',
          UNSUBSCRIBE_KEYS: undefined,
          UNSUBSCRIBE_KEY_PARAMETER: '/test/keys',
        });
        await expect(compose(delivery, mailing)).rejects.toThrow();
        expect(ssm.requests()).toBeGreaterThan(0);
        failing = false;
        const mail = await compose(delivery, mailing);
        const parsed = await simpleParser(mail.raw);
        expect(headerLine(parsed, 'list-unsubscribe')).toMatch(/^List-Unsubscribe: <http:\/\/127\.0\.0\.1\//);
      } finally {
        await ssm.close();
      }
    });
  });

  describe('defect 3 (sender side): jobs of a mailing that is not sending are held, SES is not called', () => {
    it.each(['paused', 'dry-run', 'scheduled'] as const)(
      '%s: held, the delivery untouched',
      async (state) => {
        const { delivery, job } = await one(`held-${state}`, state);
        let calls = 0;
        stack.current.ses.setFault(({ destinations }) => {
          if (destinations.some((d) => d.startsWith(`held-${state}-`))) calls++;
          return undefined;
        });
        try {
          expect(await sendOne(senderDeps(stack.current), job)).toBe('held');
        } finally {
          stack.current.ses.setFault(undefined);
        }
        expect(calls).toBe(0);
        const after = (await row(delivery)) as DeliveryRow & { leaseOwner?: string };
        expect(after.state).toBe('queued');
        expect(after.leaseOwner).toBeUndefined();
        expect(acceptedFor(stack.current, `held-${state}`)).toHaveLength(0);
      },
    );
  });

  describe('defect 10: only throttling, 5xx and refused connections are retried, and not for ever', () => {
    const fault = (prefix: string, answer: { status: number; code: string; message: string }) =>
      stack.current.ses.setFault(({ destinations }) =>
        destinations.some((d) => d.startsWith(prefix)) ? answer : undefined,
      );
    afterAll(() => stack.current.ses.setFault(undefined));

    it('an unknown 4xx fails the delivery with the reason', async () => {
      const { delivery, job } = await one('unknown4xx');
      fault('unknown4xx-', { status: 400, code: 'SomethingNewException', message: 'a code nobody listed' });
      const metrics: SenderMetric[] = [];
      expect(await sendOne(senderDeps(stack.current, metrics), job)).toBe('failed');
      expect(await row(delivery)).toMatchObject({
        state: 'failed',
        reason: 'SomethingNewException: a code nobody listed',
      });
      expect(metrics).toEqual(['Failed']);
    });

    it('an authorization error pauses the mailing and holds the job, delivery still queued', async () => {
      const { delivery, job } = await one('denied');
      fault('denied-', {
        status: 403,
        code: 'AccessDenied',
        message: 'not authorized to perform ses:SendRawEmail',
      });
      expect(await sendOne(senderDeps(stack.current), job)).toBe('held');
      expect((await row(delivery))?.state).toBe('queued');
      const mailing = await getMailing(store(), 'denied');
      expect(mailing?.state).toBe('paused');
      expect(mailing?.pausedReason).toMatch(/^AccessDenied: not authorized/);
    });

    it(`5xx is retried and counted, and fails after ${MAX_SEND_RETRIES} retries; throttling is never capped`, async () => {
      const { delivery, job } = await one('outage');
      fault('outage-', { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' });
      const metrics: SenderMetric[] = [];
      const deps = senderDeps(stack.current, metrics);
      expect(await sendOne(deps, { ...job, retries: 3, faults: MAX_SEND_RETRIES - 1 })).toBe('retry');
      expect((await row(delivery))?.state).toBe('queued');
      expect(metrics).toEqual(['Retried']);
      fault('outage-', { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' });
      expect(await sendOne(deps, { ...job, retries: 40, faults: MAX_SEND_RETRIES })).toBe('throttled');
      fault('outage-', { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' });
      expect(await sendOne(deps, { ...job, retries: 41, faults: MAX_SEND_RETRIES })).toBe('failed');
      expect(await row(delivery)).toMatchObject({
        state: 'failed',
        reason: `gave up after ${MAX_SEND_RETRIES} retries: ServiceUnavailable: Service unavailable`,
      });
      expect(metrics).toEqual(['Retried', 'Throttled', 'Failed']);
      expect(acceptedFor(stack.current, 'outage')).toHaveLength(0);
    });

    it('a refused connection is retried: SES never saw it', async () => {
      const { delivery, job } = await one('refused');
      const closed = await loopback(() => undefined);
      await closed.close();
      const ses = createSesClient({
        endpoint: closed.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      });
      expect(await sendOne(senderDeps(stack.current, [], { ses }), job)).toBe('retry');
      expect((await row(delivery))?.state).toBe('queued');
    });

    it('a job put back counts its faults (the cap) apart from its throttles', async () => {
      const sqs = stack.current.clients.sqs;
      const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'retry-probe' }));
      if (!queueUrl) throw new Error('no probe queue');
      const job = { mailingId: 'probe', contactKey: 'probe@example.org', retries: 2, faults: 1 };
      await retryLater(sqs, queueUrl, job, { fault: true });
      await retryLater(sqs, queueUrl, { ...job, contactKey: 'probe2@example.org' }, { fault: false });
      await retryLater(
        sqs,
        queueUrl,
        { ...job, contactKey: 'probe3@example.org', claimOwner: 'a-try' },
        { fault: true },
      );
      // A job carrying its claim comes back within the claim's lease, however many faults it had.
      const late = { ...job, retries: 9, faults: 9 };
      expect(await retryLater(sqs, queueUrl, late, { fault: true })).toBeGreaterThan(
        CLAIMED_RETRY_MAX_SECONDS,
      );
      expect(
        await retryLater(sqs, queueUrl, { ...late, claimOwner: 'a-try' }, { fault: true }),
      ).toBeLessThanOrEqual(CLAIMED_RETRY_MAX_SECONDS);
      const bodies: unknown[] = [];
      for (let i = 0; i < 60 && bodies.length < 3; i++) {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
        );
        for (const m of Messages ?? []) bodies.push(JSON.parse(m.Body ?? '{}'));
      }
      expect(bodies).toContainEqual({
        mailingId: 'probe',
        contactKey: 'probe@example.org',
        retries: 3,
        faults: 2,
      });
      expect(bodies).toContainEqual({
        mailingId: 'probe',
        contactKey: 'probe2@example.org',
        retries: 3,
        faults: 1,
      });
      expect(bodies).toContainEqual({
        mailingId: 'probe',
        contactKey: 'probe3@example.org',
        retries: 3,
        faults: 2,
        claimOwner: 'a-try',
      });
    }, 90_000);
  });

  describe('defect 11: every way into uncertain emits the Uncertain metric', () => {
    const dead = async (mailingId: string) => {
      const { delivery, job } = await one(mailingId);
      await transitionDelivery(store(), mailingId, delivery.contactKey, DELIVERY_MOVES.claim, {
        // It got as far as SES (`submitting`, the last write before the call) and died.
        set: { leaseUntil: Date.now() - 1000, leaseOwner: 'a-sender-that-died', submitting: true },
      });
      return { delivery, job };
    };

    it('a sender that finds a dead claim', async () => {
      const { delivery, job } = await dead('dead-claim-sender');
      const metrics: SenderMetric[] = [];
      expect(await sendOne(senderDeps(stack.current, metrics), job)).toBe('uncertain');
      expect((await row(delivery))?.state).toBe('uncertain');
      expect(metrics).toEqual(['Uncertain']);
    });

    it("the clock's sweep", async () => {
      const { delivery } = await dead('dead-claim-clock');
      const metrics: SenderMetric[] = [];
      const result = await tick(
        {
          ...store(),
          sqs: stack.current.clients.sqs,
          sendQueueUrl: stack.current.outputs.SendQueueUrl ?? '',
          intakeQueueUrl: stack.current.outputs.IntakeQueueUrl ?? '',
          count: (m) => metrics.push(m),
        },
        new Date(),
        { conference: [], session: [] },
      );
      expect(result.leasesExpired).toBe(1);
      expect((await row(delivery))?.state).toBe('uncertain');
      expect(metrics).toEqual(['Uncertain']);
    });
  });
});
