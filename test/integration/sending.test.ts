import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { recipientOf } from '../../functions/mailing/audience.js';
import { mailingProgress } from '../../functions/mailing/operations.js';
import { SlotsContendedError } from '../../functions/sending/fleet-pacer.js';
import { SUBMITTING } from '../../functions/sending/lease.js';
import {
  MAX_PASSED_SLOTS,
  SEND_TIME_NEEDED_MS,
  type SenderDeps,
  sendOne,
} from '../../functions/sending/send.js';
import type { DeliveryRow } from '../../functions/store/model.js';
import {
  countPlanned,
  getDelivery,
  listDeliveries,
  type StoreDeps,
  sessionMembers,
} from '../../functions/store/store.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { headerLine } from './support/mail.js';
import {
  acceptedFor as acceptedForMailing,
  fixture,
  freshId,
  mailingRequest,
  sendAndWait,
  sendEvent,
  storeOf,
} from './support/pipeline.js';
import { waitDrained, waitForProgress } from './support/progress.js';
import { seedDelivery, seedMailing, seedRegistrations } from './support/seed.js';
import { faultyDb, senderDeps } from './support/sender.js';

const cid = 'dushanbe-2022';

describe('sending on the embedded stack', () => {
  const stack = useLocalStack({
    // Tests don't wait for a real account's rate; pacing has its own benchmark.
    // The stack's own send lease stays the template's (120 s): a 2 s lease lapsed under load
    // and turned a live claim `uncertain`. Tests that need a lapsed claim move the clock instead.
    environment: { SEND_RATE_PER_INVOCATION: '2000' },
  });
  const store = (): StoreDeps => storeOf(stack.current);
  const acceptedFor = (mailingId: string) => acceptedForMailing(stack.current, mailingId);
  // Waits on progress, not on a deadline: fails only when the counters stop moving for longer
  // than the sender's longest back-off (120 s, sending/retry.ts), which a retried job may wait.
  const waitComplete = (mailingId: string) =>
    waitForProgress(() => mailingProgress(store(), mailingId), {
      done: (p) => p.total > 0 && p.counts.queued + p.counts.sending === 0 && p.settled === p.total,
      progressOf: (p) => [p.state, p.total, p.counts],
      stallMs: 150_000,
      what: `${mailingId} settled`,
    });

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
  });

  it('sends a 2,000-recipient mailing to each member exactly once, with counters matching the rows', async () => {
    const rows = await seedRegistrations(store(), cid, 2000, { prefix: 'bulk' });
    // Registrants by role: an invitation without one goes to invitees (see README "Invitations").
    await sendEvent(stack.current, mailingRequest('bulk-2000', { roles: ['delegate'] }));
    await waitComplete('bulk-2000');
    // Let the SES events settle too, so the rows stop moving before they are counted.
    const progress = await waitForProgress(() => mailingProgress(store(), 'bulk-2000'), {
      done: (p) => p.counts.delivered === 2000,
      progressOf: (p) => p.counts,
      what: 'bulk-2000 delivered',
    });
    expect(progress.total).toBe(2000);
    const accepted = acceptedFor('bulk-2000');
    const recipients = accepted.flatMap((m) => m.destinations);
    expect(recipients).toHaveLength(2000);
    expect(new Set(recipients)).toEqual(new Set(rows.map((r) => r.email)));
    const deliveries = await listDeliveries(store(), 'bulk-2000');
    const byState = new Map<string, number>();
    for (const d of deliveries) byState.set(d.state, (byState.get(d.state) ?? 0) + 1);
    for (const [state, n] of byState)
      expect(progress.counts[state as keyof typeof progress.counts], state).toBe(n);
    expect(deliveries).toHaveLength(2000);
    expect(deliveries.every((d) => d.state === 'delivered' && d.sesMessageId)).toBe(true);
    // No wall-clock limit on a loaded machine: waitForProgress fails the test when nothing moves.
  }, 0);

  it('sends once when every send job is delivered twice', async () => {
    await seedRegistrations(store(), cid, 30, { prefix: 'twice' });
    await sendEvent(
      stack.current,
      mailingRequest('twice', { contactIds: Array.from({ length: 30 }, (_, i) => `twice-reg-${i}`) }),
    );
    await waitComplete('twice');
    // Replay every job as SQS redelivery would.
    for (const d of await listDeliveries(store(), 'twice')) {
      await stack.current.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.current.outputs.SendQueueUrl,
          MessageBody: JSON.stringify({ mailingId: 'twice', contactKey: d.contactKey }),
        }),
      );
    }
    // Every replayed job has been handled (and deleted) once the send queue holds nothing.
    await waitDrained(stack.current, stack.current.outputs.SendQueueUrl, 'send queue');
    expect(acceptedFor('twice').flatMap((m) => m.destinations)).toHaveLength(30);
  });

  /** The sender's collaborators on the test stack (support/sender.ts), as a real sender has them. */
  function directDeps(overrides: Partial<SenderDeps> = {}, db?: DynamoDBDocumentClient): SenderDeps {
    const client = new SESClient({
      endpoint: stack.current.endpoints.ses,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    // The SDK's own retries, no metrics, and a lease long enough that a loaded machine never lets a
    // live claim lapse (tests that need a lapsed claim move the clock past it instead of sleeping).
    return senderDeps(
      stack.current,
      [],
      { ses: client, count: undefined, leaseSeconds: 60, ...overrides },
      db,
    );
  }

  /** A mailing whose deliveries are written but whose send jobs were never enqueued: only the test sends. */
  async function parkedMailing(mailingId: string, n: number): Promise<DeliveryRow[]> {
    const rows = await seedRegistrations(store(), cid, n, { prefix: mailingId });
    await seedMailing(store(), { mailingId, conferenceId: cid, plan: { phase: 'explicit', pages: 1 } });
    for (const row of rows) {
      await seedDelivery(store(), { mailingId, conferenceId: cid }, row.contactKey, recipientOf(row));
    }
    await countPlanned(store(), mailingId, n);
    return listDeliveries(store(), mailingId);
  }

  it('sends once when two senders race over the same jobs', async () => {
    // Throttle the stack's own sender out of the way so only the two racers send.
    stack.current.ses.setFault(({ destinations }) =>
      destinations.some((d) => d.startsWith('race-'))
        ? { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' }
        : undefined,
    );
    const deliveries = await parkedMailing('race', 20);
    stack.current.ses.setFault(undefined);
    // No job of the stack's own sender is left to race the two below.
    await waitDrained(stack.current, stack.current.outputs.SendQueueUrl, 'send queue');
    const a = directDeps();
    const b = directDeps();
    const jobs = deliveries.map((d) => ({ mailingId: 'race', contactKey: d.contactKey }));
    const outcomes = await Promise.all(jobs.flatMap((job) => [sendOne(a, job), sendOne(b, job)]));
    await waitComplete('race');
    expect(
      acceptedFor('race')
        .flatMap((m) => m.destinations)
        .sort(),
    ).toEqual(deliveries.map((d) => d.recipient.email).sort());
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(20);
    expect(outcomes.filter((o) => o !== 'sent' && o !== 'duplicate' && o !== 'in-progress')).toEqual([]);
  });

  it('sends a planned job without reading its row first, and a replay of that job sends nothing', async () => {
    stack.current.ses.setFault(({ destinations }) =>
      destinations.some((d) => d.startsWith('planned-'))
        ? { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' }
        : undefined,
    );
    const [delivery] = await parkedMailing('planned', 1);
    if (!delivery) throw new Error('no delivery');
    stack.current.ses.setFault(undefined);
    await waitDrained(stack.current, stack.current.outputs.SendQueueUrl, 'send queue');
    // Every call the sender makes on this delivery's row, by command.
    const onRow: string[] = [];
    const db = faultyDb(stack.current, (command, input) => {
      if (JSON.stringify(input.Key ?? {}).includes(`DELIVERY#${delivery.contactKey}`)) onRow.push(command);
    });
    const job = {
      mailingId: 'planned',
      contactKey: delivery.contactKey,
      delivery: { deliveryId: delivery.deliveryId, recipient: delivery.recipient },
    };
    expect(await sendOne(directDeps({}, db), job)).toBe('sent');
    // The claim (with the `submitting` mark) and the record: no GetItem, no separate mark.
    expect(onRow).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
    // The same job again (an SQS redelivery): its claim fails, reads say why, nothing is written.
    onRow.length = 0;
    expect(await sendOne(directDeps({}, db), job)).toBe('duplicate');
    expect(onRow[0]).toBe('UpdateItemCommand');
    expect(new Set(onRow.slice(1))).toEqual(new Set(['GetItemCommand']));
    const accepted = acceptedFor('planned');
    expect(accepted.flatMap((m) => m.destinations)).toEqual([delivery.recipient.email]);
    const parsed = await simpleParser(accepted[0]?.raw ?? '');
    expect(parsed.to && 'value' in parsed.to ? parsed.to.value[0]?.address : undefined).toBe(
      delivery.recipient.email,
    );
  });

  it('waits for its send slot before the claim, takes another when it went by, and waits out the rest after the claim', async () => {
    const [delivery] = await parkedMailing('slot-order', 1);
    if (!delivery) throw new Error('no delivery');
    const seen: string[] = [];
    const look = async (step: string) => {
      const row = (await getDelivery(store(), 'slot-order', delivery.contactKey)) as DeliveryRow &
        Record<string, unknown>;
      const mailed = acceptedFor('slot-order').length;
      seen.push(`${step}: ${row.state}${row[SUBMITTING] ? ' submitting' : ''}, ${mailed} mailed`);
    };
    let next = 41;
    const pacer = {
      reserve: async () => {
        await look(`reserve ${++next}`);
        return next;
      },
      // The first slot has gone by when its wait ends (a busy machine): it passes unused.
      ready: async (at: number) => {
        await look(`ready ${at}`);
        return at > 42;
      },
      waitUntil: async (at: number) => {
        await look(`wait ${at}`);
      },
      forgo: () => undefined,
      backOff: () => undefined,
    };
    const job = {
      mailingId: 'slot-order',
      contactKey: delivery.contactKey,
      delivery: { deliveryId: delivery.deliveryId, recipient: delivery.recipient },
    };
    expect(await sendOne(directDeps({ pacer }), job)).toBe('sent');
    // Reserving and waiting (which may do I/O, and passes a slot gone by) come before the claim:
    // nothing is held meanwhile. The claim carries the `submitting` mark, and after it only the
    // rest is waited out, so the slot is the SES call's moment.
    expect(seen).toEqual([
      'reserve 42: queued, 0 mailed',
      'ready 42: queued, 0 mailed',
      'reserve 43: queued, 0 mailed',
      'ready 43: queued, 0 mailed',
      'wait 43: sending submitting, 0 mailed',
    ]);
    expect(acceptedFor('slot-order')).toHaveLength(1);
  });

  it('puts a job back unclaimed, without counting a fault, when the fleet holds the schedule or slots keep going by', async () => {
    const rows = await parkedMailing('slot-busy', 2);
    const jobOf = (d: DeliveryRow) => ({
      mailingId: 'slot-busy',
      contactKey: d.contactKey,
      delivery: { deliveryId: d.deliveryId, recipient: d.recipient },
    });
    let reserved = 0;
    const stalled = {
      reserve: async () => ++reserved,
      ready: async () => false, // every slot has gone by when its wait ends
      forgo: () => undefined,
      waitUntil: async () => undefined,
      backOff: () => undefined,
    };
    const contended = {
      ...stalled,
      reserve: async (): Promise<number> => {
        throw new SlotsContendedError();
      },
    };
    const [a, b] = rows as [DeliveryRow, DeliveryRow];
    expect(await sendOne(directDeps({ pacer: stalled }), jobOf(a))).toBe('throttled');
    expect(reserved).toBe(MAX_PASSED_SLOTS);
    expect(await sendOne(directDeps({ pacer: contended }), jobOf(b))).toBe('throttled');
    // Nothing was claimed and nothing sent: both wait in the queue for the job to come back.
    for (const d of [a, b])
      expect((await getDelivery(store(), 'slot-busy', d.contactKey))?.state).toBe('queued');
    expect(acceptedFor('slot-busy')).toHaveLength(0); // Too near the invocation's end to claim, mark and send: unclaimed too. With the chaos runs'
    // 8 s sender timeout still ahead, it sends.
    const near = directDeps({ remainingMs: () => SEND_TIME_NEEDED_MS - 1 });
    expect(await sendOne(near, jobOf(a))).toBe('throttled');
    expect((await getDelivery(store(), 'slot-busy', a.contactKey))?.state).toBe('queued');
    expect(await sendOne(directDeps({ remainingMs: () => 8_000 }), jobOf(a))).toBe('sent');
    expect(acceptedFor('slot-busy')).toHaveLength(1);
  });

  it('marks a delivery uncertain, and does not resend it, when the sender dies after SES accepted', async () => {
    stack.current.ses.setFault(({ destinations }) =>
      destinations.some((d) => d.startsWith('crash-'))
        ? { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' }
        : undefined,
    );
    const [delivery] = await parkedMailing('crash', 1);
    if (!delivery) throw new Error('no delivery');
    stack.current.ses.setFault(undefined);
    // A DynamoDB client that loses the write recording `sent`, as if the function died right there.
    const raw = new DynamoDBClient({
      endpoint: stack.current.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    raw.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
        const to = input.ExpressionAttributeValues?.[':to'];
        if (to === 'sent' || (to as { S?: string } | undefined)?.S === 'sent') {
          throw new Error('injected crash: function died');
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const dying = directDeps(
      {},
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    );
    const job = { mailingId: 'crash', contactKey: delivery.contactKey };
    await expect(sendOne(dying, job)).rejects.toThrow('injected crash');
    // Later, when the claim's lease (60 s) has run out: a clock ahead of the claim's, not a sleep.
    const later = () => new Date(Date.now() + 120_000);
    expect(await sendOne(directDeps({ now: later }), job)).toBe('uncertain');
    expect(await sendOne(directDeps({ now: later }), job)).toBe('duplicate');
    expect(acceptedFor('crash').flatMap((m) => m.destinations)).toEqual([delivery.recipient.email]);
    const [row] = await listDeliveries(store(), 'crash');
    expect(row?.state).toBe('uncertain');
  });

  it('ends every delivery sent, none failed, under injected throttling and 5xx', async () => {
    let calls = 0;
    stack.current.ses.setFault(({ destinations }) => {
      if (!destinations.some((d) => d.startsWith('chaos-'))) return undefined;
      calls++;
      if (calls % 3 === 0)
        return { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' };
      if (calls % 5 === 0) return { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' };
      return undefined;
    });
    await seedRegistrations(store(), cid, 60, { prefix: 'chaos' });
    await sendEvent(
      stack.current,
      mailingRequest('chaos', { contactIds: Array.from({ length: 60 }, (_, i) => `chaos-reg-${i}`) }),
    );
    const progress = await waitComplete('chaos');
    stack.current.ses.setFault(undefined);
    expect(progress.counts.failed).toBe(0);
    expect(progress.counts.sent + progress.counts.delivered, JSON.stringify(progress.counts)).toBe(60);
    expect(stack.current.ses.stats.faults).toBeGreaterThan(0);
    expect(acceptedFor('chaos').flatMap((m) => m.destinations)).toHaveLength(60);
  }, 0);

  it('cancels the rest of a mailing mid-send', async () => {
    let allowed = 10;
    stack.current.ses.setFault(({ destinations }) => {
      if (!destinations.some((d) => d.startsWith('cancel-'))) return undefined;
      if (allowed > 0) {
        allowed--;
        return undefined;
      }
      return { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' };
    });
    await seedRegistrations(store(), cid, 40, { prefix: 'cancel' });
    await sendEvent(
      stack.current,
      mailingRequest('cancel', { contactIds: Array.from({ length: 40 }, (_, i) => `cancel-reg-${i}`) }),
    );
    await eventually(async () => (acceptedFor('cancel').length >= 10 ? true : undefined));
    const cancel = fixture('mailing.cancelled');
    cancel.id = freshId();
    cancel.data = { conferenceId: cid, mailingId: 'cancel', requestedBy: 'test@example.org' };
    await sendAndWait(stack.current, cancel);
    // Still throttled while the cancellation settles: whatever a sender holds comes back and is cancelled.
    const progress = await waitComplete('cancel');
    stack.current.ses.setFault(undefined);
    expect(progress.state).toBe('cancelled');
    expect(progress.counts.cancelled).toBe(30);
    expect(progress.counts.sent + progress.counts.delivered).toBe(10);
    // Nothing can be sent any more once no send job is left anywhere.
    await waitDrained(stack.current, stack.current.outputs.SendQueueUrl, 'send queue');
    expect(acceptedFor('cancel')).toHaveLength(10);
  });

  it('tells only the registrants of a moved panel, once each', async () => {
    const moved = 'panel-small-arms';
    const people = await seedRegistrations(store(), cid, 12, {
      prefix: 'agenda',
      sessions: (i) =>
        i % 3 === 0 ? ['opening-plenary', moved] : ['opening-plenary', 'panel-border-cooperation'],
    });
    const base = fixture('agenda.changed');
    const sessions = base.data.sessions as { sessionId: string; room: string; start: string; end: string }[];
    const panel = sessions.find((s) => s.sessionId === moved);
    if (!panel) throw new Error(`fixture lacks ${moved}`);
    const change = {
      ...base,
      id: freshId(),
      data: { ...base.data, version: 20, sessions: [{ ...panel, room: 'Hall B (moved)' }] },
    };
    await sendAndWait(stack.current, change);
    const mailingId = `agenda-${cid}-v20`;
    await waitComplete(mailingId);
    const registrants = people.filter((_, i) => i % 3 === 0).map((p) => p.email);
    const recipients = (await listDeliveries(store(), mailingId)).map((d) => d.recipient);
    const got = acceptedFor(mailingId)
      .flatMap((m) => m.destinations)
      .filter((e) => e.startsWith('agenda-'));
    expect(got.sort()).toEqual(registrants.sort());
    // Of the people seeded here, only the panel's registrants have a delivery at all…
    expect(
      recipients
        .map((r) => r.email)
        .filter((e) => e.startsWith('agenda-'))
        .sort(),
    ).toEqual(registrants.sort());
    // …and everyone else notified is registered to the moved panel (by earlier tests or fixtures).
    const members = new Set(await sessionMembers(store(), cid, moved));
    expect(recipients.filter((r) => !members.has(r.contactKey)).map((r) => r.email)).toEqual([]);
    const eml = acceptedFor(mailingId)[0];
    if (!eml) throw new Error('no notice');
    const parsed = await simpleParser(await readFile(eml.emlPath));
    expect(headerLine(parsed, 'list-unsubscribe')).toBeUndefined();
    const ics = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics?.content.toString('utf8')).toMatch(/SEQUENCE:20/);
  });
});
