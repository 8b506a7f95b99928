import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { COUNTERS_QUIET_MS } from '../../functions/clock/sweep.js';

import {
  DELIVERY_STATES,
  type DeliveryRow,
  type MailingRow,
  OPEN_MAILINGS,
} from '../../functions/store/model.js';
import { RECOUNT_DUE, type RecountFlag } from '../../functions/store/recount.js';
import {
  countedAs,
  listDeliveries,
  listMailings,
  listRejections,
  type StoreDeps,
} from '../../functions/store/store.js';
import type { FaultLayer } from '../../local/faults.js';
import type { LocalStack } from '../../local/stack.js';
import type { Intended } from './flow.js';

const FINAL_DELIVERY = new Set([
  'sent',
  'delivered',
  'bounced',
  'complained',
  'suppressed',
  'cancelled',
  'failed',
  'uncertain',
]);
const FINAL_MAILING = new Set(['complete', 'cancelled']);
/** What a passing fault looks like in a recorded reason: none of these may make a delivery `failed`. */
const PASSING =
  /throttl|rate exceeded|ServiceUnavailable|InternalServerError|InternalFailure|ECONNRESET|socket hang up|TimeoutError|timed out|TextNotPrepared|not been prepared/i;

const tagOf = (mailingId: string) => mailingId.replace(/[^A-Za-z0-9_-]/g, '_');

async function queueDepth(sqs: SQSClient, url: string | undefined): Promise<number> {
  const { Attributes: a = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

const WORK_QUEUES = ['IntakeQueueUrl', 'SendQueueUrl', 'FeedbackQueueUrl'] as const;
/** Emptied by the dead-letters function, which records every entry and sends it back once. */
const DLQS = ['SendDlqUrl', 'FeedbackDlqUrl'] as const;

interface Snapshot {
  queues: number[];
  busy: number;
  mailings: { id: string; state: string; counts: string; recount?: true; listed?: true }[];
  open: number;
  accepted: number;
  invocations: number;
}

/**
 * What counts as progress: queue depths, mailing states and counters, mail accepted. Not the
 * runner's invocation count or how many are running now: the clock ticks every few seconds and a
 * held job comes back again and again, so those move while nothing else does.
 */
function progressOf(s: Snapshot): string {
  return JSON.stringify([s.queues, s.mailings, s.open, s.accepted]);
}

/** How long settle() waits with nothing moving: the recount's quiet period and a few clock ticks. */
export const STALL_MS = COUNTERS_QUIET_MS + 30_000;

async function snapshot(stack: LocalStack, store: StoreDeps, cid: string): Promise<Snapshot> {
  const queues = await Promise.all(
    [...WORK_QUEUES, ...DLQS].map((q) => queueDepth(stack.clients.sqs, stack.outputs[q])),
  );
  const mailings = await listMailings(store, cid);
  let open = 0;
  for (const m of mailings) open += Number(m.count_queued ?? 0);
  return {
    queues,
    busy: stack.runner.busy,
    mailings: mailings.map((m) => ({
      id: m.mailingId,
      state: m.state,
      counts: Object.entries(m)
        .filter(([k, v]) => k.startsWith('count_') && Number(v) > 0)
        .map(([k, v]) => `${k.slice(6)} ${v}`)
        .join(', '),
      // The clock still has a recount to do (store/recount.ts).
      ...((m as MailingRow & RecountFlag)[RECOUNT_DUE] !== undefined ? { recount: true as const } : {}),
      // Still on the clock's open list: a cancelled mailing stays there until its counters agree.
      ...((m as { gsi2pk?: string }).gsi2pk === OPEN_MAILINGS ? { listed: true as const } : {}),
    })),
    open,
    accepted: stack.accepted.length,
    invocations: stack.runner.stats.invocations,
  };
}

/**
 * Waits until the pipeline has nothing left to do for this conference: work
 * queues empty (visible, in flight and delayed), no invocation running, every
 * mailing final or paused. Waits on progress, not on a deadline: it gives up
 * only when nothing at all has moved for `stallMs`, and says what was left.
 * The clock's counter recount moves nothing for its quiet period (two looks
 * that far apart), so the stall allowance is longer than that.
 */
export async function settle(
  stack: LocalStack,
  store: StoreDeps,
  cid: string,
  {
    stallMs = STALL_MS,
    intervalMs = 500,
    resume,
  }: {
    stallMs?: number;
    intervalMs?: number;
    /**
     * The organizer's documented way on for a paused mailing (`mailing resume`): called for each
     * one seen. Its held jobs keep coming back, so without it a paused mailing never settles.
     */
    resume?: (mailingId: string) => Promise<unknown>;
  } = {},
): Promise<{ settled: boolean; last: Snapshot }> {
  let last = '';
  let lastChange = Date.now();
  let quietChecks = 0;
  for (;;) {
    const now = await snapshot(stack, store, cid);
    if (resume) for (const m of now.mailings) if (m.state === 'paused') await resume(m.id);
    const done =
      now.queues.every((n) => n === 0) &&
      now.busy === 0 &&
      now.mailings.every((m) => FINAL_MAILING.has(m.state) && !m.recount && !m.listed);
    if (done && ++quietChecks >= 3) return { settled: true, last: now };
    if (!done) quietChecks = 0;
    const signature = progressOf(now);
    if (signature !== last) {
      last = signature;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > stallMs) {
      return { settled: false, last: now };
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * The rules, read from outside: the SES proxy's accepted list (the `.eml`
 * outbox), the table and the queues, plus the fault layer's record of which
 * SendRawEmail calls never heard back (the only way a copy may have reached SES
 * unrecorded). Returns one line per violation.
 */
export async function checkInvariants(
  stack: LocalStack,
  store: StoreDeps,
  layer: FaultLayer,
  intended: Intended,
): Promise<string[]> {
  const violations: string[] = [];
  const mailings = await listMailings(store, intended.conferenceId);
  const byId = new Map<string, MailingRow>(mailings.map((m) => [m.mailingId, m]));
  const rowsOf = new Map<string, DeliveryRow[]>();
  for (const m of mailings) rowsOf.set(m.mailingId, await listDeliveries(store, m.mailingId));
  const tags = new Map(mailings.map((m) => [tagOf(m.mailingId), m.mailingId]));
  const accepted = stack.accepted.filter((a) => tags.has(a.tags.mailing ?? ''));
  const acceptedIds = new Set(accepted.map((a) => a.messageId));
  const unanswered = new Set(layer.sesCalls.filter((c) => !c.answered && c.delivery).map((c) => c.delivery));

  // 1. At most one accepted mail per (mailing, recipient), counting every copy SES took.
  const copies = new Map<string, number>();
  for (const a of accepted) {
    for (const to of a.destinations) {
      const k = `${a.tags.mailing} → ${to.toLowerCase()}`;
      copies.set(k, (copies.get(k) ?? 0) + 1);
    }
  }
  for (const [k, n] of copies) if (n > 1) violations.push(`sent twice: ${k} (${n} copies accepted by SES)`);

  // 2. Nobody intended is missing a row, and every row ends final (failed with a reason).
  for (const [mid, contacts] of intended.rows) {
    const rows = rowsOf.get(mid);
    if (!rows) {
      violations.push(`lost: mailing ${mid} was never created`);
      continue;
    }
    const have = new Set(rows.map((r) => r.contactKey));
    const missing = contacts.filter((c) => !have.has(c));
    if (missing.length > 0)
      violations.push(
        `lost: ${missing.length} intended recipients have no row in ${mid} (e.g. ${missing[0]})`,
      );
  }
  for (const [mid, rows] of rowsOf) {
    const paused = byId.get(mid)?.state === 'paused';
    for (const r of rows) {
      const where = `${mid}/${r.contactKey}`;
      if (!FINAL_DELIVERY.has(r.state) && !paused) violations.push(`not final: ${where} is ${r.state}`);
      if (r.state === 'failed' && !r.reason) violations.push(`failed without a reason: ${where}`);
      if (r.state === 'failed' && PASSING.test(r.reason ?? ''))
        violations.push(`failed for a passing fault: ${where}: ${r.reason}`);
      // 3. `uncertain` only where a copy may have reached SES.
      const copy = accepted.some((a) => a.tags.delivery === r.deliveryId);
      // The one window nobody but this test can see into: the sender died after its last
      // write before SES (which marks the delivery) and before the call itself.
      const diedAtSes = layer.watched.some(
        (w) =>
          w.invocation.frozenBy !== undefined &&
          w.input.includes(`MAILING#${mid}`) &&
          w.input.includes(`DELIVERY#${r.contactKey}`),
      );
      if (r.state === 'uncertain' && !copy && !unanswered.has(r.deliveryId) && !diedAtSes) {
        violations.push(
          `false uncertain: ${where} (SES was never called without an answer for it): ${r.reason ?? ''}`,
        );
      }
      if (
        ['sent', 'delivered', 'bounced', 'complained'].includes(r.state) &&
        !acceptedIds.has(r.sesMessageId ?? '')
      ) {
        violations.push(`recorded ${r.state} without an accepted copy: ${where}`);
      }
      if (copy && !['sent', 'delivered', 'bounced', 'complained', 'uncertain'].includes(r.state)) {
        violations.push(`SES accepted a copy but the row says ${r.state}: ${where}`);
      }
    }
  }
  for (const a of accepted) {
    const mid = tags.get(a.tags.mailing ?? '') ?? '';
    if (!rowsOf.get(mid)?.some((r) => r.deliveryId === a.tags.delivery)) {
      violations.push(`SES accepted mail for no delivery row: ${a.tags.mailing}/${a.tags.delivery}`);
    }
  }

  // 4. Counters equal the rows; every mailing final (a paused one is reported for resuming).
  for (const m of mailings) {
    const rows = rowsOf.get(m.mailingId) ?? [];
    if (!FINAL_MAILING.has(m.state) && m.state !== 'paused')
      violations.push(`mailing ${m.mailingId} stuck in ${m.state}`);
    if (Number(m.total ?? 0) !== rows.length)
      violations.push(`mailing ${m.mailingId}: total ${m.total} but ${rows.length} rows`);
    for (const s of DELIVERY_STATES) {
      if (s === 'sending') continue;
      const n = rows.filter((r) => countedAs(r.state) === s).length;
      const c = Number(m[`count_${s}`] ?? 0);
      if (n !== c) violations.push(`mailing ${m.mailingId}: count_${s} is ${c} but ${n} rows`);
      if (n !== c && process.env.CHAOS_DEBUG) violations.push(`  row: ${JSON.stringify(m)}`);
    }
  }
  // 5. No queue holds a message that will never be processed; every DLQ entry has a recorded reason.
  for (const q of [...WORK_QUEUES, ...DLQS]) {
    const n = await queueDepth(stack.clients.sqs, stack.outputs[q]);
    if (n > 0) violations.push(`${q}: ${n} messages left after settling`);
  }
  // The intake's DLQ keeps what it holds (rejected events, and what the intake gave up on after
  // its last receive): each entry must have its recorded reason.
  const rejections = await listRejections(store, 10_000);
  for (const body of await drain(stack.clients.sqs, stack.outputs.IntakeDlqUrl)) {
    const id = (() => {
      try {
        return (JSON.parse(body) as { id?: string }).id;
      } catch {
        return undefined;
      }
    })();
    if (!rejections.some((r) => r.eventId === id && r.reason))
      violations.push(`IntakeDlqUrl holds a message with no recorded reason: ${body.slice(0, 160)}`);
  }
  // The send and feedback DLQs are taken up by the dead-letters function: each entry is a record
  // with its reason. One sent back once is counted in the figures (the rules above say whether its
  // second chance worked); one kept after failing again will never be processed.
  for (const r of rejections) {
    if (!r.code.startsWith('dead_letter') || !r.payload?.includes(intended.conferenceId)) continue;
    if (!r.reason) violations.push(`dead letter with no reason: ${r.payloadHead.slice(0, 160)}`);
    if (r.code === 'dead_letter_kept')
      violations.push(
        `dead letter kept (will never be processed): ${r.reason}: ${r.payloadHead.slice(0, 160)}`,
      );
  }
  return violations;
}

/** Reads and deletes every message of a queue (the intake DLQ between runs). */
async function drain(sqs: SQSClient, url: string | undefined): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const m of Messages) {
      bodies.push(m.Body ?? '');
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

/** Dead letters of this flow that were sent back once (recorded, and not violations). */
export async function deadLettersOf(store: StoreDeps, conferenceId: string): Promise<number> {
  return (await listRejections(store, 10_000)).filter(
    (r) => r.code === 'dead_letter_redriven' && r.payload?.includes(conferenceId),
  ).length;
}
