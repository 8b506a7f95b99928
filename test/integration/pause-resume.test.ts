/**
 * Issue 11, defect 3: an account pause must lose nothing and have a way back. While a mailing is
 * paused the sender refuses its jobs without calling SES and keeps them (held on the queue, not
 * acknowledged away and not in the DLQ); `npx communique mailing resume ID` resumes planning from
 * its cursor and re-enqueues every queued delivery, page by page. Runs the real CLI (cli/bin.js)
 * in a child process against this file's embedded stack.
 */
import { rm } from 'node:fs/promises';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailingProgress } from '../../functions/mailing/operations.js';
import { createMailing, getMailing, listDeliveries } from '../../functions/store/store.js';
import { cliFolder, runCli } from './support/cli.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, mailingRequest, sendAndWait, sendEvent, storeOf } from './support/pipeline.js';
import { seedRegistrations } from './support/seed.js';

const cid = 'dushanbe-2022';
/** More than one planning page (100), so planning itself can be caught half-way. */
const AUDIENCE = 150;

describe('account pause and `mailing resume`', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '2000' } });
  const store = () => storeOf(stack.current);
  let dir = '';
  let stackFile = '';

  const cli = (args: string[]) => runCli(args, { cwd: dir, stackFile });

  async function queueCounts(url: string | undefined) {
    const { Attributes = {} } = await stack.current.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }

  /** Waits until every delivery of the mailing went, once each, and the counters match the rows. */
  async function expectAllSentOnce(mailingId: string) {
    const progress = await eventually(
      async () => {
        const p = await mailingProgress(store(), mailingId);
        return p && p.total === AUDIENCE && p.counts.queued + p.counts.sending === 0 ? p : undefined;
      },
      { timeoutMs: 90_000, what: `${mailingId} sent` },
    );
    const recipients = acceptedFor(stack.current, mailingId).flatMap((m) => m.destinations);
    expect(recipients).toHaveLength(AUDIENCE);
    expect(new Set(recipients).size).toBe(AUDIENCE);
    const rows = await listDeliveries(store(), mailingId);
    expect(rows).toHaveLength(AUDIENCE);
    expect(rows.filter((d) => !['sent', 'delivered'].includes(d.state))).toEqual([]);
    expect(progress.counts.sent + progress.counts.delivered).toBe(AUDIENCE);
    expect((await queueCounts(stack.current.outputs.SendDlqUrl)).visible).toBe(0);
  }

  beforeAll(async () => {
    ({ dir, stackFile } = await cliFolder(stack.current, 'communique-resume-'));
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
    await seedRegistrations(store(), cid, AUDIENCE, { prefix: 'paused' });
  });
  afterAll(async () => {
    stack.current.ses.setFault(undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('holds the jobs of a paused mailing without calling SES, and resume sends each delivery once', async () => {
    let calls = 0;
    stack.current.ses.setFault(() => {
      calls++;
      return {
        status: 400,
        code: 'AccountSendingPausedException',
        message: 'Sending is paused for this account.',
      };
    });
    await sendEvent(stack.current, mailingRequest('pause-all', { roles: ['delegate'] }));
    await eventually(
      async () => ((await getMailing(store(), 'pause-all'))?.state === 'paused' ? true : undefined),
      {
        what: 'pause-all paused',
      },
    );
    // Every job that arrives while paused is held on the queue (delayed), none acknowledged away.
    const held = await eventually(
      async () => {
        const q = await queueCounts(stack.current.outputs.SendQueueUrl);
        const p = await mailingProgress(store(), 'pause-all');
        return q.visible === 0 && q.inFlight === 0 && p && q.delayed >= p.counts.queued && p.counts.queued > 0
          ? { queue: q, progress: p }
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the paused mailing’s jobs held on the send queue' },
    );
    // Only the jobs in flight when the pause landed reached SES; the rest were refused before it.
    expect(calls).toBeLessThan(held.progress.counts.queued);
    expect(held.progress.counts.failed + held.progress.counts.uncertain).toBe(0);
    expect((await queueCounts(stack.current.outputs.SendDlqUrl)).visible).toBe(0);
    expect(acceptedFor(stack.current, 'pause-all')).toHaveLength(0);

    stack.current.ses.setFault(undefined);
    const run = await cli(['mailing', 'resume', 'pause-all', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      mailingId: 'pause-all',
      pausedReason: /AccountSendingPaused/,
    });
    await expectAllSentOnce('pause-all');
  }, 180_000);

  it('resumes planning from its cursor when the pause came before planning finished', async () => {
    // Paused before its first page was planned: nothing but the cursor says where it stood.
    await createMailing(store(), {
      mailingId: 'pause-planning',
      conferenceId: cid,
      kind: 'invitation',
      audience: {},
      state: 'paused',
      requestedBy: 'test@example.org',
      plan: { phase: 'registrations', pages: 0 },
      pausedReason: 'AccountSendingPausedException: Sending is paused for this account.',
    });
    const run = await cli(['mailing', 'resume', 'pause-planning']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Resumed "pause-planning" \(planning\)/);
    await expectAllSentOnce('pause-planning');
    expect((await getMailing(store(), 'pause-planning'))?.plan.phase).toBe('done');
  }, 180_000);

  it('refuses to resume a mailing that is not paused', async () => {
    const run = await cli(['mailing', 'resume', 'pause-all']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not paused/);
  });
});
