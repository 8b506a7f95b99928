import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { tick } from '../../functions/clock/tick.js';
import { type IntakeDeps, processIntakeRecord } from '../../functions/intake/process.js';
import type { Continuation } from '../../functions/mailing/internal.js';
import { INTERNAL_SOURCE } from '../../functions/mailing/internal.js';
import { PLAN_PAGE_LEASE_MS } from '../../functions/mailing/plan.js';
import type { MailingState } from '../../functions/store/model.js';
import { openMailings } from '../../functions/store/open-mailings.js';
import { getDelivery, getMailing, listDeliveries, transitionDelivery } from '../../functions/store/store.js';
import { DELIVERY_MOVES } from '../../functions/store/transitions.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, freshId, sendAndWait, storeOf } from './support/pipeline.js';
import { waitForProgress } from './support/progress.js';
import { planningMailing, seedDelivery, seedMailing, seedRegistrations } from './support/seed.js';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** Issue 11, defect 9: finishing planning survives a crash, and the sweeper sees every open mailing. */
describe('planning and the lease sweeper', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  const cid = 'sweep-conf';

  function depsWith(db = store().db): IntakeDeps {
    return {
      ...store(),
      db,
      sqs: new SQSClient({ ...local, endpoint: stack.current.endpoints.sqs }),
      sendQueueUrl: stack.current.outputs.SendQueueUrl ?? '',
      intakeQueueUrl: stack.current.outputs.IntakeQueueUrl ?? '',
      intakeDlqUrl: stack.current.outputs.IntakeDlqUrl ?? '',
    };
  }

  /** The intake as SQS's redelivery finds it: after the visibility timeout, so past a dead planner's page lease. */
  const afterLease = (): IntakeDeps => ({
    ...depsWith(),
    now: () => new Date(Date.now() + PLAN_PAGE_LEASE_MS + 1000),
  });

  const planMessage = (mailingId: string): string =>
    JSON.stringify({
      specversion: '1.0',
      id: `plan-${mailingId}`,
      source: INTERNAL_SOURCE,
      type: 'communique.mailing.continue',
      time: new Date().toISOString(),
      data: { mailingId, op: 'plan' },
    } satisfies Continuation);

  it('finishes planning on redelivery when the answer to the last cursor move was lost', async () => {
    const conference = fixture('conference.upserted');
    conference.data.conferenceId = cid;
    await sendAndWait(stack.current, conference);
    await seedRegistrations(store(), cid, 3, { prefix: 'plan' });
    const mailingId = 'plan-finish';
    await seedMailing(store(), {
      mailingId,
      conferenceId: cid,
      state: 'planning',
      plan: { phase: 'registrations', pages: 0 },
    });
    // The last page's cursor move reaches the table and takes effect; its answer never comes back.
    const raw = new DynamoDBClient({ ...local, endpoint: stack.current.endpoints.dynamodb });
    raw.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as {
          ExpressionAttributeValues?: Record<string, { M?: { phase?: { S?: string } } }>;
        };
        const result = await next(args);
        if (input.ExpressionAttributeValues?.[':next']?.M?.phase?.S === 'done') {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'build' },
    );
    const dying = depsWith(
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    );
    await expect(processIntakeRecord(dying, planMessage(mailingId), 'm-1')).rejects.toThrow('socket hang up');
    expect((await getMailing(store(), mailingId))?.plan.phase).toBe('done');
    // SQS redelivers the continuation: planning must end, not stay `planning` for ever.
    expect(await processIntakeRecord(depsWith(), planMessage(mailingId), 'm-1')).toBe('continued');
    const mailing = await getMailing(store(), mailingId);
    expect(mailing?.state).toBe('sending');
    expect(mailing?.total).toBe(3);
  });

  it('counts and sends every row of a page retried after new registrations fell inside it', async () => {
    const shiftCid = 'shift-conf';
    const mailingId = 'plan-shift';
    await planningMailing(stack.current, { conferenceId: shiftCid, mailingId, count: 150, prefix: 'shift' });
    // The first page's second batch of delivery rows (rows 26–50) takes effect and the
    // invocation dies: rows written, none counted, no job enqueued, the cursor where it was.
    let batches = 0;
    const raw = new DynamoDBClient({ ...local, endpoint: stack.current.endpoints.dynamodb });
    raw.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (
          context.commandName === 'BatchWriteItemCommand' &&
          JSON.stringify(args.input).includes(`MAILING#${mailingId}`) &&
          ++batches === 2
        )
          throw new Error('injected crash: the invocation died');
        return result;
      },
      { step: 'build' },
    );
    const dying = depsWith(
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    );
    await expect(processIntakeRecord(dying, planMessage(mailingId), 'm-2')).rejects.toThrow('injected crash');
    // Twenty people register meanwhile, under keys that sort inside that first page
    // (`shift-0a-…` between `shift-0@…` and `shift-1…`): read again from the same cursor, the
    // page would hold them and push twenty of its written rows onto the next page.
    await seedRegistrations(store(), shiftCid, 20, { prefix: 'shift-0a' });
    // SQS redelivers the continuation after its visibility timeout, when the dead planner's
    // lease on the page has run out; the stack's own intake plans the pages after it.
    await processIntakeRecord(afterLease(), planMessage(mailingId), 'm-2');
    await eventually(async () => {
      const mailing = await getMailing(store(), mailingId);
      expect(mailing?.state).not.toBe('planning');
      return mailing;
    });
    const rows = await listDeliveries(store(), mailingId);
    expect(rows).toHaveLength(170);
    expect((await getMailing(store(), mailingId))?.total).toBe(rows.length);
    // And every row is sent: nobody planned waits in `queued` for a job that was never enqueued.
    // The wait fails only when sending stops moving (the stack paces at the account's rate).
    const sent = await waitForProgress(
      async () => new Set(acceptedFor(stack.current, mailingId).flatMap((m) => m.destinations)).size,
      { done: (n) => n === 170, progressOf: (n) => n, stallMs: 150_000, what: `${mailingId} sent` },
    );
    expect(sent).toBe(170);
  });

  it('cancels and counts the rows a dying planning page wrote after its mailing was cancelled', async () => {
    const lateCid = 'late-rows-conf';
    const mailingId = 'plan-late-rows';
    await planningMailing(stack.current, { conferenceId: lateCid, mailingId, count: 30, prefix: 'late' });
    const cancel = fixture('mailing.cancelled');
    cancel.id = freshId('cancel');
    cancel.data = { conferenceId: lateCid, mailingId, requestedBy: 'organizer@example.org' };
    // The page has read its contacts; the cancellation runs to its end before the page writes a
    // row (it finds none to cancel); the page writes a batch of 25 rows and dies before the next.
    let batches = 0;
    const raw = new DynamoDBClient({ ...local, endpoint: stack.current.endpoints.dynamodb });
    raw.middlewareStack.add(
      (next, context) => async (args) => {
        const mine =
          context.commandName === 'BatchWriteItemCommand' &&
          JSON.stringify(args.input).includes(`MAILING#${mailingId}`);
        if (mine && batches === 0) await sendAndWait(stack.current, cancel);
        if (mine && ++batches > 1) throw new Error('injected crash: the invocation died');
        return next(args);
      },
      { step: 'build' },
    );
    const dying = depsWith(
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    );
    await expect(processIntakeRecord(dying, planMessage(mailingId), 'm-3')).rejects.toThrow('injected crash');
    // Its redelivery finds the mailing cancelled and plans nothing more.
    await processIntakeRecord(afterLease(), planMessage(mailingId), 'm-3');
    expect((await listDeliveries(store(), mailingId, 'queued')).length).toBeGreaterThan(0);
    // The clock: the rows left queued are cancelled, then the counters (and the total) repaired
    // from the rows, and the mailing leaves the open list.
    const clock = { ...depsWith(), countersQuietMs: 0 };
    await waitForProgress(
      async () => {
        await tick(clock, new Date(), { conference: [], session: [] });
        const open = (await openMailings(store())).some((m) => m.mailingId === mailingId);
        return { open, mailing: await getMailing(store(), mailingId) };
      },
      {
        done: (p) => !p.open,
        progressOf: (p) => [p.mailing?.total, p.mailing?.count_cancelled, p.mailing?.count_queued],
        stallMs: 60_000,
        what: `${mailingId} closed`,
      },
    );
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.length).toBeGreaterThanOrEqual(25);
    expect(rows.every((r) => r.state === 'cancelled')).toBe(true);
    const mailing = await getMailing(store(), mailingId);
    expect(mailing?.total).toBe(rows.length);
    expect(mailing?.count_cancelled).toBe(rows.length);
    expect(mailing?.count_queued ?? 0).toBe(0);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(0);
  });

  it.each<MailingState>(['planning', 'paused', 'cancelled', 'sending'])(
    'expires a dead send claim of a %s mailing',
    async (state) => {
      const mailingId = `sweep-${state}`;
      await seedMailing(store(), { mailingId, conferenceId: cid, state, plan: { phase: 'done', pages: 1 } });
      const contactKey = `dead-claim-${state}@example.org`;
      await seedDelivery(store(), { mailingId, conferenceId: cid }, contactKey, {
        givenName: 'Dead',
        familyName: 'Claim',
      });
      // A sender claimed it, got as far as SES (`submitting`) and died: the lease ran out long ago.
      await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.claim, {
        set: { leaseUntil: Date.now() - 60_000, leaseOwner: 'a-sender-that-died', submitting: true },
      });
      const later = { ...depsWith(), now: () => new Date(Date.now() + 3_600_000) };
      const result = await tick(later, new Date(), { conference: [], session: [] });
      expect(result.leasesExpired).toBeGreaterThanOrEqual(1);
      expect((await getDelivery(store(), mailingId, contactKey))?.state).toBe('uncertain');
      // Still on the sweeper's list while it is not final (a paused one waits for `mailing resume`).
      if (state === 'paused')
        expect((await openMailings(store())).map((m) => m.mailingId)).toContain(mailingId);
    },
  );
});
