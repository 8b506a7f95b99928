/**
 * The data each kind of mail is rendered from ("view models"). They mirror the event contract in
 * DESIGN.md (localized text is `{ en, ru?, ar? }`, times are ISO 8601 with an offset, conference
 * dates are ISO dates) so the sender can pass projections through without reshaping them. Every
 * string here is untrusted: the renderer escapes it, validates URLs and never compiles it.
 */

import type { MailDataOf, MailKind } from '../kinds/index.js';
import type { Addressee } from './address.js';

/** Text in several languages; `en` is always present and is the fallback. */
export type Localized = { readonly en: string } & { readonly [language: string]: string | undefined };

/** Participant roles (from `registration.*`). */
export type Role = 'delegate' | 'speaker' | 'observer' | 'press' | 'staff';

/** The recipient: how to address them (see address.ts), their address and their zone. */
export interface Person extends Addressee {
  readonly email: string;
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

// The data of each kind lives in its module in functions/kinds/; re-exported here for importers.
export type { AgendaChangeData, SessionChange } from '../kinds/agenda-change.js';
export type { AnnouncementData } from '../kinds/announcement.js';
export type { CancellationData } from '../kinds/cancellation.js';
export type { ConfirmationData } from '../kinds/confirmation.js';
export type { InvitationData } from '../kinds/invitation.js';
export type { Accreditation, MediaAdvisoryData } from '../kinds/media-advisory.js';
export type { ConferenceReminderData, ReminderData, SessionReminderData } from '../kinds/reminder.js';
export type { RepresentativeNoteData } from '../kinds/representative-note.js';
export type { RsvpAnswer, RsvpConfirmationData } from '../kinds/rsvp-confirmation.js';

/** The data type for each kind, from the registry. */
export type MailDataByKind = { [K in MailKind]: MailDataOf<K> };

/** The data for `kind`. */
export type MailData<K extends MailKind = MailKind> = MailDataByKind[K];

/** Organizer Markdown as the templates show it. */
export interface PreparedMarkdown {
  /** Safe to insert unescaped (raw HTML shown as text, links http(s)/mailto only). */
  readonly html: string;
  readonly text: string;
}

/** Turns organizer Markdown into {@link PreparedMarkdown}; throws `RenderError` when it cannot. */
export type MarkdownRenderer = (source: string) => PreparedMarkdown;

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
