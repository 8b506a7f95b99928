import { mergeAgenda, type StoredAgenda } from '../domain/agenda.js';
import { eventInstant, notLaterThan } from '../domain/event-time.js';
import { contactKeyOf } from '../events/email.js';
import type { IntakeEvent, IntakeEventOf } from '../events/schemas.js';
import { applyInviteeRemoved, applyInviteeUpserted, settleInvitation } from '../invitations/apply.js';
import { TransientError, UnprocessableEventError } from '../lib/errors.js';

export { UnprocessableEventError };

import { recipientOf } from '../mailing/audience.js';
import { derivedMailingId, reservedFamilyOf } from '../mailing/derived-ids.js';
import { applyEarlyCancel, recordEarlyCancel } from '../mailing/early-cancel.js';
import { cancelPage, continueLater, firstPhase, type PipelineDeps } from '../mailing/plan.js';
import { ensurePreparedText, prepareText } from '../mailing/prepared-text.js';
import { previewMailing } from '../mailing/preview.js';
import { sendOne } from '../mailing/single.js';
import type { MailingRow, MailKind, PressRow, RegistrationRow } from '../store/model.js';
import {
  createMailing,
  deleteRegistration,
  getAgenda,
  getConference,
  getMailing,
  getPressById,
  getRegistration,
  getRegistrationById,
  listMailings,
  putAgenda,
  putConference,
  putPress,
  putRegistration,
  scheduledAt,
  setMailingState,
  transitionDelivery,
} from '../store/store.js';
import { DELIVERY_MOVES, MAILING_MOVES } from '../store/transitions.js';

async function requireConference(deps: PipelineDeps, conferenceId: string) {
  const conference = await getConference(deps, conferenceId);
  if (!conference) {
    throw new UnprocessableEventError(
      `data.conferenceId: conference "${conferenceId}" is unknown; send its conference.upserted event first`,
      'unknown_conference',
    );
  }
  return conference;
}

/**
 * Applies one validated event: updates the projections and starts the mail
 * that follows from it. Every step is idempotent, so a redelivered event (or
 * one retried after a passing fault midway) has the effect of one.
 */
export async function applyEvent(deps: PipelineDeps, event: IntakeEvent): Promise<void> {
  switch (event.type) {
    case 'conference.upserted':
      return applyConference(deps, event);
    case 'registration.created':
    case 'registration.updated':
      return applyRegistration(deps, event);
    case 'registration.cancelled':
      return applyCancellation(deps, event);
    case 'agenda.changed':
      return applyAgenda(deps, event);
    case 'press-contact.upserted':
      return applyPress(deps, event);
    case 'press-contact.removed':
      return applyPressRemoved(deps, event);
    case 'mailing.requested':
      return applyMailingRequested(deps, event);
    case 'mailing.cancelled':
      return applyMailingCancelled(deps, event);
    case 'invitee.upserted':
      await requireConference(deps, event.data.conferenceId);
      return applyInviteeUpserted(deps, event);
    case 'invitee.removed':
      await requireConference(deps, event.data.conferenceId);
      return applyInviteeRemoved(deps, event);
  }
}

async function applyConference(
  deps: PipelineDeps,
  event: IntakeEventOf<'conference.upserted'>,
): Promise<void> {
  const d = event.data;
  await putConference(deps, {
    conferenceId: d.conferenceId,
    name: d.name,
    ...(d.shortName === undefined ? {} : { shortName: d.shortName }),
    city: d.city,
    venue: d.venue,
    timeZone: d.timeZone,
    start: d.start,
    end: d.end,
    organizers: d.organizers,
    website: d.website,
    languages: d.languages,
    sender: d.sender,
    pressContacts: d.pressContacts,
    eventTime: eventInstant(event.time),
  });
}

/** One transactional mail to one registered person (functions/mailing/single.ts). */
function sendSingle(
  deps: PipelineDeps,
  kind: MailKind,
  mailingId: string,
  conferenceId: string,
  registration: RegistrationRow,
  requestedBy: string,
): Promise<void> {
  return sendOne(deps, { kind, mailingId, conferenceId, recipient: recipientOf(registration), requestedBy });
}

async function applyRegistration(
  deps: PipelineDeps,
  event: IntakeEventOf<'registration.created'> | IntakeEventOf<'registration.updated'>,
): Promise<void> {
  const d = event.data;
  await requireConference(deps, d.conferenceId);
  const contactKey = contactKeyOf(d.person.email);
  const byId = await getRegistrationById(deps, d.conferenceId, d.registrationId);
  if (byId && byId.contactKey !== contactKey && notLaterThan(byId.eventTime, event.time)) {
    // The person's address changed: the old row goes, the new one takes its place.
    await deleteRegistration(deps, byId);
  }
  const previous =
    byId?.contactKey === contactKey ? byId : await getRegistration(deps, d.conferenceId, contactKey);
  const row: RegistrationRow = {
    conferenceId: d.conferenceId,
    registrationId: d.registrationId,
    contactKey,
    email: d.person.email,
    givenName: d.person.givenName,
    familyName: d.person.familyName,
    role: d.role,
    sessions: d.sessions,
    contactId: d.registrationId,
    status:
      previous?.status === 'cancelled' && event.type === 'registration.updated' ? 'cancelled' : 'active',
    eventTime: eventInstant(event.time),
  };
  for (const k of ['honorific', 'organization', 'country', 'language', 'timeZone'] as const) {
    const v = d.person[k];
    if (v !== undefined) row[k] = v;
  }
  if (d.person.gender !== undefined) row.gender = d.person.gender;
  if (d.person.title !== undefined) row.title = d.person.title;
  const accepted = await putRegistration(deps, row, previous);
  if (event.type === 'registration.created') {
    await settleInvitation(deps, d.conferenceId, d.person.email, d.registrationId, event.time);
    // Mail follows what the store holds: a creation that lost to a newer event is
    // confirmed only if that event left the registration active.
    const current = accepted ? row : await getRegistrationById(deps, d.conferenceId, d.registrationId);
    if (current?.status !== 'active') return;
    await sendSingle(
      deps,
      'confirmation',
      derivedMailingId('confirmation', d.conferenceId, d.registrationId),
      d.conferenceId,
      current,
      event.source,
    );
  }
}

async function applyCancellation(
  deps: PipelineDeps,
  event: IntakeEventOf<'registration.cancelled'>,
): Promise<void> {
  const d = event.data;
  await requireConference(deps, d.conferenceId);
  const existing = await getRegistrationById(deps, d.conferenceId, d.registrationId);
  if (!existing) {
    throw new UnprocessableEventError(
      `data.registrationId: registration "${d.registrationId}" is unknown for conference "${d.conferenceId}"`,
      'unknown_registration',
    );
  }
  const cancelled: RegistrationRow = {
    ...existing,
    status: 'cancelled',
    eventTime: eventInstant(event.time),
  };
  // A cancellation older than the registration's latest event loses, and mails nothing:
  // the person stays registered, so no cancellation and no calendar CANCEL.
  if (!(await putRegistration(deps, cancelled, existing))) return;
  await sendSingle(
    deps,
    'cancellation',
    derivedMailingId('cancellation', d.conferenceId, d.registrationId),
    d.conferenceId,
    existing,
    event.source,
  );
  // Reminders already planned for this person are dropped.
  const mailings = await listMailings(deps, d.conferenceId);
  await Promise.all(
    mailings
      .filter((m) => m.kind === 'reminder' && m.state !== 'cancelled')
      .map((m) =>
        transitionDelivery(deps, m.mailingId, existing.contactKey, DELIVERY_MOVES.cancelQueued, {
          set: { reason: 'registration cancelled' },
        }),
      ),
  );
}

async function applyAgenda(deps: PipelineDeps, event: IntakeEventOf<'agenda.changed'>): Promise<void> {
  const d = event.data;
  await requireConference(deps, d.conferenceId);
  const stored = await getAgenda(deps, d.conferenceId);
  const current: StoredAgenda = stored
    ? { version: stored.version, sessions: stored.sessions }
    : { version: 0, sessions: [] };
  const merge = mergeAgenda(current, d.sessions, d.version);
  const revision = stored?.revision;
  const mailingId = derivedMailingId('agenda-change', d.conferenceId, `v${d.version}`);
  // The notice is created before the agenda moves: if we crash in between, the
  // redelivered event finds the agenda unchanged, recomputes the same changes and
  // the same mailing id, and carries on.
  if (merge.changes.length > 0 && stored) {
    await createMailing(deps, {
      mailingId,
      conferenceId: d.conferenceId,
      kind: 'agenda-change',
      audience: {},
      state: 'planning',
      requestedBy: event.source,
      plan: { phase: 'registrations', pages: 0 },
      agendaVersion: d.version,
      changes: merge.changes,
    } as Parameters<typeof createMailing>[1]);
  }
  const written = await putAgenda(
    deps,
    {
      conferenceId: d.conferenceId,
      version: merge.agenda.version,
      sessions: [...merge.agenda.sessions],
      lastEventId: event.id,
    },
    revision,
  );
  if (!written) throw new TransientError('the agenda changed while this event was applied; retrying');
  const notice = await getMailing(deps, mailingId);
  if (notice && (notice.kind !== 'agenda-change' || notice.conferenceId !== d.conferenceId)) {
    throw new UnprocessableEventError(
      `mailing id "${mailingId}" is already taken by a ${notice.kind} mailing of conference "${notice.conferenceId}"; the agenda notice cannot use it`,
      'mailing_id_taken',
    );
  }
  if (notice?.state === 'planning' && notice.plan.pages === 0)
    await continueLater(deps, { mailingId, op: 'plan' });
}

async function applyPress(deps: PipelineDeps, event: IntakeEventOf<'press-contact.upserted'>): Promise<void> {
  const d = event.data;
  await requireConference(deps, d.conferenceId);
  const [givenName, ...rest] = d.name.split(' ');
  const row: PressRow = {
    conferenceId: d.conferenceId,
    contactId: d.contactId,
    contactKey: contactKeyOf(d.email),
    email: d.email,
    givenName: givenName ?? d.name,
    familyName: rest.join(' '),
    role: 'press',
    sessions: [],
    status: 'active',
    eventTime: eventInstant(event.time),
  };
  if (d.outlet) row.outlet = d.outlet;
  if (d.language) row.language = d.language;
  if (d.country) row.country = d.country;
  (row as PressRow & { name: string }).name = d.name;
  await putPress(deps, row);
}

async function applyPressRemoved(
  deps: PipelineDeps,
  event: IntakeEventOf<'press-contact.removed'>,
): Promise<void> {
  const d = event.data;
  await requireConference(deps, d.conferenceId);
  const existing = await getPressById(deps, d.conferenceId, d.contactId);
  if (!existing) return; // removing what is not there has the effect of removing it
  await putPress(deps, { ...existing, status: 'removed', eventTime: eventInstant(event.time) });
}

/**
 * Creates the mailing row; when another intake created it first (the same id requested twice at
 * once, perhaps with other content), the prepared text is made to match the row that won.
 */
async function createOrMatch(deps: PipelineDeps, row: Parameters<typeof createMailing>[1]): Promise<void> {
  if (await createMailing(deps, row)) return;
  const stored = await getMailing(deps, row.mailingId);
  if (stored) await ensurePreparedText(deps, stored, { anyState: true });
}

async function applyMailingRequested(
  deps: PipelineDeps,
  event: IntakeEventOf<'mailing.requested'>,
): Promise<void> {
  const d = event.data;
  const reserved = reservedFamilyOf(d.mailingId);
  if (reserved) {
    throw new UnprocessableEventError(
      `data.mailingId: "${d.mailingId}" starts with "${reserved.prefix}", which is reserved for the ${reserved.kind} mailings the pipeline derives from ${reserved.from}; choose another id`,
      'reserved_mailing_id',
    );
  }
  const conference = await requireConference(deps, d.conferenceId);
  const existing = await getMailing(deps, d.mailingId);
  if (existing && existing.conferenceId !== d.conferenceId) {
    throw new UnprocessableEventError(
      `data.mailingId: "${d.mailingId}" is already used by another conference`,
      'duplicate_mailing',
    );
  }
  if (existing && existing.kind !== d.kind) {
    throw new UnprocessableEventError(
      `data.mailingId: "${d.mailingId}" is already used by a ${existing.kind} mailing; a ${d.kind} needs its own id`,
      'duplicate_mailing',
    );
  }
  const future = d.sendAt !== undefined && Date.parse(d.sendAt) > deps.now().getTime();
  const base = {
    mailingId: d.mailingId,
    conferenceId: d.conferenceId,
    kind: d.kind,
    audience: d.audience,
    requestedBy: d.requestedBy,
    plan: { phase: firstPhase({ kind: d.kind, audience: d.audience }), pages: 0 },
  } satisfies Partial<MailingRow>;
  const row = {
    ...base,
    ...(d.content ? { content: d.content } : {}),
    ...(d.sendAt ? { sendAt: d.sendAt } : {}),
    state: d.dryRun ? 'dry-run' : future ? 'scheduled' : 'planning',
  } as Parameters<typeof createMailing>[1];
  // The text is prepared only with a new row, from the content the row will hold (a repeat's
  // content does not replace the stored one); a crash between the two writes prepares it again.
  if (!existing && d.content) await prepareText(deps, d.mailingId, d.content);
  if (d.dryRun) {
    // A dry run may be repeated with the same id: each one refreshes the preview.
    const preview = await previewMailing(deps, conference, row);
    if (!existing) await createOrMatch(deps, { ...row, preview });
    else if (existing.state === 'dry-run')
      await setMailingState(deps, d.mailingId, MAILING_MOVES.refreshPreview, { preview });
    return;
  }
  if (existing?.state === 'dry-run') {
    // Confirming a previewed mailing: same id, now for real.
    await setMailingState(
      deps,
      d.mailingId,
      future ? MAILING_MOVES.confirmScheduled : MAILING_MOVES.confirmNow,
      {
        ...(future && d.sendAt ? scheduledAt(d.mailingId, d.sendAt) : {}),
        requestedBy: d.requestedBy,
      },
    );
  } else if (!existing) {
    await createOrMatch(deps, row);
  }
  // A cancellation that came first cancels it before anything is planned.
  await applyEarlyCancel(deps, d.mailingId, d.conferenceId);
  const now = await getMailing(deps, d.mailingId);
  if (now?.state === 'planning' && now.plan.pages === 0) {
    if (now.plan.phase === 'done') await setMailingState(deps, d.mailingId, MAILING_MOVES.finishPlanning);
    else await continueLater(deps, { mailingId: d.mailingId, op: 'plan' });
  }
}

async function applyMailingCancelled(
  deps: PipelineDeps,
  event: IntakeEventOf<'mailing.cancelled'>,
): Promise<void> {
  const d = event.data;
  let mailing = await getMailing(deps, d.mailingId);
  if (!mailing) {
    // The request may still come (queues do not keep order): leave a marker it will find, then
    // look again in case it came meanwhile (mailing/early-cancel.ts).
    await requireConference(deps, d.conferenceId);
    await recordEarlyCancel(deps, d.mailingId, {
      conferenceId: d.conferenceId,
      cancelledBy: d.requestedBy,
      cancelledAt: deps.now().toISOString(),
    });
    mailing = await getMailing(deps, d.mailingId);
    if (!mailing) return;
  }
  if (mailing.conferenceId !== d.conferenceId) {
    throw new UnprocessableEventError(
      `data.mailingId: mailing "${d.mailingId}" belongs to another conference, not "${d.conferenceId}"`,
      'unknown_mailing',
    );
  }
  await setMailingState(deps, d.mailingId, MAILING_MOVES.cancel, {
    cancelledBy: d.requestedBy,
    cancelledAt: deps.now().toISOString(),
  });
  await cancelPage(deps, d.mailingId);
}
