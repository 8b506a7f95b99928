import { mailingProgress } from '../mailing/operations.js';
import { cancelPage, continueLater, enqueueSendJobs, type PipelineDeps } from '../mailing/plan.js';
import { ensurePreparedText } from '../mailing/prepared-text.js';
import { type CountMetric, expireLease, reclaimUnsent, SUBMITTING } from '../sending/lease.js';
import { compareCounters, repairCounters } from '../store/counters.js';
import type { DeliveryRow, MailingRow } from '../store/model.js';
import { closeCancelledMailing, openMailings } from '../store/open-mailings.js';
import { clearRecount, RECOUNT_DUE, type RecountFlag } from '../store/recount.js';
import {
  deliveriesInState,
  getDelivery,
  getMailing,
  type StoreDeps,
  setMailingState,
} from '../store/store.js';
import { MAILING_MOVES } from '../store/transitions.js';

type SweepDeps = StoreDeps &
  Pick<PipelineDeps, 'sqs' | 'sendQueueUrl' | 'intakeQueueUrl'> & {
    count?: CountMetric;
    /** How long a recount waits between its two looks (default {@link COUNTERS_QUIET_MS}). */
    countersQuietMs?: number;
    /** How long a sending mailing and a queued delivery of it stay still before its job is re-enqueued. */
    staleQueuedMs?: number;
  };

/** Default for {@link SweepDeps.staleQueuedMs}: longer than a send job's longest back-off (SQS's 900 s delay cap). */
export const STALE_QUEUED_MS = 1_000_000;

/** How long a recount waits between its two looks: longer than any function's timeout. */
export const COUNTERS_QUIET_MS = 120_000;

/** A counter below zero: moves were counted that no row made (a crash, a lost answer) — never final. */
const drifted = (m: MailingRow | undefined): boolean =>
  Object.entries(m ?? {}).some(([k, v]) => k.startsWith('count_') && Number(v) < 0);

export interface SweepResult {
  leasesExpired: number;
  completed: string[];
}

/** Expires the dead send claims of one mailing; returns how many, and whether any claim is still live. */
async function expireDeadClaims(
  deps: SweepDeps,
  mailing: MailingRow,
): Promise<{ expired: number; live: boolean }> {
  let expired = 0;
  let live = false;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deliveriesInState(deps, mailing.mailingId, 'sending', { cursor, limit: 100 });
    for (const item of page.items) {
      if ((item.leaseUntil ?? Number.POSITIVE_INFINITY) >= deps.now().getTime()) {
        live = true;
        continue;
      }
      const delivery = (await getDelivery(deps, mailing.mailingId, item.contactKey)) as
        | (DeliveryRow & { leaseOwner?: string; [SUBMITTING]?: boolean })
        | undefined;
      if (!delivery) continue;
      if (!delivery[SUBMITTING]) {
        // Its sender died before calling SES: back to the queue. The job goes first, so that a
        // crash between the two leaves a job (which finds the dead claim and does the same).
        await enqueueSendJobs(deps, [{ mailingId: mailing.mailingId, contactKey: delivery.contactKey }]);
        if (await reclaimUnsent(deps, delivery)) continue;
      }
      if (await expireLease(deps, delivery)) expired++;
      else live = true; // moved on meanwhile, or not the claim we saw: look again next tick
    }
    cursor = page.next;
  } while (cursor);
  return { expired, live };
}

/**
 * Re-enqueues the send jobs of a quiet sending mailing's long-queued deliveries (one page a
 * tick, at most once per bound). A job can be lost where no write records it — an intake that died after writing the
 * delivery and before enqueuing, whose event then ran out of redeliveries or was marked done by
 * a copy — and nothing else would ever send that delivery. A duplicate job sends nothing: the
 * sender claims a delivery conditionally. Only when the mailing's counters have not moved for
 * the bound either, so a slow (paced) mailing's backlog is not doubled.
 */
async function requeueStaleQueued(deps: SweepDeps, mailing: MailingRow): Promise<number> {
  if (mailing.state !== 'sending') return 0;
  if (mailing.plan.phase !== 'done' && mailing.plan.phase !== 'explicit') return 0;
  const bound = deps.now().getTime() - (deps.staleQueuedMs ?? STALE_QUEUED_MS);
  const row = mailing as MailingRow & { countersMovedAt?: string; staleRequeuedAt?: string };
  const stillSince = Math.max(
    ...[row.createdAt, row.countersMovedAt, row.staleRequeuedAt].map((t) => (t ? Date.parse(t) : 0)),
  );
  if (stillSince > bound) return 0;
  const { items } = await deliveriesInState(deps, mailing.mailingId, 'queued', { limit: 100 });
  if (items.length === 0) return 0;
  // Stamped first, so that at most one round of duplicates goes out per bound.
  if (
    !(await setMailingState(deps, mailing.mailingId, MAILING_MOVES.stampRequeue, {
      staleRequeuedAt: deps.now().toISOString(),
    }))
  )
    return 0;
  await enqueueSendJobs(
    deps,
    items.map((d) => ({ mailingId: mailing.mailingId, contactKey: d.contactKey })),
  );
  return items.length;
}

/**
 * A mailing whose feedback asked for a recount (store/recount.ts): once its counters agree with
 * its rows the request is cleared (a complete one leaves the open list with it); until then they
 * are repaired from the rows after the quiet period, as a sending mailing's are.
 */
const recountDue = (m: MailingRow | undefined): boolean =>
  (m as RecountFlag | undefined)?.[RECOUNT_DUE] !== undefined;

async function recount(deps: SweepDeps, mailing: MailingRow): Promise<void> {
  const compared = await compareCounters(deps, mailing);
  if (compared.agree) {
    await clearRecount(deps, mailing);
    return;
  }
  await repairCounters(deps, mailing, deps.countersQuietMs ?? COUNTERS_QUIET_MS, compared);
}

/**
 * Re-enqueues the next page of a mailing whose planning has not moved for the stale bound. The
 * continuation that carries planning on can be lost where no write records it: an intake that
 * died after writing a page's rows and before moving the cursor, whose event then found its
 * effect already applied (an agenda notice's event sees the agenda already moved) and did not
 * go on. A duplicate continuation plans nothing twice: the cursor moves conditionally, and the
 * loser of that race stops.
 */
async function nudgeStalePlanning(deps: SweepDeps, mailing: MailingRow): Promise<void> {
  const bound = deps.now().getTime() - (deps.staleQueuedMs ?? STALE_QUEUED_MS);
  const row = mailing as MailingRow & { planMovedAt?: string; planNudgedAt?: string };
  const stillSince = Math.max(
    ...[row.createdAt, row.planMovedAt, row.planNudgedAt].map((t) => (t ? Date.parse(t) : 0)),
  );
  if (stillSince > bound) return;
  if (
    await setMailingState(deps, mailing.mailingId, MAILING_MOVES.nudgePlanning, {
      planNudgedAt: deps.now().toISOString(),
    })
  )
    await continueLater(deps, { mailingId: mailing.mailingId, op: 'plan' });
}

/**
 * The clock's sweep over every mailing that is not final (planning, sending,
 * paused, cancelled with claims left): a send claim whose lease ran out becomes
 * `uncertain` whatever state its mailing is in, a mailing whose planning ended
 * without the move to `sending` gets it, a sending mailing with nothing left in
 * flight becomes `complete`, and a cancelled one leaves the list once no claim is left.
 */
export async function sweepOpenMailings(deps: SweepDeps): Promise<SweepResult> {
  const result: SweepResult = { leasesExpired: 0, completed: [] };
  for (const listed of await openMailings(deps)) {
    // The open list is an index that projects ids, not state or plan (infra GSI2_ATTRIBUTES):
    // every decision below reads the mailing itself.
    const mailing = await getMailing(deps, listed.mailingId);
    if (!mailing) continue;
    // A mailing stored before organizer text was prepared at intake gets it here; its sender
    // holds the jobs until then (sending/compose.ts).
    await ensurePreparedText(deps, mailing);
    const { expired, live } = await expireDeadClaims(deps, mailing);
    result.leasesExpired += expired;
    // A recount asked for (store/recount.ts), whatever the state: a mailing still sending is not
    // completed while one is due, or it would leave the open list with the request unanswered.
    if (recountDue(mailing) && mailing.state !== 'planning' && !live) await recount(deps, mailing);
    // A complete mailing is on the list only for its recount; a cancelled one goes on below.
    if (mailing.state === 'complete' || mailing.state === 'dry-run') continue;
    if (mailing.state === 'planning' && mailing.plan.phase === 'done') {
      await setMailingState(deps, mailing.mailingId, MAILING_MOVES.finishPlanning);
    } else if (mailing.state === 'planning') {
      await nudgeStalePlanning(deps, mailing);
    } else if (mailing.state === 'cancelled' && !live) {
      // A planning page that died part-way can leave rows queued behind the cancellation (it had
      // passed them, and the page is never retried): the cancellation goes over them again.
      if ((await deliveriesInState(deps, mailing.mailingId, 'queued', { limit: 1 })).items.length > 0)
        await cancelPage(deps, mailing.mailingId);
      else {
        // Its cancellation moved rows with single counter writes that can be lost like a flush:
        // it leaves the list only once they agree with the rows, repaired after the quiet period.
        const compared = await compareCounters(deps, mailing);
        if (compared.agree) await closeCancelledMailing(deps, mailing.mailingId);
        else await repairCounters(deps, mailing, deps.countersQuietMs ?? COUNTERS_QUIET_MS, compared);
      }
    } else {
      await requeueStaleQueued(deps, mailing);
    }
    let progress = await mailingProgress(deps, mailing.mailingId);
    // Counters move once per batch; a batch that died before writing them leaves them short of
    // the rows. Once the mailing is provably quiet, recount from the rows (store/counters.ts).
    // Progress reads a negative counter as zero, so a drifted mailing looks complete: it is
    // recounted first, and completes only once its counters are whole again.
    const row =
      progress && mailing.state === 'sending' ? await getMailing(deps, mailing.mailingId) : undefined;
    if (row && (!progress?.complete || drifted(row)) && !live) {
      if (await repairCounters(deps, row, deps.countersQuietMs ?? COUNTERS_QUIET_MS))
        progress = await mailingProgress(deps, mailing.mailingId);
    }
    const latest = progress?.complete ? await getMailing(deps, mailing.mailingId) : undefined;
    if (latest?.state === 'sending' && !drifted(latest) && !recountDue(latest)) {
      // The counters say done; the rows must say so too. Two planners of one page (a duplicate
      // continuation) can each count only what they read, and a row the loser wrote is then
      // neither counted nor enqueued: the mailing stays `sending`, the stale re-enqueue above
      // sends the row, and the recount sets counters and total from the rows.
      const compared = await compareCounters(deps, latest);
      if (compared.agree) {
        if (await setMailingState(deps, mailing.mailingId, MAILING_MOVES.complete))
          result.completed.push(mailing.mailingId);
      } else await repairCounters(deps, latest, deps.countersQuietMs ?? COUNTERS_QUIET_MS, compared);
    }
  }
  return result;
}
