/**
 * The data each kind of mail is rendered from ("view models"). They mirror the event contract in
 * DESIGN.md (localized text is `{ en, ru?, ar? }`, times are ISO 8601 with an offset, conference
 * dates are ISO dates) so the sender can pass projections through without reshaping them. Every
 * string here is untrusted: the renderer escapes it, validates URLs and never compiles it.
 */
import type { Gender, PersonTitle } from './address.js';
import type { MailKind } from './kinds.js';

/** Text in several languages; `en` is always present and is the fallback. */
export type Localized = { readonly en: string } & { readonly [language: string]: string | undefined };

/** Participant roles (from `registration.*`). */
export type Role = 'delegate' | 'speaker' | 'observer' | 'press' | 'staff';

/** The recipient. */
export interface Person {
  readonly email: string;
  readonly givenName: string;
  readonly familyName: string;
  /**
   * Free text as registered ("H.E. Mr.", "Prof. Dr.", "г-н", «معالي الدكتورة»…), parsed into parts
   * that choose the salutation by rank (see address.ts); unknown words are not shown in ru/ar.
   */
  readonly honorific?: string | undefined;
  /** Grammatical gender for Russian and Arabic forms; absent or `unspecified`: neutral forms. */
  readonly gender?: Gender | undefined;
  /** Structured title; overrides what the free-text honorific says. */
  readonly title?: PersonTitle | undefined;
  readonly organization?: string | undefined;
  /** IANA zone of the recipient; when it differs from the venue's, times are shown in both. */
  readonly timeZone?: string | undefined;
}

/** A press contact shown in the footer of every mail and in media advisories. */
export interface PressContact {
  readonly name: string;
  readonly email: string;
  readonly role?: string | Localized | undefined;
}

/** The conference projection (from `conference.upserted`). */
export interface ConferenceInfo {
  readonly conferenceId: string;
  readonly name: Localized;
  /** Short name for sender display names and subjects; falls back to `name`. */
  readonly shortName?: Localized | undefined;
  readonly city: string | Localized;
  readonly venue: string | Localized;
  /** IANA zone of the venue, e.g. `Asia/Dushanbe`. */
  readonly timeZone: string;
  /** First day, ISO date (`2022-10-18`). */
  readonly start: string;
  /** Last day, ISO date, inclusive. */
  readonly end: string;
  /** Co-organizers, shown in the header of every mail. */
  readonly organizers: readonly (string | Localized)[];
  readonly website?: string | undefined;
  /** Reply-to address, also shown in the footer. */
  readonly replyTo?: string | undefined;
  readonly pressContacts?: readonly PressContact[] | undefined;
}

/** One agenda session (from `agenda.changed`). */
export interface SessionInfo {
  readonly sessionId: string;
  readonly title: Localized;
  /** ISO 8601 with offset, e.g. `2022-10-18T09:00:00+05:00`. */
  readonly start: string;
  readonly end: string;
  readonly room?: string | Localized | undefined;
  readonly speakers?: readonly (string | Localized)[] | undefined;
  readonly plenary?: boolean | undefined;
  readonly status?: 'scheduled' | 'cancelled' | undefined;
}

/** How long before the start a reminder goes out; worded with `Intl.RelativeTimeFormat`. */
export interface LeadTime {
  readonly amount: number;
  readonly unit: 'minute' | 'hour' | 'day' | 'week';
}

/** Fields every kind has. */
export interface MailBase {
  readonly conference: ConferenceInfo;
  readonly recipient: Person;
}

/** Fields every bulk kind has: the RFC 8058 one-click URL, also linked in the footer. */
export interface BulkMailBase extends MailBase {
  /** `https://…` (or `http://127.0.0.1…` for the local stack). */
  readonly unsubscribeUrl: string;
}

/** `invitation` (bulk): invites the recipient to register. */
export interface InvitationData extends BulkMailBase {
  readonly registrationUrl: string;
  /** The invitee's personal RSVP page (accept, decline, designate); absent for registrants. */
  readonly rsvpUrl?: string | undefined;
  /** A follow-up to invitees who have not answered yet: the lead says so. */
  readonly followUp?: boolean | undefined;
  /** ISO date or date-time by which to register. */
  readonly respondBy?: string | undefined;
  /** Programme highlights, usually the plenary sessions. */
  readonly highlights?: readonly SessionInfo[] | undefined;
}

/** `confirmation` (transactional): the registration went through. */
export interface ConfirmationData extends MailBase {
  readonly registrationId: string;
  readonly role: Role;
  /** The sessions the delegate is registered to. */
  readonly sessions: readonly SessionInfo[];
  readonly manageUrl?: string | undefined;
}

/** `cancellation` (transactional): the registration was cancelled. */
export interface CancellationData extends MailBase {
  readonly registrationId: string;
  /** Sessions whose calendar entries are withdrawn. */
  readonly sessions?: readonly SessionInfo[] | undefined;
}

/** `reminder` (bulk), before the conference opens. */
export interface ConferenceReminderData extends BulkMailBase {
  readonly variant: 'conference';
  readonly startsIn?: LeadTime | undefined;
  /** The recipient's own sessions, if any. */
  readonly sessions?: readonly SessionInfo[] | undefined;
}

/** `reminder` (bulk), before one registered session. */
export interface SessionReminderData extends BulkMailBase {
  readonly variant: 'session';
  readonly startsIn?: LeadTime | undefined;
  readonly session: SessionInfo;
}

/** `reminder` (bulk): one of two variants. */
export type ReminderData = ConferenceReminderData | SessionReminderData;

/** One changed session: `before` is absent for a session added to the agenda. */
export interface SessionChange {
  readonly before?: SessionInfo | undefined;
  readonly after: SessionInfo;
}

/** `agenda-change` (transactional): what changed for this registrant, old and new. */
export interface AgendaChangeData extends MailBase {
  /** The agenda version the change belongs to (also the iCalendar SEQUENCE). */
  readonly version: number;
  readonly changes: readonly SessionChange[];
}

/** Accreditation details in a media advisory. */
export interface Accreditation {
  readonly url?: string | undefined;
  /** ISO date or date-time. */
  readonly deadline?: string | undefined;
  /** Organizer Markdown. */
  readonly note?: Localized | undefined;
}

/** `media-advisory` (bulk, press): organizer text with an embargo line and accreditation. */
export interface MediaAdvisoryData extends BulkMailBase {
  readonly subject: Localized;
  /** Organizer Markdown (raw HTML is not rendered; links only http(s) and mailto). */
  readonly body: Localized;
  /** ISO date-time; shown as an embargo line at the top. */
  readonly embargoUntil?: string | undefined;
  readonly accreditation?: Accreditation | undefined;
}

/** `announcement` (bulk): organizer-written subject and Markdown body. */
export interface AnnouncementData extends BulkMailBase {
  readonly subject: Localized;
  readonly body: Localized;
}

/** An RSVP answer as the invitee gave it. */
export type RsvpAnswer = 'accept' | 'decline' | 'delegate';

/** `rsvp-confirmation` (transactional): the invitee's answer as recorded. */
export interface RsvpConfirmationData extends MailBase {
  readonly answer: RsvpAnswer;
  /** For `delegate`: who will come instead. */
  readonly representative?: { readonly name: string; readonly email: string } | undefined;
  /** For `accept`: the conference's registration page with the invitee's reference. */
  readonly registrationUrl?: string | undefined;
  /** The RSVP page, to change the answer. */
  readonly rsvpUrl?: string | undefined;
}

/** `representative-note` (transactional): someone was designated to attend in an invitee's place. */
export interface RepresentativeNoteData extends MailBase {
  /** The invitee who designated the recipient, formatted as given. */
  readonly inviteeName: string;
  readonly registrationUrl: string;
}

/** The data type for each kind. */
export interface MailDataByKind {
  invitation: InvitationData;
  confirmation: ConfirmationData;
  cancellation: CancellationData;
  reminder: ReminderData;
  'agenda-change': AgendaChangeData;
  'media-advisory': MediaAdvisoryData;
  announcement: AnnouncementData;
  'rsvp-confirmation': RsvpConfirmationData;
  'representative-note': RepresentativeNoteData;
}

/** The data for `kind`. */
export type MailData<K extends MailKind = MailKind> = MailDataByKind[K];

/** What {@link render} returns. */
export interface RenderedMail {
  /** Single line, no CR/LF; header encoding is MIME's job. */
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** The catalog language actually used (after fallback). */
  readonly language: string;
  /** `rtl` or `ltr`. */
  readonly dir: 'ltr' | 'rtl';
}
