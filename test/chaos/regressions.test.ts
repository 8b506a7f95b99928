/**
 * Violations the chaos property found beyond the fourteen defects of issue 11, each pinned by
 * the one fault that caused it (the fault layer's named steps), on the embedded stack.
 */
import { describe, expect, it } from 'vitest';
import { resendDeliveries } from '../../functions/mailing/operations.js';
import { getMailing, listDeliveries } from '../../functions/store/store.js';
import { createFaultLayer } from '../../local/faults.js';
import { eventually, sharedTemplate, useLocalStack } from '../integration/support/local-stack.js';
import {
  acceptedFor,
  fixture,
  freshId,
  mailingRequest,
  sendAndWait,
  sendEvent,
  storeOf,
} from '../integration/support/pipeline.js';
import { waitForProgress } from '../integration/support/progress.js';
import { settle } from './check.js';
import { pipelineOf, withTimeouts } from './property.js';

const cid = 'dushanbe-2022';
const layer = createFaultLayer();

describe('chaos regressions', () => {
  const stack = useLocalStack({
    // Timeouts shorter than the leases, both short, so a dead claim runs out within the test.
    // Long enough that a loaded machine does not time invocations out on its own (a timeout after
    // the last write before SES is an honest `uncertain`, which these tests do not expect).
    template: withTimeouts(sharedTemplate(), { sender: 6, intake: 6 }),
    faults: layer,
    scheduleEverySeconds: 1,
    // A dead invocation's records come back after the event claim ran out, as in AWS.
    failedVisibilitySeconds: 4,
    environment: {
      SEND_RATE_PER_INVOCATION: '1000',
      SEND_LEASE_SECONDS: '7',
      EVENT_LEASE_SECONDS: '8',
      STALE_QUEUED_SECONDS: '5',
      COUNTERS_QUIET_SECONDS: '8',
    },
  });
  const store = () => storeOf(stack.current);
  const registration = (n: number) => {
    const e = fixture('registration.created');
    e.id = freshId('reg');
    e.data = {
      ...e.data,
      registrationId: `chaos-${n}`,
      person: { ...(e.data.person as object), email: `chaos-${n}@example.org` },
    };
    return e;
  };
  /** A one-person mailing complete, its row delivered, counted once, and no recount left due. */
  const deliveredAndCounted = (mailingId: string) =>
    eventually(
      async () => {
        const m = await getMailing(store(), mailingId);
        const [row] = await listDeliveries(store(), mailingId);
        const due = (m as { recountDue?: string } | undefined)?.recountDue;
        return m?.state === 'complete' && row?.state === 'delivered' && !due && m.count_delivered === 1
          ? m
          : undefined;
      },
      { timeoutMs: 60_000, what: `${mailingId} delivered, counted and its recount done` },
    );
  /** The mailing once it is complete and its deliveries are all past sending. */
  const settledMailing = (mailingId: string) =>
    eventually(
      async () => {
        const m = await getMailing(store(), mailingId);
        const rows = await listDeliveries(store(), mailingId);
        const open = rows.some((r) => r.state === 'queued' || r.state === 'sending');
        return m?.state === 'complete' && rows.length > 0 && !open ? m : undefined;
      },
      { timeoutMs: 150_000, what: `${mailingId} complete` },
    );

  it('counts a confirmation once when the intake dies right after writing its delivery', async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
    layer.setSchedule([
      { fn: 'intake', op: 'DynamoDB.PutItem', where: 'DELIVERY#', nth: 1, kind: 'crash-after' },
    ]);
    await sendEvent(stack.current, registration(1));
    const mailingId = `confirmation-${cid}-chaos-1`;
    const mailing = await settledMailing(mailingId);
    expect(layer.injected.map((i) => i.fault.kind)).toEqual(['crash-after']);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(sent|delivered)$/)]);
    expect(mailing.total).toBe(1);
    expect(mailing.count_queued).toBe(0);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });

  it('leaves no mailing open when the intake died writing a confirmation and a cancellation then won', async () => {
    // Found by `npm run chaos -- --runs 12 --recipients 40 --seed 827325445` (run 12): the
    // confirmation's mailing was written, its delivery too, then the intake died; by the time the
    // event came back the registration was cancelled, so the confirmation was never finished —
    // a mailing `sending` for ever with `total 0` and one row.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
    layer.setSchedule([
      { fn: 'intake', op: 'DynamoDB.PutItem', where: 'DELIVERY#chaos-31@', nth: 1, kind: 'crash-after' },
    ]);
    const created = registration(31);
    created.time = '2022-09-20T10:00:00Z';
    await sendEvent(stack.current, created);
    await eventually(
      async () => layer.injected.some((i) => i.fault.where === 'DELIVERY#chaos-31@') || undefined,
      {
        what: 'the intake to die after writing',
      },
    );
    const cancelled = registration(31);
    cancelled.type = 'registration.cancelled';
    cancelled.time = '2022-09-21T10:00:00Z';
    await sendEvent(stack.current, cancelled);
    const cancellation = await settledMailing(`cancellation-${cid}-chaos-31`);
    expect(cancellation.total).toBe(1);
    // Settled: every queue empty, nothing running, every mailing of the conference final.
    const settled = await settle(stack.current, store(), cid, { stallMs: 60_000 });
    expect(settled.last.mailings.filter((m) => m.state !== 'complete' && m.state !== 'cancelled')).toEqual(
      [],
    );
    expect(settled.settled).toBe(true);
    const confirmation = await getMailing(store(), `confirmation-${cid}-chaos-31`);
    if (confirmation) {
      const rows = await listDeliveries(store(), confirmation.mailingId);
      expect(confirmation.total).toBe(rows.length);
    }
  });

  it('sends again after senders died while claiming send slots (a dead environment leaves nothing pending)', async () => {
    // Found by `npm run chaos -- --runs 1 --recipients 40 --seed 827325445 --path 6`: a sender
    // died while its batch claimed slots on the fleet schedule; the claim never settled, and every
    // later batch in that environment waited on it, timed out, and so poisoned the next cache.
    // Lambda resets an environment whose invocation died; the local runner must too.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
    layer.setSchedule([
      // More deaths than the sender has pollers (environments), each while claiming slots.
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: '"PACE"', nth: 1, times: 8, kind: 'crash-before' },
    ]);
    const ids = [41, 42, 43, 44, 45, 46];
    for (const n of ids) await sendEvent(stack.current, registration(n));
    const mailingIds = ids.map((n) => `confirmation-${cid}-chaos-${n}`);
    await waitForProgress(async () => mailingIds.map((id) => acceptedFor(stack.current, id).length), {
      done: (sent) => sent.every((n) => n > 0),
      progressOf: (sent) => sent,
      stallMs: 60_000,
      what: 'the confirmations to go out',
    });
    expect(layer.injected.filter((i) => i.fault.where === '"PACE"').length).toBeGreaterThan(2);
    for (const id of mailingIds) {
      await settledMailing(id);
      expect(acceptedFor(stack.current, id)).toHaveLength(1);
    }
  });

  it('plans a scheduled mailing whose first planning step was lost (the clock died after starting it)', async () => {
    // Found by a hostile review: the clock moves `scheduled` to `planning`, then dies before it
    // enqueues the first page; nothing else ever enqueued it. The sweep now nudges a planning
    // mailing that has not moved for the stale bound.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    for (const n of [51, 52]) await sendAndWait(stack.current, registration(n));
    const mailingId = freshId('scheduled-lost');
    layer.setSchedule([
      { fn: 'clock', op: 'SQS.SendMessage', where: mailingId, nth: 1, kind: 'crash-before' },
    ]);
    await sendAndWait(
      stack.current,
      mailingRequest(
        mailingId,
        { roles: ['delegate'] },
        {
          kind: 'announcement',
          sendAt: new Date(Date.now() + 2_000).toISOString(),
          content: { subject: { en: 'Practical information' }, body: { en: 'Badges at the **venue**.' } },
        },
      ),
    );
    const mailing = await settledMailing(mailingId);
    expect(layer.injected.filter((i) => i.fault.where === mailingId).map((i) => i.fault.kind)).toEqual([
      'crash-before',
    ]);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.length).toBeGreaterThan(1);
    expect(mailing.total).toBe(rows.length);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(rows.length);
  });

  it('recounts a complete mailing whose feedback died before writing its counters', async () => {
    // Found by the chaos run (seed 20262001, run 1) and the hostile review: a Delivery event
    // moved the row to `delivered` after the mailing was complete, and the feedback invocation
    // died before its batch's counter flush; the record came back, found the row moved, and the
    // counters stayed `sent 1, delivered 0` for ever.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    layer.setSchedule([
      { fn: 'feedback', op: 'DynamoDB.UpdateItem', where: 'lastCounterFlush', nth: 1, kind: 'crash-before' },
    ]);
    await sendEvent(stack.current, registration(61));
    const mailingId = `confirmation-${cid}-chaos-61`;
    const mailing = await deliveredAndCounted(mailingId);
    expect(
      layer.injected.filter((i) => i.fault.where === 'lastCounterFlush').map((i) => i.fault.kind),
    ).toEqual(['crash-before']);
    expect(Number(mailing.count_sent ?? 0)).toBe(0);
    expect(mailing.count_queued).toBe(0);
  });

  it('recounts a complete mailing whose feedback died right after moving a row', async () => {
    // Found by npm run chaos (seed 20262301, run 7): the flag asking for the recount stayed up.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    layer.setSchedule([
      { fn: 'feedback', op: 'DynamoDB.UpdateItem', where: 'DELIVERY#chaos-63@', nth: 1, kind: 'crash-after' },
    ]);
    await sendEvent(stack.current, registration(63));
    const mailingId = `confirmation-${cid}-chaos-63`;
    const mailing = await deliveredAndCounted(mailingId);
    expect(
      layer.injected.filter((i) => i.fault.where === 'DELIVERY#chaos-63@').map((i) => i.fault.kind),
    ).toEqual(['crash-after']);
    expect(Number(mailing.count_sent ?? 0)).toBe(0);
  });

  it('sends a resent delivery whose job a crash lost between its move to `queued` and the enqueue', async () => {
    // Found by a hostile review: the resend moved the row to `queued`, the intake died before
    // enqueuing its job, and the redelivered continuation found nothing `uncertain` any more;
    // the mailing was complete (off the clock's list), so the row stayed `queued` for ever.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    layer.setSchedule([
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: 'set_submitting', nth: 1, kind: 'crash-after' },
    ]);
    await sendEvent(stack.current, registration(71));
    const mailingId = `confirmation-${cid}-chaos-71`;
    await eventually(
      async () => {
        const m = await getMailing(store(), mailingId);
        const rows = await listDeliveries(store(), mailingId);
        return m?.state === 'complete' && rows[0]?.state === 'uncertain' ? m : undefined;
      },
      { timeoutMs: 60_000, what: 'the delivery uncertain and the mailing complete' },
    );
    layer.setSchedule([
      { fn: 'intake', op: 'SQS.SendMessageBatch', where: 'chaos-71@', nth: 1, kind: 'crash-before' },
    ]);
    await resendDeliveries(pipelineOf(stack.current), mailingId, ['uncertain'], 'organizer@example.org');
    await eventually(async () => layer.injected.some((i) => i.fault.where === 'chaos-71@') || undefined, {
      what: 'the intake to die before enqueuing the resent job',
    });
    const mailing = await settledMailing(mailingId);
    expect(layer.injected.filter((i) => i.fault.where === 'chaos-71@').map((i) => i.fault.kind)).toEqual([
      'crash-before',
    ]);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(sent|delivered)$/)]);
    expect(mailing.count_queued).toBe(0);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });

  it('sends, once, a delivery whose sender died just before its claim — never `uncertain`', async () => {
    // The claim is the sender's first write to the delivery (it sets the lease owner); everything
    // before it (reads, render, the slot's wait) leaves the delivery queued.
    layer.setSchedule([
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: 'set_leaseOwner', nth: 1, kind: 'crash-before' },
    ]);
    const before = layer.injected.length;
    await sendEvent(stack.current, registration(2));
    const mailingId = `confirmation-${cid}-chaos-2`;
    await settledMailing(mailingId);
    expect(layer.injected.slice(before).map((i) => i.fault.kind)).toEqual(['crash-before']);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(sent|delivered)$/)]);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });

  it('gives back a claim that took effect but whose every answer was lost, and sends once — never `uncertain`', async () => {
    // The claim carries the `submitting` mark, so a claim left behind would run out into
    // `uncertain`: the sender that never heard back releases it (by its owner) before retrying.
    layer.setSchedule([
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: 'set_leaseOwner', nth: 1, times: 4, kind: 'lost' },
    ]);
    const before = layer.injected.length;
    await sendEvent(stack.current, registration(5));
    const mailingId = `confirmation-${cid}-chaos-5`;
    await settledMailing(mailingId);
    // Every attempt the SDK made at the first claim (four for DynamoDB) lost its answer; the first took effect.
    expect(layer.injected.slice(before).map((i) => i.fault.kind)).toEqual(Array(4).fill('lost'));
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(sent|delivered)$/)]);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });

  it('sends once a delivery whose claim lost every answer and could not be given back — never `uncertain`', async () => {
    // Every release is refused too: the job comes back carrying the claim's owner and its next
    // try gives the claim back first, instead of leaving it to run out into `uncertain`.
    layer.setSchedule([
      // Every attempt the SDK makes (four for DynamoDB) at the first claim.
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: 'set_leaseOwner', nth: 1, times: 4, kind: 'lost' },
      // The three releases, each refused at once (an error the SDK does not retry): quick, so the
      // next try comes well inside this file's short lease even on a loaded machine.
      {
        fn: 'sender',
        op: 'DynamoDB.UpdateItem',
        where: '(leaseOwner = :owner)',
        nth: 1,
        times: 3,
        kind: 'error',
        error: 'access-denied',
      },
    ]);
    const before = layer.injected.length;
    await sendEvent(stack.current, registration(6));
    const mailingId = `confirmation-${cid}-chaos-6`;
    await settledMailing(mailingId);
    const kinds = layer.injected.slice(before).map((i) => i.fault.kind);
    expect(kinds).toEqual([...Array(4).fill('lost'), ...Array(3).fill('error')]);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(sent|delivered)$/)]);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });

  it('marks `uncertain` a delivery whose sender died after its claim, its last write before SES', async () => {
    layer.setSchedule([
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: 'set_submitting', nth: 1, kind: 'crash-after' },
    ]);
    await sendEvent(stack.current, registration(3));
    const mailingId = `confirmation-${cid}-chaos-3`;
    const row = await eventually(
      async () => (await listDeliveries(store(), mailingId)).find((r) => r.state === 'uncertain'),
      { timeoutMs: 150_000, what: 'the delivery uncertain' },
    );
    expect(row.reason).toMatch(/may or may not/);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(0);
  });

  it('moves the counters once when the answer to a delivery’s state change is lost and the SDK resends it', async () => {
    // The write recording `sent` takes effect; its answer is lost; the SDK's retry then fails
    // its condition (the row is already sent), which must not read as "someone else moved it".
    layer.setSchedule([
      { fn: 'sender', op: 'DynamoDB.UpdateItem', where: 'set_sesMessageId', nth: 1, kind: 'lost' },
    ]);
    await sendEvent(stack.current, registration(4));
    const mailingId = `confirmation-${cid}-chaos-4`;
    await settledMailing(mailingId);
    expect(layer.injected.at(-1)?.fault.kind).toBe('lost');
    // The feedback moves the row to `delivered` and then, at the end of its batch, the counters:
    // read both once the counters have taken that move (a snapshot between the two would race).
    const mailing = await eventually(
      async () => {
        const [row] = await listDeliveries(store(), mailingId);
        const m = await getMailing(store(), mailingId);
        return row?.state === 'delivered' && Number(m?.count_delivered ?? 0) > 0 ? m : undefined;
      },
      { what: `${mailingId} delivered and counted` },
    );
    expect(mailing.count_queued).toBe(0);
    expect(Number(mailing.count_sent ?? 0)).toBe(0);
    expect(mailing.count_delivered).toBe(1);
  });
  it('finishes a bulk mailing when the answer to its planning cursor move is lost and the SDK resends it', async () => {
    // The move takes effect (page 1, the page's deliveries counted queued); its answer is lost;
    // the SDK's retry then fails its condition, which must read as our own move, not another's.
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    for (const n of [11, 12]) await sendAndWait(stack.current, registration(n));
    layer.setSchedule([{ fn: 'intake', op: 'DynamoDB.UpdateItem', where: ':pages', nth: 1, kind: 'lost' }]);
    const before = layer.injected.length;
    const mailingId = freshId('bulk-lost');
    await sendEvent(
      stack.current,
      mailingRequest(
        mailingId,
        { roles: ['delegate'] },
        {
          kind: 'announcement',
          content: { subject: { en: 'Practical information' }, body: { en: 'Badges at the **venue**.' } },
        },
      ),
    );
    const mailing = await settledMailing(mailingId);
    expect(layer.injected.slice(before).map((i) => i.fault.kind)).toEqual(['lost']);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.length).toBeGreaterThan(0);
    expect(mailing.total).toBe(rows.length);
    expect(mailing.count_queued).toBe(0);
    expect(mailing.plan.phase).toBe('done');
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(rows.length);
  });
  it('sends a confirmation whose send job never went out (every intake of its event died just before enqueuing it)', async () => {
    layer.clear();
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
    // Every delivery of the event dies just before the job goes out: the delivery row is written,
    // and however often the event comes back (until the DLQ) only the clock can still see it queued.
    layer.setSchedule([
      {
        fn: 'intake',
        op: 'SQS.SendMessageBatch',
        where: 'chaos-21',
        nth: 1,
        times: 20,
        kind: 'crash-before',
      },
    ]);
    await sendEvent(stack.current, registration(21));
    const mailingId = `confirmation-${cid}-chaos-21`;
    const mailing = await settledMailing(mailingId);
    expect(layer.injected.filter((i) => i.fault.where === 'chaos-21').length).toBeGreaterThan(0);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.state)).toEqual([expect.stringMatching(/^(sent|delivered)$/)]);
    expect(mailing.total).toBe(1);
    expect(mailing.count_queued).toBe(0);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });
});
