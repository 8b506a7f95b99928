/**
 * What a kind of mail is, as one declaration: the shape every module in this folder exports and
 * {@link ./index.ts} lists. Everything here is type-only or plain data, so the registry can be
 * imported by every function (intake, API, CLI `--help`) without dragging in the renderer: the
 * behaviour a kind needs (formatting, Markdown, calendars) is handed to it as arguments.
 */
import type { Audience, Session } from '../events/schemas.js';
import type { CalendarRequest } from '../render/ical.js';
import type { LeadTime, MailBase, SessionInfo } from '../render/types.js';
import type { TemplateContext, ViewHelpers } from '../render/view.js';
import type { AgendaRow, ConferenceRow, DeliveryRow, MailingRow } from '../store/model.js';

/** What the sender has when it builds a kind's view data (see `sending/view-data.ts`). */
export interface ViewDataInput {
  /** The conference and the recipient, as every kind has them. */
  readonly base: MailBase;
  readonly delivery: Pick<DeliveryRow, 'recipient' | 'payload'>;
  readonly mailing: Pick<MailingRow, 'kind' | 'content' | 'reminder' | 'agendaVersion'> &
    Partial<Pick<MailingRow, 'audience'>>;
  readonly conference: ConferenceRow;
  readonly agenda: AgendaRow | undefined;
  /** Every session of the agenda, as the templates see them. */
  readonly sessions: readonly SessionInfo[];
  /** The recipient's own sessions. */
  readonly mine: readonly SessionInfo[];
  /** The signed one-click URL for bulk kinds, `''` otherwise. */
  readonly unsubscribeUrl: string;
  /** The invitee's signed RSVP URL, for kinds with `rsvpLink` sent to an invitee. */
  readonly rsvpUrl: string | undefined;
  /** An agenda session as the templates see it. */
  sessionInfo(session: Session): SessionInfo;
  /** A reminder offset (`P7D`) as the lead time the mail words. */
  leadTime(offset: string): LeadTime;
  /** Whether an invitation audience is a follow-up to those who have not answered. */
  isFollowUp(audience: Audience): boolean;
}

/** The calendar entries a kind attaches, beside the conference, domain and language the sender adds. */
export type KindCalendars = Pick<
  CalendarRequest,
  'agendaVersion' | 'includeConference' | 'sessions' | 'cancelAll'
>;

/**
 * One kind of mail. Methods (not function-valued properties) so that every kind's definition can
 * be used where a definition over any data is expected.
 */
export interface KindSpec<Data extends MailBase> {
  /** The name: also the template (`templates/<name>.mjml`) and the catalog section (`<name>.*`). */
  readonly name: string;
  /**
   * Bulk (non-essential) mail carries `List-Unsubscribe` with one-click POST and an unsubscribe
   * link in the footer, and skips suppressed addresses. Otherwise transactional: sent because of
   * something the recipient did or registered for.
   */
  readonly bulk: boolean;
  /** An organizer may request it (`mailing.requested`, `mailing create`, the console). */
  readonly organizerMailing: boolean;
  /**
   * The contact list a mailing of this kind reads when its audience names no role (nor, for
   * invitees, a session): the invitees, the press contacts, or — when absent — the registrants.
   */
  readonly audience?: 'invitees' | 'press' | undefined;
  /** Its subject and body are the organizer's (`data.content` required in `mailing.requested`). */
  readonly organizerContent: boolean;
  /**
   * The pipeline derives mailings of this kind from events or the clock, with ids starting with
   * `prefix` (reserved: a `mailing.requested` may not take one). `from` names the source.
   */
  readonly derived?: { readonly prefix: string; readonly from: string } | undefined;
  /**
   * Shown in mailing lists (CLI `mailings list`, console) without `--all`. False for one-person
   * transactional mail that would fill the list with thousands of mailings of one.
   */
  readonly listedByDefault: boolean;
  /** Carries the invitee's personal RSVP link when the recipient is an invitee. */
  readonly rsvpLink: boolean;
  /**
   * Labels its subject template already starts with, in every catalog language, lower-case: an
   * organizer subject that starts with one loses it, so the mail says it once.
   */
  readonly subjectLabels?: readonly string[] | undefined;
  /** The calendar entries it attaches; none when absent. */
  calendars?(data: Data, agenda: AgendaRow | undefined): KindCalendars;
  /** Its view data from the projections and the delivery (nothing here is trusted or rendered). */
  viewData(input: ViewDataInput): Data;
  /** Its template context: `ctx` (what every kind has) plus what its template reads. */
  context(data: Data, ctx: TemplateContext, h: ViewHelpers): TemplateContext;
}

/** Carries a kind's data type at the type level only (never set). */
export interface KindData<Data> {
  readonly '~data'?: Data;
}

/**
 * Declares a kind whose view data is `Data`:
 * `export const invitation = defineKind<InvitationData>()({ name: 'invitation', … })`.
 * The literal flags are kept in the type, so lists such as `BulkKind` are derived from them.
 */
export function defineKind<Data extends MailBase>() {
  return <const Def extends KindSpec<Data>>(definition: Def): Def & KindData<Data> => definition;
}
