import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { tick } from '../../functions/clock/tick.js';
import { type PipelineDeps, planPage } from '../../functions/mailing/plan.js';
import { getMailing, listDeliveries, putRegistration } from '../../functions/store/store.js';
import { type HookedCall, hookedDb } from './support/hooked-db.js';
import { useLocalStack } from './support/local-stack.js';
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

  async function conference(cid: string): Promise<void> {
    const event = fixture('conference.upserted');
    event.data.conferenceId = cid;
    event.id = freshId('conf');
    await sendAndWait(stack.current, event);
  }

  it('sends and counts the row a second planner of the page wrote for a contact the first never read', async () => {
    const cid = 'race-conf';
    const mailingId = 'race-planners';
    await planningMailing(stack.current, { conferenceId: cid, mailingId, count: 30, prefix: 'race' });
    const late = 'race-0a-0@example.org';
    // Planner A (the first read: Limit 100) has read and fixed the page. Before it writes a row,
    // someone registers under a key inside the page, and a duplicate continuation (planner B)
    // runs: it finds the page fixed, reads up to its end (the new contact too), writes the new
    // contact's row and dies there, before counting or enqueuing anything.
    let paused = false;
    const planner = hooked(async ({ name, input, next }) => {
      if (!paused && name === 'PutItemCommand' && input.includes(`MAILING#${mailingId}`)) {
        paused = true;
        await seedRegistrations(store(), cid, 1, { prefix: 'race-0a' });
        let lateWrite: Promise<unknown> = Promise.resolve();
        const dying = hooked(async ({ name: n, input: i, next: go }) => {
          if (n !== 'PutItemCommand' || !i.includes(`MAILING#${mailingId}`)) return go();
          if (!i.includes(late)) throw new Error('injected crash: planner B died');
          lateWrite = go();
          await lateWrite;
          throw new Error('injected crash: planner B died');
        });
        await expect(planPage(depsWith(dying), mailingId)).rejects.toThrow('injected crash');
        await lateWrite.catch(() => undefined);
      }
      return next();
    });
    // Planner A carries on: it counts what it selected from its own (first) read, and wins.
    expect(await planPage(depsWith(planner), mailingId)).toBe('done');
    const rows = await listDeliveries(store(), mailingId);
    expect(rows.map((r) => r.contactKey)).toContain(late);
    expect(rows).toHaveLength(31);
    // The thirty counted rows go out, and the counters say nothing is left.
    await waitForProgress(() => getMailing(store(), mailingId), {
      done: (m) => Number(m.count_queued ?? 0) === 0 && acceptedFor(stack.current, mailingId).length >= 30,
      progressOf: (m) => [m.count_queued, acceptedFor(stack.current, mailingId).length],
      stallMs: 150_000,
      what: `${mailingId}: thirty sent`,
    });
    // The clock does not complete the mailing while its rows say otherwise (it used to, and the
    // late row stayed queued for ever, off the open list)…
    await tick({ ...depsWith(), countersQuietMs: 0 }, new Date(), { conference: [], session: [] });
    expect((await getMailing(store(), mailingId))?.state).toBe('sending');
    // …it re-enqueues the late row once the mailing is still for the stale bound (0 here), and
    // recounts from the rows (quiet period 0).
    const clock = { ...depsWith(), staleQueuedMs: 0, countersQuietMs: 0 };
    const final = await waitForProgress(
      async () => {
        await tick(clock, new Date(), { conference: [], session: [] });
        const mailing = await getMailing(store(), mailingId);
        return { mailing, sent: acceptedFor(stack.current, mailingId).length };
      },
      {
        done: (p) => p.mailing?.state === 'complete',
        progressOf: (p) => [p.mailing?.state, p.mailing?.count_queued, p.mailing?.total, p.sent],
        stallMs: 150_000,
        what: `${mailingId} complete`,
      },
    );
    expect(final.mailing?.total).toBe(31);
    expect(await listDeliveries(store(), mailingId, 'queued')).toEqual([]);
    const to = acceptedFor(stack.current, mailingId).flatMap((m) => m.destinations);
    expect(new Set(to).size).toBe(31);
    expect(to).toContain(late);
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
    // The first attempt writes ten rows and dies before counting them.
    let puts = 0;
    const written: string[] = [];
    const inFlight: Promise<unknown>[] = [];
    const dying = hooked(async ({ name, input, next }) => {
      if (name !== 'PutItemCommand' || !input.includes(`MAILING#${mailingId}`)) return next();
      if (++puts > 10) throw new Error('injected crash: the invocation died');
      const write = next();
      inFlight.push(write);
      await write;
      written.push(JSON.parse(input).Item.contactKey.S);
      return write;
    });
    await expect(planPage(depsWith(dying), mailingId)).rejects.toThrow('injected crash');
    await Promise.allSettled(inFlight);
    // One of those ten cancels their registration before SQS redelivers the continuation.
    const gone = regs.find((r) => r.contactKey === written[0]);
    if (!gone) throw new Error('no row was written');
    await putRegistration(store(), { ...gone, status: 'cancelled', eventTime: '2023-01-01T00:00:00Z' });
    expect(await planPage(depsWith(), mailingId)).toBe('done');
    const rows = await listDeliveries(store(), mailingId);
    expect(rows).toHaveLength(30);
    expect((await getMailing(store(), mailingId))?.total).toBe(rows.length);
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
