import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { affectedRegistrants, type SessionChange } from '../domain/agenda.js';
import { selectInvitees } from '../invitations/select.js';
import { TransientError } from '../lib/errors.js';
import { pageOfInvitees } from '../store/invitees.js';
import type {
  DeliveryRow,
  IndexedDeliveryState,
  InviteeRow,
  MailingRow,
  PressRow,
  Recipient,
  RegistrationRow,
} from '../store/model.js';
import {
  advancePlan,
  createPlannedDeliveries,
  deliveriesInState,
  deliveryIdOf,
  fixPlanPage,
  getDeliveries,
  getMailing,
  type NewDelivery,
  pageOfContacts,
  type StoreDeps,
  setMailingState,
  takeOverPlanPage,
  transitionDelivery,
} from '../store/store.js';
import { DELIVERY_MOVES, MAILING_MOVES, RESEND_MOVES } from '../store/transitions.js';
import { isBulk, matchesAudience, phasesFor, recipientOf } from './audience.js';
import { type Continuation, INTERNAL_SOURCE } from './internal.js';

/** Everything planning needs: the store plus the two queues it writes to. */
export interface PipelineDeps extends StoreDeps {
  sqs: SQSClient;
  sendQueueUrl: string;
  intakeQueueUrl: string;
  /** Suppression check for bulk planning: true when the address must be skipped. */
  isSuppressed?: (contactKey: string, conferenceId: string) => Promise<boolean>;
  /** The same check for a whole page at once (one BatchGetItem per 50 contacts); preferred when set. */
  suppressedAmong?: (contactKeys: string[], conferenceId: string) => Promise<Set<string>>;
  /** How long a planner holds a page; default {@link PLAN_PAGE_LEASE_MS}. Longer than the intake's timeout. */
  planLeaseMs?: number;
}

/** Recipients read per planning message: small enough that one invocation stays short. */
export const PLAN_PAGE_SIZE = 100;

/** What rendering needs of a delivery row: written once at planning, never changed after. */
export type PlannedDelivery = Pick<DeliveryRow, 'deliveryId' | 'recipient' | 'payload'>;

/**
 * The most a job carries of its delivery: ten jobs in a SendMessageBatch stay far under SQS's
 * 256 KiB; a larger row (an agenda notice listing many sessions) goes without, and is read.
 */
export const PLANNED_IN_JOB_MAX_BYTES = 8 * 1024;

/** The planned part of a row, for a job; undefined when it is too large to carry. */
export const plannedOf = (row: PlannedDelivery): PlannedDelivery | undefined => {
  const planned = {
    deliveryId: row.deliveryId,
    recipient: row.recipient,
    ...(row.payload ? { payload: row.payload } : {}),
  };
  return Buffer.byteLength(JSON.stringify(planned)) <= PLANNED_IN_JOB_MAX_BYTES ? planned : undefined;
};

/** A send job, with the planned delivery when it is small enough to carry. */
export const jobOf = (mailingId: string, contactKey: string, row?: PlannedDelivery): SendJob => {
  const delivery = row ? plannedOf(row) : undefined;
  return { mailingId, contactKey, ...(delivery ? { delivery } : {}) };
};

/** The body of a send job on the send queue. */
export interface SendJob {
  mailingId: string;
  contactKey: string;
  /**
   * The delivery as planned, when the enqueuer has it: what the sender renders from, so that it
   * need not read the row before claiming it (one DynamoDB call a delivery; issue 15). None of
   * these fields changes after planning; the claim still decides, and SES is sent to the address
   * of the row it returns. A job without it (sweeps, resends) makes the sender read the row.
   */
  delivery?: PlannedDelivery;
  /** How many times the job came back (throttling, 5xx, passing faults): sets the back-off. */
  retries?: number;
  /** How many of those were faults rather than throttling: capped (see MAX_SEND_RETRIES). */
  faults?: number;
  /**
   * The owner of a claim an earlier try of this job made and could not give back: its answers
   * and those of every release were lost, and it never called SES. The next try gives that claim
   * back (a release conditional on this owner) before anything else, instead of leaving it to run
   * out into a false `uncertain` (sending/send.ts). Such a job comes back within 30 s; once the
   * claim is given back, the job goes on without it.
   */
  claimOwner?: string;
}

/** Enqueues send jobs with SendMessageBatch, ten at a time; a partly failed batch is retried whole. */
export async function enqueueSendJobs(
  deps: Pick<PipelineDeps, 'sqs' | 'sendQueueUrl'>,
  jobs: SendJob[],
): Promise<void> {
  for (let i = 0; i < jobs.length; i += 10) {
    const chunk = jobs.slice(i, i + 10);
    const result = await deps.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: deps.sendQueueUrl,
        Entries: chunk.map((job, j) => ({ Id: String(j), MessageBody: JSON.stringify(job) })),
      }),
    );
    if (result.Failed && result.Failed.length > 0) {
      // Duplicated jobs are harmless (the sender claims each delivery once); lost ones are not.
      throw new TransientError(
        `SendMessageBatch refused ${result.Failed.length} send jobs: ${result.Failed[0]?.Message}`,
      );
    }
  }
}

/** Puts a continuation on the intake queue so the next page runs in a fresh invocation. */
export async function continueLater(
  deps: Pick<PipelineDeps, 'sqs' | 'intakeQueueUrl' | 'now'>,
  data: Continuation['data'],
): Promise<void> {
  const message: Continuation = {
    specversion: '1.0',
    id: randomUUID(),
    source: INTERNAL_SOURCE,
    type: 'communique.mailing.continue',
    time: deps.now().toISOString(),
    data,
  };
  await deps.sqs.send(
    new SendMessageCommand({ QueueUrl: deps.intakeQueueUrl, MessageBody: JSON.stringify(message) }),
  );
}

/**
 * Who of one page of contacts gets this mailing, and with what per-person payload.
 * Agenda-change notices go to the registrants a change concerns, with those changes.
 */
function select(
  mailing: MailingRow,
  rows: (RegistrationRow | PressRow)[],
): { recipient: Recipient; payload?: Record<string, unknown> }[] {
  const active = rows.filter((r) => r.status === 'active');
  if (mailing.kind === 'agenda-change') {
    const changes = (mailing as MailingRow & { changes?: SessionChange[] }).changes ?? [];
    const affected = affectedRegistrants(changes, active);
    return active
      .filter((r) => affected.has(r.contactKey))
      .map((r) => ({ recipient: recipientOf(r), payload: { changes: affected.get(r.contactKey) } }));
  }
  if (mailing.kind === 'reminder' && mailing.reminder?.target === 'session') {
    const sid = mailing.reminder.sessionId ?? '';
    return active.filter((r) => r.sessions.includes(sid)).map((r) => ({ recipient: recipientOf(r) }));
  }
  return active
    .filter((r) => matchesAudience(recipientOf(r), mailing.audience))
    .map((r) => ({ recipient: recipientOf(r) }));
}

/**
 * How long a planner holds a page (`plan.page` in model.ts) when not told: longer than the
 * intake's timeout (60 s), so a holder is dead before anyone takes its page over, and shorter than
 * the intake queue's visibility timeout, so the redelivery after a crash finds it run out.
 */
export const PLAN_PAGE_LEASE_MS = 120_000;

/** Rows per BatchWriteItem, DynamoDB's most. */
const PLANNED_PER_WRITE = 25;

/** The page's lease must have this share of its length left for its rows to be written. */
const LEASE_LEFT_TO_WRITE = 0.25;

/**
 * Plans one page of a mailing: reads up to {@link PLAN_PAGE_SIZE} contacts from
 * the stored cursor, writes one delivery per selected address, enqueues their
 * send jobs, then moves the cursor with a conditional update. Returns whether
 * more pages remain, or, while another planner holds the page, until when.
 *
 * The rows are written in batches (BatchWriteItem, 25 a call, no condition):
 * the planner holds the page under a lease longer than its own timeout, reads
 * the page's rows consistently (BatchGetItem, 100 a call) and writes only those
 * absent, and no job names a row before all are written — so a row that exists
 * (an earlier attempt's, or the same address planned in an earlier phase) is
 * never written over, and one delivery per address holds as a conditional put
 * per row would make it, at a twenty-fifth of the calls (issue 15). A crash
 * anywhere in between resumes at the same page once the lease has run out:
 * deliveries already written are found, re-enqueued if still queued, and
 * counted once because they carry the page they were planned in. The page is
 * fixed at its first read (`plan.page`), so that contacts added meanwhile join
 * it rather than push a written row to the next page, uncounted.
 */
export async function planPage(
  deps: PipelineDeps,
  mailingId: string,
  onlyPage?: number,
): Promise<'more' | 'done' | 'skipped' | { heldUntil: number; page: number }> {
  const mailing = await getMailing(deps, mailingId);
  if (mailing?.state !== 'planning') return 'skipped';
  if (onlyPage !== undefined && mailing.plan.pages !== onlyPage) return 'skipped';
  const phases = phasesFor(mailing.kind, mailing.audience);
  const phase = mailing.plan.phase;
  if (phase === 'explicit') return 'done';
  if (phase === 'done') {
    // The cursor reached the end but the move to `sending` never happened (a crash, or a
    // lost answer to the last cursor move): the redelivered continuation finishes it.
    await setMailingState(deps, mailingId, MAILING_MOVES.finishPlanning);
    return 'done';
  }
  const leaseMs = deps.planLeaseMs ?? PLAN_PAGE_LEASE_MS;
  const lease = { owner: randomUUID(), leaseUntil: deps.now().getTime() + leaseMs };
  // A retried page reads what its first read fixed (plan.page in model.ts), however many
  // contacts registered in its range since; a first read fixes it before writing anything.
  const fixed = mailing.plan.page;
  if (fixed && !(await takeOverPlanPage(deps, mailingId, mailing.plan, lease))) {
    const now = await getMailing(deps, mailingId);
    const same = now?.plan.phase === phase && now.plan.pages === mailing.plan.pages;
    // Another planner holds the page: look again once its lease has run out.
    if (same && now.plan.page && now.state === 'planning')
      return { heldUntil: now.plan.page.leaseUntil ?? lease.leaseUntil, page: mailing.plan.pages };
    return planPage(deps, mailingId, onlyPage); // the plan moved on meanwhile, or stopped
  }
  // A retry reads at most five pages' worth: a bulk import in the page's range meanwhile must not
  // make it too long to finish (what is left of the range goes to the next page).
  const size = fixed ? PLAN_PAGE_SIZE * 5 : PLAN_PAGE_SIZE;
  const page =
    phase === 'invitees'
      ? await pageOfInvitees(deps, mailing.conferenceId, mailing.plan.cursor, size, fixed?.end)
      : await pageOfContacts<RegistrationRow | PressRow>(
          deps,
          mailing.conferenceId,
          phase === 'registrations' ? 'REG#' : 'PRESS#',
          mailing.plan.cursor,
          size,
          fixed?.end,
        );
  if (!fixed && page.last !== undefined) {
    const read = { end: page.last, more: page.next !== undefined, ...lease };
    // Lost to another planner of this page (or the plan moved on): start again from what it wrote.
    if (!(await fixPlanPage(deps, mailingId, mailing.plan, read))) return planPage(deps, mailingId, onlyPage);
  }
  const more = page.next !== undefined || (fixed?.more ?? false);
  const pageNo = mailing.plan.pages;
  const selected: { recipient: Recipient; payload?: Record<string, unknown> }[] =
    phase === 'invitees'
      ? await selectInvitees(deps, mailing, page.items as InviteeRow[])
      : select(mailing, page.items as (RegistrationRow | PressRow)[]);
  const jobs: SendJob[] = [];
  let counted = 0;
  const bulk = isBulk(mailing.kind);
  const suppressedOnPage =
    bulk && deps.suppressedAmong
      ? await deps.suppressedAmong(
          selected.map((s) => s.recipient.contactKey),
          mailing.conferenceId,
        )
      : undefined;
  // Who of the page is planned: the first selection of each address, unless suppressed.
  const planned = new Map<string, { recipient: Recipient; payload?: Record<string, unknown> }>();
  for (const s of selected) {
    const key = s.recipient.contactKey;
    if (planned.has(key)) continue;
    const suppressed =
      bulk &&
      (suppressedOnPage ? suppressedOnPage.has(key) : await deps.isSuppressed?.(key, mailing.conferenceId));
    if (suppressed) continue; // not in the audience at all: see README "Suppression"
    planned.set(key, s);
  }
  // On a retry, a contact an earlier attempt planned may have left the audience since (cancelled,
  // unsubscribed); the row it wrote is this page's all the same, counted and sent (the sender
  // still checks suppression).
  const onPage = fixed ? (page.items as { contactKey: string }[]).map((item) => item.contactKey) : [];
  const existing = await getDeliveries(deps, mailingId, [...planned.keys(), ...onPage]);
  // Counts and enqueues a row an earlier attempt at this page wrote.
  for (const row of existing.values() as Iterable<DeliveryRow & { planPage?: number }>) {
    if (row.planPage !== pageNo) continue;
    counted++;
    if (row.state === 'queued') jobs.push(jobOf(mailingId, row.contactKey, row));
  }
  const fresh = [...planned]
    .filter(([key]) => !existing.has(key))
    .map(([contactKey, { recipient, payload }]) => ({
      mailingId,
      contactKey,
      deliveryId: deliveryIdOf(mailingId, contactKey),
      conferenceId: mailing.conferenceId,
      kind: mailing.kind,
      state: 'queued' as const,
      recipient,
      ...(payload ? { payload } : {}),
      attempts: 0,
      planPage: pageNo,
    }));
  for (let i = 0; i < fresh.length; i += PLANNED_PER_WRITE) {
    // Written only under the lease, checked before each batch: a planner this late (a stalled
    // machine) may have been taken over.
    if (deps.now().getTime() > lease.leaseUntil - leaseMs * LEASE_LEFT_TO_WRITE)
      throw new TransientError('planning this page outlasted its lease: it is planned again');
    await createPlannedDeliveries(deps, fresh.slice(i, i + PLANNED_PER_WRITE) as NewDelivery[]);
  }
  counted += fresh.length;
  jobs.push(...fresh.map((row) => jobOf(mailingId, row.contactKey, row)));
  await enqueueSendJobs(deps, jobs);

  let next: MailingRow['plan'];
  const cursor = page.next ?? page.last;
  if (more && cursor !== undefined) next = { phase, cursor, pages: pageNo + 1 };
  else {
    // A phase the mailing's audience no longer lists (a hand-made row, say) is its last.
    const at = phases.indexOf(phase);
    const following = at < 0 ? undefined : phases[at + 1];
    next = following ? { phase: following, pages: pageNo + 1 } : { phase: 'done', pages: pageNo + 1 };
  }
  // Only while this planner still holds the page (when it took one): one taken over counts it.
  const holder = fixed || page.last !== undefined ? lease.owner : undefined;
  const advanced = await advancePlan(deps, mailingId, mailing.plan, next, counted, holder);
  if (!advanced) return 'skipped'; // another invocation planned this page
  if (next.phase === 'done') {
    await setMailingState(deps, mailingId, MAILING_MOVES.finishPlanning);
    return 'done';
  }
  await continueLater(deps, { mailingId, op: 'plan' });
  return 'more';
}

/** The first phase a mailing plans, or 'done' when it reads no contact list. */
export function firstPhase(mailing: Pick<MailingRow, 'kind' | 'audience'>): MailingRow['plan']['phase'] {
  return phasesFor(mailing.kind, mailing.audience)[0] ?? 'done';
}

const PAGE = 100;

/**
 * Cancels a mailing: it stops planning, and every delivery not yet claimed by a
 * sender moves to `cancelled`, a page per invocation. Claimed ones finish.
 */
export async function cancelPage(deps: PipelineDeps, mailingId: string): Promise<'more' | 'done'> {
  const { items, next } = await deltasOf(deps, mailingId, 'queued');
  await Promise.all(
    items.map((d) => transitionDelivery(deps, mailingId, d.contactKey, DELIVERY_MOVES.cancelQueued)),
  );
  if (next || items.length === PAGE) {
    await continueLater(deps, { mailingId, op: 'cancel' });
    return 'more';
  }
  return 'done';
}

async function deltasOf(deps: PipelineDeps, mailingId: string, state: IndexedDeliveryState) {
  return deliveriesInState(deps, mailingId, state, { limit: PAGE });
}

/**
 * The jobs of queued deliveries to enqueue again (a resume). While the mailing is still planning,
 * rows of the page being planned, and after it, are left to their planner, which enqueues them
 * once all of its page's rows are written: a batch write that the SDK resends after a lost answer
 * would put a row this job had already sent back to `queued` (planPage's batches take no
 * condition), and the planner's own job would send it again.
 */
async function requeueable(
  deps: PipelineDeps,
  mailingId: string,
  items: readonly { contactKey: string }[],
): Promise<SendJob[]> {
  const mailing = await getMailing(deps, mailingId);
  const keys = items.map((d) => d.contactKey);
  if (mailing?.state !== 'planning' || keys.length === 0)
    return keys.map((contactKey) => ({ mailingId, contactKey }));
  const rows = await getDeliveries(deps, mailingId, keys);
  return keys
    .filter((key) => {
      const planned = (rows.get(key) as { planPage?: number } | undefined)?.planPage;
      return planned !== undefined && planned < mailing.plan.pages;
    })
    .map((contactKey) => ({ mailingId, contactKey }));
}

/**
 * Puts deliveries in the given states back to `queued` and enqueues them: the
 * organizer's explicit resend of failed or uncertain mail, and the resume of a
 * paused mailing. A page per invocation, one state after the other, each paged by
 * `cursor` (the state index is in contact order): a delivery resent on one page
 * that fails again before the next is behind the cursor, so one request resends it
 * once; and a page redelivered after a crash passes over the rows this request
 * already moved (`resendId`, stamped on each).
 */
export async function requeuePage(
  deps: PipelineDeps,
  mailingId: string,
  states: ('failed' | 'uncertain' | 'queued')[],
  requestedBy: string | undefined,
  cursor?: Record<string, string>,
  resendId?: string,
): Promise<'more' | 'done'> {
  const [state, ...rest] = states;
  if (state === undefined) return 'done';
  const { items, next } = await deliveriesInState(deps, mailingId, state, {
    limit: PAGE,
    ...(cursor ? { cursor } : {}),
  });
  const jobs: SendJob[] = [];
  if (state === 'queued') jobs.push(...(await requeueable(deps, mailingId, items)));
  else
    await Promise.all(
      items.map(async (d) => {
        const moved = await transitionDelivery(deps, mailingId, d.contactKey, RESEND_MOVES[state], {
          set: { resentBy: requestedBy ?? 'organizer', resentFrom: state, ...(resendId ? { resendId } : {}) },
          ...(resendId
            ? {
                condition: 'attribute_not_exists(resendId) OR resendId <> :rid',
                values: { ':rid': resendId },
              }
            : {}),
        });
        if (moved) jobs.push({ mailingId, contactKey: d.contactKey });
      }),
    );
  await enqueueSendJobs(deps, jobs);
  const following = next
    ? { states, cursor: next as Record<string, string> }
    : rest.length > 0
      ? { states: rest }
      : undefined;
  if (!following) return 'done';
  await continueLater(deps, {
    mailingId,
    op: 'requeue',
    requestedBy,
    ...following,
    ...(resendId ? { resendId } : {}),
  });
  return 'more';
}
