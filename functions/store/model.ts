/**
 * The single-table model. One table, keys `pk`/`sk`, three indexes:
 *
 * | item | pk | sk | gsi1 (lists) | gsi2 (by state) |
 * |---|---|---|---|---|
 * | conference | `CONF#<cid>` | `META` | `CONFERENCES` / `<cid>` | |
 * | agenda (all sessions, version) | `CONF#<cid>` | `AGENDA` | | |
 * | registration (one per person) | `CONF#<cid>` | `REG#<contactKey>` | | |
 * | registration id → person | `CONF#<cid>` | `REGID#<registrationId>` | | |
 * | press contact | `CONF#<cid>` | `PRESS#<contactKey>` | | |
 * | press contact id → person | `CONF#<cid>` | `PRESSID#<contactId>` | | |
 * | session membership | `CONF#<cid>#SESSION#<sid>` | `REG#<contactKey>` | | |
 * | organizer text of a mailing, rendered (render/prepared.ts) | `MAILING#<mid>` | `PREPARED` | | |
 * | mailing | `MAILING#<mid>` | `META` | `CONF#<cid>#MAILINGS` / `<createdAt>` | `SCHEDULED` / `<sendAt>` while scheduled; `OPEN` / `<mid>` while not final (see {@link mailingStateIndex}) |
 * | delivery | `MAILING#<mid>` | `DELIVERY#<contactKey>` | | `MAILING#<mid>#<state>` / `<contactKey>`, except `sent` and `delivered` (see {@link isIndexedState}) |
 * | suppression | `SUPPRESSION#<contactKey>` | `GLOBAL` or `CONF#<cid>` | `SUPPRESSIONS` / `<createdAt>` | |
 * | lifted suppression | `SUPPRESSION#<contactKey>` | `LIFTED#<liftedAt>#<scope>` | `SUPPRESSION-LIFTS` / `<liftedAt>` | |
 * | processed-event marker (a claim while `in-progress`, see event-claims.ts) | `EVENT#<id>` | `EVENT` | | |
 * | rejection | `REJECTION#<uuid>` | `META` | `REJECTIONS` / `<receivedAt>` | |
 * | unknown SES message | `SESUNKNOWN#<messageId>` | `<eventType>` | `SESUNKNOWN` / `<time>` | |
 * | local clock | `CLOCK` | `LOCAL` | | |
 * | the fleet's send schedule | `PACE` | `SES` | | |
 * | invitee (with RSVP state and answer history) | `CONF#<cid>` | `INV#<inviteeId>` | | |
 * | address → invitee (own, or a representative's) | `CONF#<cid>` | `INVADDR#<contactKey>` | | |
 *
 * Every list an organizer or a handler reads is a Query on a key or an index;
 * nothing on a hot path scans.
 */

import type {
  Audience,
  Gender,
  LocalizedText,
  MailingContent,
  PersonTitle,
  Role,
  Session,
} from '../events/schemas.js';
import type { MailKind } from '../kinds/index.js';

/**
 * The partitions a Query reads and the sort-key prefix of each kind of item in them. With
 * {@link keys} (one item) and {@link lists} (gsi1), the only places a key string is built.
 */
export const partitions = {
  conference: (cid: string) => `CONF#${cid}`,
  session: (cid: string, sid: string) => `CONF#${cid}#SESSION#${sid}`,
  mailing: (mid: string) => `MAILING#${mid}`,
  suppressions: (contactKey: string) => `SUPPRESSION#${contactKey}`,
};

export const prefixes = {
  registration: 'REG#',
  press: 'PRESS#',
  invitee: 'INV#',
  delivery: 'DELIVERY#',
  liftedSuppression: 'LIFTED#',
} as const;

/** The scope (sort key) of a suppression for every conference's mail. */
export const GLOBAL_SCOPE = 'GLOBAL';
/** The scope (sort key) of a suppression for one conference's bulk mail. */
export const conferenceScope = (cid: string) => `CONF#${cid}`;

/** An item key: a partition and a sort key. */
const key = (pk: string, sk: string) => ({ pk, sk });

export const keys = {
  conference: (cid: string) => key(partitions.conference(cid), 'META'),
  agenda: (cid: string) => key(partitions.conference(cid), 'AGENDA'),
  registration: (cid: string, ck: string) => key(partitions.conference(cid), `${prefixes.registration}${ck}`),
  registrationId: (cid: string, registrationId: string) =>
    key(partitions.conference(cid), `REGID#${registrationId}`),
  press: (cid: string, ck: string) => key(partitions.conference(cid), `${prefixes.press}${ck}`),
  pressId: (cid: string, contactId: string) => key(partitions.conference(cid), `PRESSID#${contactId}`),
  membership: (cid: string, sid: string, ck: string) =>
    key(partitions.session(cid, sid), `${prefixes.registration}${ck}`),
  mailing: (mid: string) => key(partitions.mailing(mid), 'META'),
  /** The organizer text of a mailing, rendered at intake (render/prepared.ts); on no index. */
  preparedText: (mid: string) => key(partitions.mailing(mid), 'PREPARED'),
  /** A cancellation that arrived before its mailing's request (mailing/early-cancel.ts). */
  earlyCancel: (mid: string) => key(partitions.mailing(mid), 'CANCELLED-BEFORE-REQUEST'),
  delivery: (mid: string, ck: string) => key(partitions.mailing(mid), `${prefixes.delivery}${ck}`),
  suppression: (ck: string, scope: string) => key(partitions.suppressions(ck), scope),
  /** A lifted suppression, kept beside the address's entries (feedback/operations.ts). */
  liftedSuppression: (ck: string, liftedAt: string, scope: string) =>
    key(partitions.suppressions(ck), `${prefixes.liftedSuppression}${liftedAt}#${scope}`),
  event: (id: string) => ({ pk: `EVENT#${id}`, sk: 'EVENT' }),
  rejection: (rejectionId: string) => ({ pk: `REJECTION#${rejectionId}`, sk: 'META' }),
  sesUnknown: (messageId: string, eventType: string) => ({ pk: `SESUNKNOWN#${messageId}`, sk: eventType }),
  /** The fleet's shared send schedule (sending/fleet-pacer.ts). */
  pace: () => ({ pk: 'PACE', sk: 'SES' }) as const,
  clock: () => ({ pk: 'CLOCK', sk: 'LOCAL' }),
  invitee: (cid: string, inviteeId: string) =>
    key(partitions.conference(cid), `${prefixes.invitee}${inviteeId}`),
  inviteeAddress: (cid: string, ck: string) => key(partitions.conference(cid), `INVADDR#${ck}`),
};

/** The lists kept on gsi1 (`gsi1pk`); each item's `gsi1sk` orders it in its list. */
export const lists = {
  conferences: 'CONFERENCES',
  mailingsOf: (cid: string) => `CONF#${cid}#MAILINGS`,
  rejections: 'REJECTIONS',
  suppressions: 'SUPPRESSIONS',
  suppressionLifts: 'SUPPRESSION-LIFTS',
  sesUnknown: 'SESUNKNOWN',
} as const;

export const deliveryStateIndex = (mid: string, state: DeliveryState) => `MAILING#${mid}#${state}`;

/**
 * The delivery states gsi2 leaves out: `sent` and `delivered`, where almost every mail ends. No
 * handler looks for them (the clock looks for `queued` and `sending`, a resend for `failed` and
 * `uncertain`); the organizer's listing and the recount read the mailing's partition instead.
 * Leaving them out saves, on every mail, the index entry's delete and put on each of the two
 * moves (issue 15: ≈ 3 WRU of 14 a delivery).
 */
const UNINDEXED_STATES = ['sent', 'delivered'] as const satisfies readonly DeliveryState[];

/** A delivery state gsi2 lists. */
export type IndexedDeliveryState = Exclude<DeliveryState, (typeof UNINDEXED_STATES)[number]>;

/** Whether gsi2 lists deliveries in `state`. */
export const isIndexedState = (state: DeliveryState): state is IndexedDeliveryState =>
  !(UNINDEXED_STATES as readonly DeliveryState[]).includes(state);

export interface ConferenceRow {
  conferenceId: string;
  name: LocalizedText;
  shortName?: LocalizedText;
  city: string | LocalizedText;
  venue: string | LocalizedText;
  timeZone: string;
  start: string;
  end: string;
  /** Co-organizers, localized ({en, ru?, ar?}); older rows may hold plain strings. */
  organizers: (string | LocalizedText)[];
  website: string;
  languages: string[];
  sender: { from: string; replyTo?: string };
  pressContacts: { name: string; email: string; role: string }[];
  eventTime: string;
}

export interface AgendaRow {
  conferenceId: string;
  /** Highest agenda version applied. */
  version: number;
  /** Sessions, each with the version that last wrote it (see domain/agenda.ts mergeAgenda). */
  sessions: (Session & { version: number })[];
  lastEventId: string;
  /** Bumped by every write: the optimistic lock. */
  revision?: number;
}

/** A person who can receive mail: a registrant or a press contact. */
export interface Recipient {
  contactKey: string;
  email: string;
  givenName: string;
  familyName: string;
  honorific?: string;
  gender?: Gender;
  title?: PersonTitle;
  organization?: string;
  country?: string;
  language?: string;
  timeZone?: string;
  role: Role;
  sessions: string[];
  /** registrationId for registrants, contactId for press contacts. */
  contactId: string;
  outlet?: string;
  /** Set for invitees: the id their RSVP link and answers carry. */
  inviteeId?: string;
}

export interface RegistrationRow extends Recipient {
  conferenceId: string;
  registrationId: string;
  status: 'active' | 'cancelled';
  eventTime: string;
}

export interface PressRow extends Recipient {
  conferenceId: string;
  status: 'active' | 'removed';
  eventTime: string;
}

export const DELIVERY_STATES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'suppressed',
  'failed',
  'uncertain',
  'cancelled',
  'delayed',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Every kind of mail, organizer-requested or following from an event (the registry's list). */
export type { MailKind };

export const MAILING_STATES = [
  'dry-run',
  'scheduled',
  'planning',
  'sending',
  'paused',
  'cancelled',
  'complete',
] as const;
export type MailingState = (typeof MAILING_STATES)[number];

/** The gsi2 partition listing every mailing that is not final: the clock sweeps them (leases, completion). */
export const OPEN_MAILINGS = 'OPEN';
/** The gsi2 partition listing scheduled mailings by `sendAt`: the clock starts them. */
export const SCHEDULED_MAILINGS = 'SCHEDULED';

/**
 * A mailing's gsi2 key for its state: scheduled mailings by `sendAt` (the clock
 * starts them), every other mailing that is not final in {@link OPEN_MAILINGS}
 * (the clock expires dead send claims and completes them), none for `complete`
 * and `dry-run`. A cancelled mailing stays open until no claim is left, because
 * claimed deliveries finish after a cancel.
 */
export function mailingStateIndex(
  mid: string,
  state: MailingState,
  sendAt?: string,
): { gsi2pk: string; gsi2sk: string } | undefined {
  if (state === 'scheduled')
    return sendAt ? { gsi2pk: SCHEDULED_MAILINGS, gsi2sk: new Date(sendAt).toISOString() } : undefined;
  if (state === 'complete' || state === 'dry-run') return undefined;
  return { gsi2pk: OPEN_MAILINGS, gsi2sk: mid };
}

export interface ReminderContext {
  target: 'conference' | 'session';
  sessionId?: string;
  offset: string;
}

export interface MailingRow {
  mailingId: string;
  conferenceId: string;
  kind: MailKind;
  audience: Audience;
  content?: MailingContent;
  state: MailingState;
  requestedBy: string;
  sendAt?: string;
  createdAt: string;
  /** Planning progress: which phase and where in it. */
  plan: {
    phase: 'registrations' | 'press' | 'invitees' | 'explicit' | 'done';
    cursor?: string;
    pages: number;
    /**
     * The page being planned, fixed at its first read: the key of its last contact, and whether
     * more followed. A retried page reads up to that key, so that contacts registered meanwhile
     * join it rather than push one of its rows (written, not yet counted) onto the next page,
     * where it would never be counted nor sent. Cleared when the cursor moves on.
     *
     * `owner` and `leaseUntil` (epoch ms) are the page's lease: its delivery rows are written in
     * batches with no condition (mailing/plan.ts), so one planner at a time holds the page, for
     * longer than the intake's timeout; a retry takes it over once the lease has run out.
     */
    page?: { end: string; more: boolean; owner?: string; leaseUntil?: number };
  };
  total: number;
  reminder?: ReminderContext;
  agendaVersion?: number;
  /** Dry-run result: recipients per language and a sample subject per language. */
  preview?: { perLanguage: Record<string, number>; subjects: Record<string, string>; total: number };
  pausedReason?: string;
  /** Counters per delivery state, updated atomically with each transition (`count_<state>`). */
  [counter: `count_${string}`]: number;
}

export interface DeliveryRow {
  mailingId: string;
  contactKey: string;
  deliveryId: string;
  conferenceId: string;
  kind: MailKind;
  state: DeliveryState;
  recipient: Recipient;
  /** Per-recipient content, e.g. the agenda changes that concern this person. */
  payload?: Record<string, unknown>;
  leaseUntil?: number;
  attempts: number;
  sesMessageId?: string;
  reason?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
}

/**
 * RSVP state of an invitee: `invited` until they answer, then the last answer; `registered` once a
 * `registration.created` arrives for their address or their representative's.
 */
export type RsvpState = 'invited' | 'accepted' | 'declined' | 'delegated' | 'registered';

/** One entry of an invitee's history: every answer and the registration, oldest first. */
export interface RsvpHistoryEntry {
  state: RsvpState;
  at: string;
  representative?: { name: string; email: string; honorific?: string; language?: string };
  /** Where it came from: `rsvp:<requestId>` or `registration:<registrationId>`. */
  source: string;
}

/** An invitee: a person from `invitee.upserted`, with their RSVP state and its history. */
export interface InviteeRow extends Recipient {
  conferenceId: string;
  inviteeId: string;
  group?: string;
  mayDesignate: boolean;
  status: 'active' | 'removed';
  rsvp: RsvpState;
  /** When the state last changed. */
  rsvpAt?: string;
  /** The representative of a `delegated` answer. */
  representative?: RsvpHistoryEntry['representative'];
  history: RsvpHistoryEntry[];
  /** Bumped by every answer: the optimistic lock, and part of the derived mail and event ids. */
  revision: number;
  /** The revision whose outbound event was last published. */
  publishedRevision?: number;
  eventTime: string;
}
