import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  type PipelineDeps,
  PLAN_PAGE_LEASE_MS,
  planPage,
  requeuePage,
} from '../../functions/mailing/plan.js';
import {
  getDelivery,
  getMailing,
  listDeliveries,
  putPress,
  putRegistration,
} from '../../functions/store/store.js';
import { type HookedCall, hookedDb } from './support/hooked-db.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, freshId, sendAndWait, storeOf } from './support/pipeline.js';
import { waitForProgress } from './support/progress.js';
import { planningMailing, seedMailing, seedRegistrations } from './support/seed.js';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/**
 * Every row a planning page writes is counted and sent, whoever wrote it. Found by a hostile
 * review of the fixed planning page (plan.page): a duplicate planner, a contact leaving the
 * audience between two attempts, a payload too large to carry in a job.
 */
describe('planning races', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);

  const depsWith = (db = store().db): PipelineDeps => ({
    ...store(),
    db,
    sqs: new SQSClient({ ...local, endpoint: stack.current.endpoints.sqs }),
    sendQueueUrl: stack.current.outputs.SendQueueUrl ?? '',
    intakeQueueUrl: stack.current.outputs.IntakeQueueUrl ?? '',
  });

  const hooked = (hook: (call: HookedCall) => Promise<unknown>) => hookedDb(stack.current, hook);

  /** The addresses SES took mail of the mailing for, once there are at least `n` (waits on progress). */
  const sentTo = (mailingId: string, n: number) =>
    waitForProgress(async () => acceptedFor(stack.current, mailingId).flatMap((m) => m.destinations), {
      done: (to) => to.length >= n,
      progressOf: (to) => to.length,
      stallMs: 150_000,
      what: `${mailingId} sent`,
    });

  /** A client whose planner writes its first batch of the mailing's rows (25) and dies before the second. */
  const diesAtSecondBatch = (mailingId: string) => {
    let batches = 0;
    return hooked(async ({ name, input, next }) => {
      if (name !== 'BatchWriteItemCommand' || !input.includes(`MAILING#${mailingId}`)) return next();
      if (++batches > 1) throw new Error('injected crash: the planner died');
      return next();
    });
  };

  /** A planner as SQS's redelivery finds the page: after the visibility timeout, past a dead planner's lease. */
  const afterLease = (): PipelineDeps => ({
    ...depsWith(),
    now: () => new Date(Date.now() + PLAN_PAGE_LEASE_MS + 1000),
  });

  async function conference(cid: string): Promise<void> {
    const event = fixture('conference.upserted');
    event.data.conferenceId = cid;
    event.id = freshId('conf');
    await sendAndWait(stack.current, event);
  }

  it('keeps a second planner off a page another holds: it writes nothing and is told when to look again', async () => {
    const cid = 'race-conf';
    const mailingId = 'race-planners';
    await planningMailing(stack.current, { conferenceId: cid, mailingId, count: 30, prefix: 'race' });
    // Planner A has read and fixed the page and is about to write its rows. Meanwhile a duplicate
    // continuation (planner B) runs: the page's rows are written with no condition, so B must
    // write none of them, nor count or enqueue anything, and say when A's lease runs out.
    let second: Awaited<ReturnType<typeof planPage>> | undefined;
    const writesOfB: string[] = [];
    const planner = hooked(async ({ name, input, next }) => {
      if (
        second === undefined &&
        name === 'BatchWriteItemCommand' &&
        input.includes(`MAILING#${mailingId}`)
      ) {
        const watched = hooked(async (call) => {
          // Its try at taking the page over is a conditional update that fails: not a write.
          if (/Put|Write/.test(call.name)) writesOfB.push(call.name);
          return call.next();
        });
        second = await planPage(depsWith(watched), mailingId);
      }
      return next();
    });
    expect(await planPage(depsWith(planner), mailingId)).toBe('done');
    const lease = (second as { heldUntil: number } | undefined)?.heldUntil;
    expect(lease).toBeGreaterThan(Date.now());
    expect(writesOfB).toEqual([]);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows).toHaveLength(30);
    expect((await getMailing(store(), mailingId))?.total).toBe(30);
    await waitForProgress(() => getMailing(store(), mailingId), {
      done: (m) => Number(m.count_queued ?? 0) === 0 && acceptedFor(stack.current, mailingId).length >= 30,
      progressOf: (m) => [m.count_queued, acceptedFor(stack.current, mailingId).length],
      stallMs: 150_000,
      what: `${mailingId}: thirty sent`,
    });
    const to = acceptedFor(stack.current, mailingId).flatMap((m) => m.destinations);
    expect(new Set(to).size).toBe(30);
    expect(to).toHaveLength(30);
  });

  it('takes over the page of a planner that died, once its lease ran out: a contact registered inside the page meanwhile is planned too', async () => {
    const cid = 'race-late-conf';
    const mailingId = 'race-late';
    await planningMailing(stack.current, { conferenceId: cid, mailingId, count: 30, prefix: 'late' });
    const late = 'late-0a-0@example.org';
    // Planner A writes its first batch of 25 rows and dies before the second.
    await expect(planPage(depsWith(diesAtSecondBatch(mailingId)), mailingId)).rejects.toThrow(
      'injected crash',
    );
    const written = await listDeliveries(store(), mailingId);
    expect(written).toHaveLength(25);
    // Someone registers under a key inside the fixed page.
    await seedRegistrations(store(), cid, 1, { prefix: 'late-0a' });
    // While A's lease lasts, a retry is turned away; after it (SQS redelivers after its visibility
    // timeout, longer than the lease), the retry takes the page over.
    expect(await planPage(depsWith(), mailingId)).toMatchObject({ heldUntil: expect.any(Number) });
    expect(await planPage(afterLease(), mailingId)).toBe('done');
    const rows = await listDeliveries(store(), mailingId);
    expect(rows).toHaveLength(31);
    expect(rows.map((r) => r.contactKey)).toContain(late);
    // The rows A wrote are A's: the retry found them and wrote none of them again.
    const byKey = new Map(rows.map((r) => [r.contactKey, r]));
    for (const row of written) expect(byKey.get(row.contactKey)?.createdAt).toBe(row.createdAt);
    expect((await getMailing(store(), mailingId))?.total).toBe(31);
    const sent = await sentTo(mailingId, 31);
    expect(new Set(sent).size).toBe(31);
    expect(sent).toContain(late);
  });

  it('leaves the rows of the page being planned to their planner when a resume enqueues queued deliveries', async () => {
    const cid = 'requeue-conf';
    const mailingId = 'requeue-planning';
    await planningMailing(stack.current, { conferenceId: cid, mailingId, count: 30, prefix: 'requeue' });
    // A resume's requeue runs while the page's first batch of rows is written and no job names
    // them yet: a batch write the SDK resends could put a row its job had sent back to `queued`.
    const enqueued: string[] = [];
    const sqs = new SQSClient({ ...local, endpoint: stack.current.endpoints.sqs });
    sqs.middlewareStack.add(
      (next) => async (args) => {
        const input = (args as { input: { Entries?: { MessageBody?: string }[] } }).input;
        for (const e of input.Entries ?? []) enqueued.push(String(e.MessageBody));
        return next(args);
      },
      { step: 'initialize' },
    );
    let requeued = false;
    const planner = hooked(async ({ name, input, next }) => {
      const answer = await next();
      if (!requeued && name === 'BatchWriteItemCommand' && input.includes(`MAILING#${mailingId}`)) {
        requeued = true;
        expect(await listDeliveries(store(), mailingId, 'queued')).toHaveLength(25);
        await requeuePage({ ...depsWith(), sqs }, mailingId, ['queued'], 'organizer@example.org');
      }
      return answer;
    });
    expect(await planPage(depsWith(planner), mailingId)).toBe('done');
    expect(requeued).toBe(true);
    expect(enqueued).toEqual([]);
    // The planner enqueued every row itself, once: thirty go out.
    const sent = await sentTo(mailingId, 30);
    expect(new Set(sent).size).toBe(30);
  });

  it('writes nothing once its page lease is nearly out (a stalled planner may have been taken over)', async () => {
    const cid = 'stalled-conf';
    const mailingId = 'stalled-planner';
    await planningMailing(stack.current, { conferenceId: cid, mailingId, count: 30, prefix: 'stalled' });
    // The planner stalls between reading its page's rows and writing them: by its own clock,
    // four fifths of its lease have gone by.
    let offset = 0;
    const writes: string[] = [];
    const stalling = hooked(async ({ name, input, next }) => {
      if (name === 'BatchWriteItemCommand') writes.push(name);
      const answer = await next();
      if (name === 'BatchGetItemCommand' && input.includes(`MAILING#${mailingId}`))
        offset = PLAN_PAGE_LEASE_MS * 0.8;
      return answer;
    });
    const deps = { ...depsWith(stalling), now: () => new Date(Date.now() + offset) };
    await expect(planPage(deps, mailingId)).rejects.toThrow(/outlasted its lease/);
    expect(writes).toEqual([]);
    expect(await listDeliveries(store(), mailingId)).toEqual([]);
    // Its retry, once the lease has run out, plans the page.
    expect(await planPage(afterLease(), mailingId)).toBe('done');
    expect(await listDeliveries(store(), mailingId)).toHaveLength(30);
  });

  it('counts a row written by a dead attempt whose contact left the audience before the retry', async () => {
    const cid = 'left-audience-conf';
    const mailingId = 'left-audience';
    const regs = await planningMailing(stack.current, {
      conferenceId: cid,
      mailingId,
      count: 30,
      prefix: 'left',
    });
    // The first attempt writes a batch of 25 rows and dies before counting them.
    await expect(planPage(depsWith(diesAtSecondBatch(mailingId)), mailingId)).rejects.toThrow(
      'injected crash',
    );
    const written = (await listDeliveries(store(), mailingId)).map((r) => r.contactKey);
    expect(written).toHaveLength(25);
    // One of those 25 cancels their registration before SQS redelivers the continuation.
    const gone = regs.find((r) => r.contactKey === written[0]);
    if (!gone) throw new Error('no row was written');
    await putRegistration(store(), { ...gone, status: 'cancelled', eventTime: '2023-01-01T00:00:00Z' });
    expect(await planPage(afterLease(), mailingId)).toBe('done');
    const rows = await listDeliveries(store(), mailingId);
    expect(rows).toHaveLength(30);
    expect((await getMailing(store(), mailingId))?.total).toBe(rows.length);
  });

  it('plans one delivery for an address that is both a registrant and a press contact, never writing over the first', async () => {
    const cid = 'both-roles-conf';
    const mailingId = 'both-roles';
    await conference(cid);
    await seedRegistrations(store(), cid, 3, { prefix: 'both' });
    const shared = 'both-0@example.org';
    await putPress(store(), {
      conferenceId: cid,
      contactId: 'press-both',
      contactKey: shared,
      email: shared,
      givenName: 'Same',
      familyName: 'Person',
      role: 'press',
      sessions: [],
      status: 'active',
      eventTime: '2022-09-01T00:00:00.000Z',
    });
    await seedMailing(store(), {
      mailingId,
      conferenceId: cid,
      kind: 'announcement',
      state: 'planning',
      audience: { roles: ['delegate', 'press'] },
      plan: { phase: 'registrations', pages: 0 },
    } as Parameters<typeof seedMailing>[1]);
    // The registrations page plans the address; the press page finds its row and leaves it.
    const first = await planPage(depsWith(), mailingId);
    expect(first).toBe('more');
    const before = await getDelivery(store(), mailingId, shared);
    // The press page: this call, or the stack's own intake with the continuation the first enqueued.
    expect(['done', 'skipped']).toContain(await planPage(depsWith(), mailingId));
    await eventually(async () => (await getMailing(store(), mailingId))?.state !== 'planning' || undefined, {
      what: `${mailingId} planned`,
    });
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.contactKey).sort()).toEqual([
      'both-0@example.org',
      'both-1@example.org',
      'both-2@example.org',
    ]);
    // The row is the registrations page's, as it was planned (the sender may have moved it on since).
    const after = await getDelivery(store(), mailingId, shared);
    expect(after).toMatchObject({
      createdAt: before?.createdAt,
      planPage: 0,
      recipient: { role: 'delegate', contactId: 'both-reg-0' },
    });
    expect((await getMailing(store(), mailingId))?.total).toBe(3);
  });

  it('plans an agenda notice whose per-person changes are too large to carry in a send job', async () => {
    const cid = 'big-payload-conf';
    await conference(cid);
    await seedRegistrations(store(), cid, 12, { prefix: 'big' });
    const mailingId = 'big-payload';
    // Fourteen plenary sessions moved by an hour: every registrant is told of all fourteen. Each session is
    // within the event schema's limits (trilingual titles of 300, ten speakers of 200, a room).
    const session = (i: number, start: string) => ({
      sessionId: `plenary-${i}`,
      title: { en: 'E'.repeat(300), ru: 'Р'.repeat(300), ar: 'ع'.repeat(300) },
      start,
      end: '2030-05-01T18:00:00Z',
      room: 'R'.repeat(200),
      speakers: Array.from({ length: 10 }, (_, j) => `${j}${'S'.repeat(199)}`),
      plenary: true,
      status: 'scheduled',
    });
    const changes = Array.from({ length: 14 }, (_, i) => ({
      kind: 'updated',
      sessionId: `plenary-${i}`,
      before: session(i, '2030-05-01T09:00:00Z'),
      after: session(i, '2030-05-01T10:00:00Z'),
      fields: [{ field: 'start', before: '2030-05-01T09:00:00Z', after: '2030-05-01T10:00:00Z' }],
    }));
    await seedMailing(store(), {
      mailingId,
      conferenceId: cid,
      kind: 'agenda-change',
      state: 'planning',
      plan: { phase: 'registrations', pages: 0 },
      changes,
    } as Parameters<typeof seedMailing>[1]);
    const perPerson = JSON.stringify(changes).length;
    expect(perPerson).toBeLessThan(400_000 / 3); // each delivery row stays far under DynamoDB's item limit
    // Ten jobs a SendMessageBatch, each with the person's changes, would be over SQS's batch limit:
    // a job carries the planned delivery only when it is small, and the sender reads the rest.
    await expect(planPage(depsWith(), mailingId)).resolves.toBe('done');
    expect(await listDeliveries(store(), mailingId)).toHaveLength(12);
    expect((await getMailing(store(), mailingId))?.total).toBe(12);
  });
});
