/**
 * Recording an RSVP answer and what follows from it. The answer row is the record: it is written
 * first, under an optimistic lock, and everything after it is derived from the stored revision —
 * the confirmation to the invitee (`rsvp-<cid>-<invitee>-r<n>`), the note to a representative
 * (`representative-<cid>-<invitee>-r<n>`) and the outbound event (id `rsvp-<cid>-<invitee>-r<n>`).
 * So a repeated POST of the same answer records nothing new and only completes what a crash may
 * have left undone: the mail ids exist already (nothing is sent twice), and the event is published
 * again only while its publication is not recorded (consumers deduplicate on the event id).
 */
import { contactKeyOf } from '../events/email.js';
import {
  OUTBOUND_SOURCE,
  OUTBOUND_TYPE_OF,
  type OutboundEvent,
  outboundEventSchemas,
  type RsvpAnswer,
} from '../events/outbound.js';
import type { Person } from '../events/schemas.js';
import { inviteeRecipient } from '../invitations/audience.js';
import { registrationLink } from '../invitations/links.js';
import { TransientError } from '../lib/errors.js';
import { derivedMailingId } from '../mailing/derived-ids.js';
import type { PipelineDeps } from '../mailing/plan.js';
import { sendOne } from '../mailing/single.js';
import { getInvitee, markPublished, recordAnswer } from '../store/invitees.js';
import type { ConferenceRow, InviteeRow, Recipient, RsvpHistoryEntry, RsvpState } from '../store/model.js';

export const STATE_OF: Readonly<Record<RsvpAnswer, RsvpState>> = {
  accept: 'accepted',
  decline: 'declined',
  delegate: 'delegated',
};

export type RepresentativeInput = NonNullable<RsvpHistoryEntry['representative']>;

export interface AnswerDeps
  extends Pick<PipelineDeps, 'db' | 'table' | 'now' | 'retentionDays' | 'sqs' | 'sendQueueUrl'> {
  /** Publishes one outbound CloudEvent (SNS in AWS and locally). */
  publish: (event: OutboundEvent) => Promise<void>;
}

const sameRepresentative = (a: RepresentativeInput | undefined, b: RepresentativeInput | undefined) =>
  (a === undefined && b === undefined) ||
  (a !== undefined &&
    b !== undefined &&
    contactKeyOf(a.email) === contactKeyOf(b.email) &&
    a.name === b.name &&
    (a.honorific ?? '') === (b.honorific ?? '') &&
    (a.language ?? '') === (b.language ?? ''));

/**
 * Records `answer` for an invitee (a second, different answer replaces the first and joins the
 * history; the same answer again changes nothing) and completes its follow-ups. Returns the
 * invitee as stored afterwards.
 */
export async function answerInvitation(
  deps: AnswerDeps,
  conference: ConferenceRow,
  invitee: InviteeRow,
  answer: { answer: RsvpAnswer; representative?: RepresentativeInput },
  source: string,
): Promise<InviteeRow> {
  const state = STATE_OF[answer.answer];
  const representative = answer.answer === 'delegate' ? answer.representative : undefined;
  let row = invitee;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (row.rsvp === 'registered') return row; // settled by a registration: nothing to record
    if (row.rsvp === state && sameRepresentative(row.representative, representative)) break;
    const entry: RsvpHistoryEntry = {
      state,
      at: deps.now().toISOString(),
      source,
      ...(representative ? { representative } : {}),
    };
    const written = await recordAnswer(deps, row, entry);
    const reread = await getInvitee(deps, row.conferenceId, row.inviteeId);
    if (!reread) throw new TransientError('the invitee disappeared while its answer was recorded');
    row = reread;
    if (written) break;
  }
  await completeFollowUps(deps, conference, row);
  return row;
}

/** The person fields of an invitee, as the outbound contract carries them. */
function personOf(row: InviteeRow): Person {
  const person: Person = { email: row.email, givenName: row.givenName, familyName: row.familyName };
  for (const k of ['honorific', 'organization', 'country', 'language', 'timeZone'] as const) {
    if (row[k] !== undefined) person[k] = row[k];
  }
  return person;
}

/** The outbound event of an invitee's current answer. */
export function outboundEventOf(row: InviteeRow): OutboundEvent | undefined {
  const answer = (Object.keys(STATE_OF) as RsvpAnswer[]).find((a) => STATE_OF[a] === row.rsvp);
  if (!answer || row.revision === 0) return undefined;
  const id = `rsvp-${row.conferenceId}-${row.inviteeId}-r${row.revision}`;
  const answeredAt = row.rsvpAt ?? new Date().toISOString();
  const rep = row.representative;
  const event = {
    specversion: '1.0' as const,
    id,
    source: OUTBOUND_SOURCE,
    type: OUTBOUND_TYPE_OF[answer],
    time: answeredAt,
    datacontenttype: 'application/json' as const,
    data: {
      conferenceId: row.conferenceId,
      inviteeId: row.inviteeId,
      person: personOf(row),
      ...(rep
        ? {
            representative: {
              name: rep.name,
              email: rep.email,
              ...(rep.honorific ? { honorific: rep.honorific } : {}),
            },
          }
        : {}),
      answeredAt,
      reference: row.inviteeId,
    },
  };
  // The published schema is checked on every event, so what goes out is what the contract says.
  return outboundEventSchemas[event.type].parse(event) as OutboundEvent;
}

/** The representative as a recipient: their name as typed, their language, the invitee's id. */
function representativeRecipient(row: InviteeRow, rep: RepresentativeInput): Recipient {
  const [givenName, ...rest] = rep.name.split(' ');
  return {
    contactKey: contactKeyOf(rep.email),
    email: rep.email,
    givenName: givenName ?? rep.name,
    familyName: rest.join(' '),
    ...(rep.honorific ? { honorific: rep.honorific } : {}),
    ...(rep.language ? { language: rep.language } : {}),
    role: 'delegate',
    sessions: [],
    contactId: row.inviteeId,
  };
}

async function completeFollowUps(
  deps: AnswerDeps,
  conference: ConferenceRow,
  row: InviteeRow,
): Promise<void> {
  const event = outboundEventOf(row);
  if (!event) return;
  const parts = [row.conferenceId, row.inviteeId, `r${row.revision}`];
  const rep = row.rsvp === 'delegated' ? row.representative : undefined;
  const mails: Promise<void>[] = [
    sendOne(deps, {
      kind: 'rsvp-confirmation',
      mailingId: derivedMailingId('rsvp-confirmation', ...parts),
      conferenceId: row.conferenceId,
      recipient: inviteeRecipient(row),
      requestedBy: OUTBOUND_SOURCE,
      payload: {
        answer:
          event.type === 'invitation.accepted'
            ? 'accept'
            : event.type === 'invitation.declined'
              ? 'decline'
              : 'delegate',
        ...(rep ? { representative: { name: rep.name, email: rep.email } } : {}),
        ...(row.rsvp === 'accepted'
          ? { registrationUrl: registrationLink(conference.website, { inviteeId: row.inviteeId }) }
          : {}),
      },
    }),
  ];
  if (rep) {
    const registrationUrl = registrationLink(conference.website, {
      inviteeId: row.inviteeId,
      representative: true,
    });
    mails.push(
      sendOne(deps, {
        kind: 'representative-note',
        mailingId: derivedMailingId('representative-note', ...parts),
        conferenceId: row.conferenceId,
        recipient: representativeRecipient(row, rep),
        requestedBy: OUTBOUND_SOURCE,
        payload: {
          inviteeName: [row.honorific, row.givenName, row.familyName].filter(Boolean).join(' '),
          ...(registrationUrl ? { registrationUrl } : {}),
        },
      }),
    );
  }
  await Promise.all(mails);
  if ((row.publishedRevision ?? 0) < row.revision) {
    await deps.publish(event);
    await markPublished(deps, row, row.revision);
  }
}
