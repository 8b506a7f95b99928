/**
 * Mailing actions of the organizer API. Every change is a CloudEvent on the intake queue — the
 * same `mailing.requested` / `mailing.cancelled` events, validated by the same schema, that the
 * CLI sends — or the same domain function the CLI calls (resend, test send); the API then waits
 * until the intake applied or rejected the event, so the answer says what happened.
 */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isValidEmail } from '../events/email.js';
import { cloudEvent, type OutgoingEvent, sendBodies, waitForOutcomes } from '../events/producer.js';
import { validateIntakeEvent } from '../events/schemas.js';
import { hasOrganizerContent, MAILING_KINDS } from '../kinds/index.js';
import { newMailingId } from '../mailing/ids.js';
import { deliveryListing } from '../mailing/listings.js';
import { mailingProgress, resendDeliveries, resumeMailing } from '../mailing/operations.js';
import { PAUSABLE_STATES, pauseMailing } from '../mailing/pause.js';
import { previewMailing } from '../mailing/preview.js';
import { composeTestSend } from '../mailing/test-mail.js';
import { deliveryHistory } from '../store/delivery-history.js';
import {
  DELIVERY_STATES,
  type DeliveryRow,
  type DeliveryState,
  deliveryStateIndex,
  type IndexedDeliveryState,
  isIndexedState,
  keys,
  type MailingRow,
  partitions,
  prefixes,
} from '../store/model.js';
import { getConference, getDelivery, getMailing } from '../store/store.js';
import { deliveriesInStateQuery, inPartition, inPartitionInState } from '../store/table.js';
import type { ApiDeps } from './deps.js';
import {
  ApiError,
  badRequest,
  conflict,
  decodeCursor,
  encodeCursor,
  type Identity,
  limitOf,
  notFound,
  type Page,
} from './http.js';

/** The CloudEvents `source` of what the console produces. */
export const CONSOLE_SOURCE = 'console://communique/organizer';

/** Form field names for event-schema paths, so a refusal names what to fix on the page. */
const FIELDS: [RegExp, string][] = [
  [/^data\.kind\b/, 'kind'],
  [/^data\.audience\.(\w+)/, 'audience.$1'],
  [/^data\.audience\b/, 'audience'],
  [/^data\.content\.embargoUntil\b/, 'embargoUntil'],
  [/^data\.content\.(subject|body)\.?(\w*)/, '$1.$2'],
  [/^data\.content\b/, 'content'],
  [/^data\.sendAt\b/, 'sendAt'],
];

function fieldOf(path: string): string {
  for (const [pattern, name] of FIELDS)
    if (pattern.test(path)) return path.replace(pattern, name).replace(/\.$/, '');
  return path.replace(/^data\./, '');
}

/** What the console sends to create a mailing. */
export interface MailingInput {
  kind?: unknown;
  audience?: unknown;
  content?: unknown;
  sendAt?: unknown;
}

/** Builds and validates a `mailing.requested` event; a refusal lists each problem by field. */
export function mailingEvent(
  conferenceId: string,
  mailingId: string,
  input: MailingInput,
  dryRun: boolean,
  identity: Identity,
): OutgoingEvent {
  const data: Record<string, unknown> = {
    conferenceId,
    mailingId,
    kind: input.kind,
    audience: input.audience ?? {},
    dryRun,
    requestedBy: identity.user,
  };
  if (input.content !== undefined && input.content !== null) data.content = input.content;
  if (typeof input.sendAt === 'string' && input.sendAt !== '') data.sendAt = input.sendAt;
  const event = cloudEvent('mailing.requested', data, { source: CONSOLE_SOURCE });
  const result = validateIntakeEvent(event);
  if (!result.ok) {
    const problems = result.rejection.issues.map((i) => {
      const [path, ...rest] = i.message.split(' ');
      return { field: fieldOf(path ?? ''), message: `${fieldOf(path ?? '')} ${rest.join(' ')}`.trim() };
    });
    throw badRequest(`This mailing cannot be requested: ${problems.map((p) => p.message).join('; ')}.`, {
      problems,
    });
  }
  return event;
}

/** Puts one event on the intake queue and waits until it was applied; a rejection is a 422. */
export async function submit(deps: ApiDeps, event: OutgoingEvent): Promise<void> {
  const target = {
    sqs: deps.sqs,
    outputs: { IntakeQueueUrl: deps.intakeQueueUrl },
    store: deps.pipeline,
    label: deps.label,
  };
  await sendBodies(target, [JSON.stringify(event)]);
  const [outcome] = await waitForOutcomes(target, [event.id], { timeoutMs: deps.waitMs ?? 20_000 }).catch(
    (error: Error) => {
      throw new ApiError(503, `${error.message} The request was queued and may still take effect.`);
    },
  );
  if (outcome?.outcome === 'rejected') {
    throw new ApiError(422, `The pipeline refused the ${event.type} event: ${outcome.reason}`, {
      code: outcome.code,
    });
  }
}

export async function requireConference(deps: ApiDeps, conferenceId: string) {
  const conference = await getConference(deps.pipeline, conferenceId);
  if (!conference)
    throw notFound(`Conference "${conferenceId}" is unknown; send its conference.upserted event first.`);
  return conference;
}

export async function requireMailing(deps: ApiDeps, mailingId: string): Promise<MailingRow> {
  const mailing = await getMailing(deps.pipeline, mailingId);
  if (!mailing)
    throw notFound(`No mailing "${mailingId}"; it may have been withdrawn. Open the overview for the list.`);
  return mailing;
}

/** The audience's size and language mix, resolved exactly as planning would (nothing written). */
export async function audienceCount(deps: ApiDeps, conferenceId: string, input: MailingInput) {
  const event = mailingEvent(
    conferenceId,
    'audience-count',
    { ...input, content: input.content ?? placeholderContent(input.kind) },
    true,
    { user: 'count', groups: [] },
  );
  const conference = await requireConference(deps, conferenceId);
  const data = event.data as Pick<MailingRow, 'kind' | 'audience'>;
  const preview = await previewMailing(deps.pipeline, conference, {
    kind: data.kind,
    audience: data.audience,
  });
  return { total: preview.total, perLanguage: preview.perLanguage };
}

/** Content is not needed to count an audience; the schema wants some for announcements. */
function placeholderContent(kind: unknown) {
  return hasOrganizerContent(kind) ? { subject: { en: 'count' }, body: { en: 'count' } } : undefined;
}

/** Creates (or refreshes) a dry run: the mailing row with its per-language preview, nothing sent. */
export async function createDryRun(
  deps: ApiDeps,
  conferenceId: string,
  input: MailingInput & { mailingId?: unknown },
  identity: Identity,
) {
  if (!(MAILING_KINDS as readonly unknown[]).includes(input.kind)) {
    throw badRequest(`Choose a kind of mailing: ${MAILING_KINDS.join(', ')}.`, {
      problems: [{ field: 'kind', message: 'kind is required' }],
    });
  }
  const mailingId =
    typeof input.mailingId === 'string' && input.mailingId
      ? input.mailingId
      : newMailingId(String(input.kind));
  const existing = await getMailing(deps.pipeline, mailingId);
  if (existing && existing.state !== 'dry-run') {
    throw conflict(`Mailing "${mailingId}" was already confirmed (${existing.state}); start a new one.`);
  }
  await requireConference(deps, conferenceId);
  await submit(deps, mailingEvent(conferenceId, mailingId, input, true, identity));
  const mailing = await requireMailing(deps, mailingId);
  return { mailingId, preview: mailing.preview ?? { total: 0, perLanguage: {}, subjects: {} } };
}

/** Turns a dry run into the real mailing. Above the threshold the typed count must match. */
export async function confirm(
  deps: ApiDeps,
  mailing: MailingRow,
  body: Record<string, unknown>,
  identity: Identity,
) {
  if (mailing.state !== 'dry-run') {
    throw conflict(`Mailing "${mailing.mailingId}" is ${mailing.state}; only a dry run can be confirmed.`);
  }
  const total = mailing.preview?.total ?? 0;
  if (total === 0)
    throw conflict('Nobody is in this audience (suppressed addresses are left out); change the audience.');
  const threshold = deps.typeCountAbove ?? 50;
  if (total > threshold && Number(body.typedCount) !== total) {
    throw badRequest(`This mailing goes to ${total} people: type ${total} to confirm.`, {
      problems: [{ field: 'typedCount', message: `type ${total} to confirm` }],
      total,
    });
  }
  const sendAt = typeof body.sendAt === 'string' && body.sendAt ? body.sendAt : mailing.sendAt;
  await submit(
    deps,
    mailingEvent(
      mailing.conferenceId,
      mailing.mailingId,
      { kind: mailing.kind, audience: mailing.audience, content: mailing.content, sendAt },
      false,
      identity,
    ),
  );
  return mailingView(deps, mailing.mailingId);
}

export async function cancel(deps: ApiDeps, mailing: MailingRow, identity: Identity) {
  if (mailing.state === 'cancelled') throw conflict(`Mailing "${mailing.mailingId}" is already cancelled.`);
  if (mailing.state === 'complete')
    throw conflict(`Mailing "${mailing.mailingId}" is complete: nothing is left to cancel.`);
  await submit(
    deps,
    cloudEvent(
      'mailing.cancelled',
      { conferenceId: mailing.conferenceId, mailingId: mailing.mailingId, requestedBy: identity.user },
      { source: CONSOLE_SOURCE },
    ),
  );
  return mailingView(deps, mailing.mailingId);
}

/** Resends failed and/or uncertain deliveries; `expectedCount` must match what the page showed. */
export async function resend(
  deps: ApiDeps,
  mailing: MailingRow,
  body: Record<string, unknown>,
  identity: Identity,
) {
  const states = Array.isArray(body.states) ? body.states : [];
  if (states.length === 0 || states.some((s) => s !== 'failed' && s !== 'uncertain')) {
    throw badRequest('states must list "failed", "uncertain" or both.');
  }
  const progress = await mailingProgress(deps.pipeline, mailing.mailingId);
  const count = (states as ('failed' | 'uncertain')[]).reduce((n, s) => n + (progress?.counts[s] ?? 0), 0);
  if (count === 0) throw conflict(`Nothing to resend: no ${states.join(' or ')} delivery.`);
  if (Number(body.expectedCount) !== count) {
    throw conflict(
      `The count changed: ${count} ${states.join(' and ')} deliveries now. Confirm again with that number.`,
      {
        count,
      },
    );
  }
  await resendDeliveries(
    deps.pipeline,
    mailing.mailingId,
    states as ('failed' | 'uncertain')[],
    identity.user,
  );
  return { resent: count, states };
}

/**
 * An organizer's state change, as the CLI makes it: refused (409) with `refusal` unless the
 * mailing is in one of `from`, or when it moved meanwhile and `change` found it elsewhere.
 */
async function organizerChange(
  deps: ApiDeps,
  mailing: MailingRow,
  from: readonly MailingRow['state'][],
  refusal: string,
  change: () => Promise<unknown>,
  done: string,
) {
  if (!from.includes(mailing.state))
    throw conflict(`Mailing "${mailing.mailingId}" is ${mailing.state}${refusal}`);
  if (!(await change()))
    throw conflict(`Mailing "${mailing.mailingId}" changed state meanwhile; nothing was ${done}.`);
  return mailingView(deps, mailing.mailingId);
}

/** Resumes a paused mailing (by the pipeline or an organizer), as `mailing resume` does. */
export function resume(deps: ApiDeps, mailing: MailingRow, identity: Identity) {
  return organizerChange(
    deps,
    mailing,
    ['paused'],
    ', not paused: there is nothing to resume.',
    () => resumeMailing(deps.pipeline, mailing.mailingId, identity.user),
    'resumed',
  );
}

/** Pauses a mailing being planned or sent, as `mailing pause` does; resume or cancel it later. */
export function pause(deps: ApiDeps, mailing: MailingRow, identity: Identity) {
  return organizerChange(
    deps,
    mailing,
    PAUSABLE_STATES,
    ': only a mailing being planned or sent can be paused.',
    () => pauseMailing(deps.pipeline, mailing.mailingId, identity.user),
    'paused',
  );
}

/** Sends the real composition of a mailing to the signed-in person only. */
export async function testSend(
  deps: ApiDeps,
  mailing: MailingRow,
  body: Record<string, unknown>,
  identity: Identity,
) {
  const to = identity.email;
  if (!to || !isValidEmail(to)) {
    throw badRequest(
      'Your account has no e-mail address to send a test to; ask an administrator to add one.',
    );
  }
  const language = typeof body.language === 'string' && body.language ? body.language : undefined;
  const mail = await composeTestSend(deps.pipeline, deps.compose, {
    mailingId: mailing.mailingId,
    to,
    ...(language ? { language } : {}),
  });
  const sent = await deps.ses.send(
    new SendRawEmailCommand({ RawMessage: { Data: mail.raw }, Source: mail.from, Destinations: [to] }),
  );
  return { to, subject: mail.subject, sesMessageId: sent.MessageId };
}

/** A mailing with its progress, as the mailing page shows it. */
export async function mailingView(deps: ApiDeps, mailingId: string) {
  const mailing = await requireMailing(deps, mailingId);
  const progress = await mailingProgress(deps.pipeline, mailingId);
  if (!progress) throw notFound(`No mailing "${mailingId}".`);
  return {
    ...progress,
    audience: mailing.audience,
    ...(mailing.content ? { content: mailing.content } : {}),
    now: deps.pipeline.now().toISOString(),
  };
}

export type MailingView = Awaited<ReturnType<typeof mailingView>>;

/** How many pages of a partition one filtered listing reads at most (`sent`, `delivered`). */
const FILTERED_READS = 10;

/**
 * One page of a mailing's deliveries, optionally in one state and/or whose address starts with
 * `q` (a key condition on the contact key, the lower-cased address: no scan). A state gsi2 lists
 * is read from it; `sent` and `delivered` from the mailing's partition, filtered on the state.
 */
export async function deliveriesPage(
  deps: ApiDeps,
  mailingId: string,
  query: Record<string, string | undefined>,
): Promise<Page<ReturnType<typeof deliveryListing>>> {
  const state = query.state || undefined;
  if (state && !(DELIVERY_STATES as readonly string[]).includes(state)) {
    throw badRequest(`state must be one of ${DELIVERY_STATES.join(', ')}.`);
  }
  const q = (query.q ?? '').trim().toLowerCase();
  const limit = limitOf(query);
  const indexed = state !== undefined && isIndexedState(state as DeliveryState);
  const start = deliveriesCursor(
    query.cursor,
    mailingId,
    q,
    indexed ? deliveryStateIndex(mailingId, state as DeliveryState) : undefined,
  );
  const db = deps.pipeline.db;
  const table = deps.pipeline.table;
  if (state && !indexed) {
    // `sent` and `delivered` are not on gsi2: the partition, filtered. DynamoDB applies `Limit`
    // before the filter, so this reads on until the page is full, the partition ends, or it has
    // read FILTERED_READS pages (then the page is short, and its cursor goes on from there).
    const rows: DeliveryRow[] = [];
    let from: Record<string, unknown> | undefined = start;
    let after: Record<string, unknown> | undefined;
    for (let reads = 0; reads < FILTERED_READS; reads++) {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          ...inPartitionInState(mailingId, state as DeliveryState, q),
          Limit: Math.max(limit, 100),
          ExclusiveStartKey: from,
        }),
      );
      const found = (page.Items ?? []) as DeliveryRow[];
      const room = limit - rows.length;
      rows.push(...found.slice(0, room));
      if (found.length > room) {
        after = keys.delivery(mailingId, (rows.at(-1) as DeliveryRow).contactKey);
        break;
      }
      after = page.LastEvaluatedKey;
      if (after === undefined || rows.length === limit) break;
      from = after;
    }
    const items = rows.map(deliveryListing);
    const next = encodeCursor(after);
    return next ? { items, next } : { items };
  }
  if (state) {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        ...deliveriesInStateQuery(mailingId, state as IndexedDeliveryState, q),
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    const rows = await Promise.all(
      (page.Items ?? []).map((i) => getDelivery(deps.pipeline, mailingId, String(i.contactKey))),
    );
    const items = rows
      .filter((r): r is DeliveryRow => r?.state === (state as DeliveryState))
      .map(deliveryListing);
    const next = encodeCursor(page.LastEvaluatedKey);
    return next ? { items, next } : { items };
  }
  const page = await db.send(
    new QueryCommand({
      TableName: table,
      ...inPartition(partitions.mailing(mailingId), `${prefixes.delivery}${q}`),
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const items = ((page.Items ?? []) as DeliveryRow[]).map(deliveryListing);
  const next = encodeCursor(page.LastEvaluatedKey);
  return next ? { items, next } : { items };
}

/**
 * A deliveries cursor is the last key DynamoDB read: the mailing's partition (`pk`, `sk`), plus
 * the state index's (`gsi2pk`, `gsi2sk`) when the page came from it, inside the address search.
 * One from another listing (another mailing, another state, another search, an edited one) is
 * refused with a 400 here rather than sent to DynamoDB to fail as a 500.
 */
function deliveriesCursor(
  raw: string | undefined,
  mailingId: string,
  addressPrefix: string,
  indexPartition: string | undefined,
): Record<string, string> | undefined {
  const start = decodeCursor<unknown>(raw);
  if (start === undefined) return undefined;
  const names = indexPartition ? 'gsi2pk,gsi2sk,pk,sk' : 'pk,sk';
  const key = start as Record<string, unknown>;
  const fits =
    typeof start === 'object' &&
    start !== null &&
    !Array.isArray(start) &&
    Object.keys(key).sort().join() === names &&
    Object.values(key).every((v) => typeof v === 'string') &&
    key.pk === partitions.mailing(mailingId) &&
    String(key.sk).startsWith(`${prefixes.delivery}${addressPrefix}`) &&
    (indexPartition === undefined ||
      (key.gsi2pk === indexPartition && String(key.gsi2sk).startsWith(addressPrefix)));
  if (!fits) throw badRequest('cursor is not one this listing handed out; start again from the first page.');
  return key as Record<string, string>;
}

export type DeliveryItem = ReturnType<typeof deliveryListing>;
export type DeliveryDetail = Awaited<ReturnType<typeof deliveryDetail>>;

/** One delivery: its row and every state it passed through, in time order. */
export async function deliveryDetail(deps: ApiDeps, mailing: MailingRow, contactKey: string) {
  const d = await getDelivery(deps.pipeline, mailing.mailingId, contactKey);
  if (!d) throw notFound(`No delivery to ${contactKey} in "${mailing.mailingId}".`);
  return {
    ...deliveryListing(d),
    recipient: d.recipient,
    sesMessageId: d.sesMessageId,
    createdAt: d.createdAt,
    history: deliveryHistory(d),
  };
}
