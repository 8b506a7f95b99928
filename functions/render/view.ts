/**
 * Turns the typed data of a mail into the flat, pre-formatted context the compiled templates read.
 * Every date, name and list is formatted here, so templates hold no logic beyond `if`/`each`, and
 * every URL is validated here, so no `href` can carry a `javascript:` link. Values stay raw text:
 * Handlebars escapes them when it fills the HTML template.
 *
 * This module does not import the compiled templates, so the build step can use it to smoke-test
 * what it has just compiled.
 */

import { addressFor } from './address.js';
import {
  type DateFormatter,
  dateFormatterFor,
  fillPattern,
  isTimeZone,
  mailtoHref,
  markdownToText,
  parseCalendarDate,
  parseInstant,
  pickLocalized,
  RenderError,
  type RuntimeCatalog,
  renderMarkdown,
  safeUrl,
  singleLine,
} from './format.js';
import { isBulkKind, type MailKind } from './kinds.js';
import { withoutKindPrefix } from './subject.js';
import type {
  AgendaChangeData,
  AnnouncementData,
  CancellationData,
  ConferenceInfo,
  ConfirmationData,
  InvitationData,
  LeadTime,
  MailBase,
  MailDataByKind,
  MediaAdvisoryData,
  ReminderData,
  RepresentativeNoteData,
  RsvpConfirmationData,
  SessionInfo,
} from './types.js';

/** A session as the templates show it. */
export interface SessionView {
  readonly title: string;
  /** Venue time with zone label. */
  readonly when: string;
  /** Recipient's time, or `null` when it is the same clock. */
  readonly localWhen: string | null;
  readonly room: string | null;
  readonly speakers: string | null;
  readonly plenary: boolean;
  readonly cancelled: boolean;
}

/** The context of every template; kind-specific fields are added beside these. */
export interface TemplateContext {
  /** Filled in after the subject template ran, for `<title>`. */
  subject: string;
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  readonly conference: {
    readonly name: string;
    /** For subjects (and the sender's display name): `shortName`, else the official name. */
    readonly shortName: string;
    readonly city: string;
    readonly venue: string;
    readonly dates: string;
    readonly organizers: string;
    readonly website: string | null;
    readonly websiteLabel: string | null;
  };
  readonly recipient: {
    readonly name: string;
    readonly salutation: string;
    /** The first in-text reference: "H.E. Ms Jane Ashworth", «Её Превосходительство г-жа …». */
    readonly reference: string;
    readonly email: string;
  };
  readonly contacts: readonly { name: string; role: string | null; email: string; href: string | null }[];
  readonly replyTo: { readonly email: string; readonly href: string } | null;
  readonly unsubscribeUrl: string | null;
  readonly [field: string]: unknown;
}

/** What the view builder needs from the compiled catalogs. */
export interface ViewCatalogs {
  readonly catalog: RuntimeCatalog;
  /** Unused since forms of address moved to address.ts; accepted for older callers. */
  readonly honorificAliases?: Readonly<Record<string, string>> | undefined;
}

interface Helpers {
  readonly catalog: RuntimeCatalog;
  readonly language: string;
  readonly dates: DateFormatter;
  readonly venueZone: string;
  readonly city: string;
  readonly recipientZone: string | undefined;
}

// A mailing renders the same conference and sessions for thousands of recipients; their views
// depend only on the object, the language and (for sessions) the recipient's zone, so they are
// cached by object identity. The data objects are therefore treated as immutable (see render()).
const sessionCache = new WeakMap<SessionInfo, Map<string, SessionView>>();

function sessionView(session: SessionInfo, h: Helpers): SessionView {
  const key = `${h.language}|${h.recipientZone ?? ''}|${h.venueZone}|${h.city}`;
  let byKey = sessionCache.get(session);
  const cached = byKey?.get(key);
  if (cached !== undefined) return cached;
  const start = parseInstant(session.start, `session ${session.sessionId} start`);
  const end = parseInstant(session.end, `session ${session.sessionId} end`);
  const speakers = (session.speakers ?? [])
    .map((speaker) => singleLine(pickLocalized(speaker, h.language)))
    .filter((s) => s !== '');
  const room = singleLine(pickLocalized(session.room, h.language));
  const view: SessionView = {
    title: singleLine(pickLocalized(session.title, h.language)),
    when: h.dates.atVenue(start, end, h.venueZone, h.city),
    localWhen: h.dates.atRecipient(start, end, h.venueZone, h.recipientZone),
    room: room === '' ? null : room,
    speakers: speakers.length === 0 ? null : h.dates.list(speakers),
    plenary: session.plenary === true,
    cancelled: session.status === 'cancelled',
  };
  if (byKey === undefined) {
    byKey = new Map();
    sessionCache.set(session, byKey);
  }
  byKey.set(key, view);
  return view;
}

function sessionViews(sessions: readonly SessionInfo[] | undefined, h: Helpers): SessionView[] {
  return [...(sessions ?? [])]
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .map((session) => sessionView(session, h));
}

/** A date or date-time given as ISO text: dates stay calendar days, date-times get the venue zone. */
function dayOrTime(iso: string, what: string, h: Helpers): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso.trim())) return h.dates.day(parseCalendarDate(iso, what));
  return h.dates.atVenue(parseInstant(iso, what), null, h.venueZone, h.city);
}

function requiredUrl(url: string, what: string): string {
  const safe = safeUrl(url);
  if (safe === null) throw new RenderError(`${what} must be an absolute http(s) URL`);
  return safe;
}

function websiteLabel(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.host}${path}`;
}

interface ConferenceParts {
  readonly city: string;
  readonly conference: TemplateContext['conference'];
  readonly contacts: TemplateContext['contacts'];
  readonly replyTo: TemplateContext['replyTo'];
}

const conferenceCache = new WeakMap<ConferenceInfo, Map<string, ConferenceParts>>();

function conferenceParts(
  conference: ConferenceInfo,
  language: string,
  dates: DateFormatter,
): ConferenceParts {
  let byLanguage = conferenceCache.get(conference);
  const cached = byLanguage?.get(language);
  if (cached !== undefined) return cached;
  const city = singleLine(pickLocalized(conference.city, language));
  const website = safeUrl(conference.website);
  const replyToHref = mailtoHref(conference.replyTo);
  const parts: ConferenceParts = {
    city,
    conference: {
      name: singleLine(pickLocalized(conference.name, language)),
      shortName: singleLine(pickLocalized(conference.shortName ?? conference.name, language)),
      city,
      venue: singleLine(pickLocalized(conference.venue, language)),
      dates: dates.days(conference.start, conference.end),
      organizers: dates.list(
        conference.organizers.map((o) => singleLine(pickLocalized(o, language))).filter((o) => o !== ''),
      ),
      website,
      websiteLabel: website === null ? null : websiteLabel(website),
    },
    contacts: (conference.pressContacts ?? []).map((contact) => {
      const role = singleLine(pickLocalized(contact.role, language));
      return {
        name: singleLine(contact.name),
        role: role === '' ? null : role,
        email: singleLine(contact.email),
        href: mailtoHref(contact.email),
      };
    }),
    replyTo:
      conference.replyTo !== undefined && replyToHref !== null
        ? { email: conference.replyTo.trim(), href: replyToHref }
        : null,
  };
  if (byLanguage === undefined) {
    byLanguage = new Map();
    conferenceCache.set(conference, byLanguage);
  }
  byLanguage.set(language, parts);
  return parts;
}

function commonContext(
  kind: MailKind,
  data: MailBase,
  catalogs: ViewCatalogs,
): { ctx: TemplateContext; h: Helpers } {
  const { catalog } = catalogs;
  const language = catalog.language;
  const conference: ConferenceInfo = data.conference;
  if (!isTimeZone(conference.timeZone)) {
    throw new RenderError(`conference time zone ${JSON.stringify(conference.timeZone)} is not an IANA zone`);
  }
  const dates = dateFormatterFor(catalog);
  const shared = conferenceParts(conference, language, dates);
  const h: Helpers = {
    catalog,
    language,
    dates,
    venueZone: conference.timeZone,
    city: shared.city,
    recipientZone: data.recipient.timeZone,
  };
  const person = data.recipient;
  const fullName = fillPattern(catalog.strings['names.full'] ?? '{givenName} {familyName}', {
    givenName: singleLine(person.givenName),
    familyName: singleLine(person.familyName),
  });
  const address = addressFor(
    {
      givenName: singleLine(person.givenName),
      familyName: singleLine(person.familyName),
      honorific: person.honorific === undefined ? undefined : singleLine(person.honorific),
      gender: person.gender,
      title: person.title,
    },
    language,
    fullName,
  );
  let unsubscribeUrl: string | null = null;
  if (isBulkKind(kind)) {
    const url = (data as { unsubscribeUrl?: unknown }).unsubscribeUrl;
    unsubscribeUrl = requiredUrl(typeof url === 'string' ? url : '', `${kind}: unsubscribeUrl`);
  }
  const ctx: TemplateContext = {
    subject: '',
    lang: language,
    dir: catalog.dir,
    conference: shared.conference,
    recipient: {
      name: fullName,
      salutation: address.salutation,
      reference: address.reference,
      email: data.recipient.email,
    },
    contacts: shared.contacts,
    replyTo: shared.replyTo,
    unsubscribeUrl,
  };
  return { ctx, h };
}

/** "Closing plenary" or "Closing plenary (+2)": the first changed session names the notice. */
function changeHeadline(titles: readonly string[]): string {
  const first = titles[0] ?? '';
  return titles.length > 1 ? `${first} (+${titles.length - 1})` : first;
}

function leadTime(startsIn: LeadTime | undefined, h: Helpers): string | null {
  if (startsIn === undefined || !Number.isFinite(startsIn.amount)) return null;
  return h.dates.relative(startsIn.amount, startsIn.unit);
}

function markdownPair(source: string): { html: string; text: string } {
  return { html: renderMarkdown(source), text: markdownToText(source) };
}

type Builder<K extends MailKind> = (
  data: MailDataByKind[K],
  ctx: TemplateContext,
  h: Helpers,
) => TemplateContext;

const builders: { [K in MailKind]: Builder<K> } = {
  invitation: (data: InvitationData, ctx, h) => ({
    ...ctx,
    registrationUrl: requiredUrl(data.registrationUrl, 'invitation: registrationUrl'),
    rsvpUrl: safeUrl(data.rsvpUrl),
    followUp: data.followUp === true,
    respondBy: data.respondBy === undefined ? null : dayOrTime(data.respondBy, 'respondBy', h),
    sessions: sessionViews(data.highlights, h),
  }),
  confirmation: (data: ConfirmationData, ctx, h) => ({
    ...ctx,
    registrationId: singleLine(data.registrationId),
    role: h.catalog.strings[`roles.${data.role}`] ?? singleLine(data.role),
    sessions: sessionViews(data.sessions, h),
    manageUrl: safeUrl(data.manageUrl),
  }),
  cancellation: (data: CancellationData, ctx, h) => ({
    ...ctx,
    registrationId: singleLine(data.registrationId),
    sessions: sessionViews(data.sessions, h),
  }),
  reminder: (data: ReminderData, ctx, h) => {
    const startsIn = leadTime(data.startsIn, h);
    const opensOn = h.dates.day(parseCalendarDate(data.conference.start, 'conference start'));
    if (data.variant === 'session') {
      const session = sessionView(data.session, h);
      return {
        ...ctx,
        isSession: true,
        startsIn,
        opensOn,
        session: {
          title: session.title,
          when: session.when,
          at: h.dates.span(
            parseInstant(data.session.start, 'session start'),
            parseInstant(data.session.end, 'session end'),
            h.venueZone,
          ),
        },
        sessions: [session],
      };
    }
    return {
      ...ctx,
      isSession: false,
      startsIn,
      opensOn,
      session: null,
      sessions: sessionViews(data.sessions, h),
    };
  },
  'agenda-change': (data: AgendaChangeData, ctx, h) => {
    const changes = [...data.changes]
      .sort((a, b) => Date.parse(a.after.start) - Date.parse(b.after.start))
      .map((change) => {
        const after = sessionView(change.after, h);
        const before = change.before === undefined ? null : sessionView(change.before, h);
        const timeChanged =
          before !== null &&
          (Date.parse(change.before?.start ?? '') !== Date.parse(change.after.start) ||
            Date.parse(change.before?.end ?? '') !== Date.parse(change.after.end));
        const roomChanged = before !== null && before.room !== after.room && before.room !== null;
        return {
          title: after.title,
          added: before === null,
          cancelled: after.cancelled,
          when: after.when,
          localWhen: after.localWhen,
          timeChanged,
          previousWhen: before?.when ?? null,
          room: after.room,
          roomChanged,
          previousRoom: before?.room ?? null,
        };
      });
    return {
      ...ctx,
      version: String(data.version),
      // The subject leads with the session that changed: what a delegate scans an inbox for.
      changeHeadline: changeHeadline(changes.map((change) => change.title)),
      changes,
    };
  },
  'media-advisory': (data: MediaAdvisoryData, ctx, h) => {
    const body = markdownPair(pickLocalized(data.body, h.language));
    const accreditation = data.accreditation;
    const note =
      accreditation?.note === undefined ? null : markdownPair(pickLocalized(accreditation.note, h.language));
    return {
      ...ctx,
      headline: withoutKindPrefix('media-advisory', singleLine(pickLocalized(data.subject, h.language))),
      embargo:
        data.embargoUntil === undefined
          ? null
          : h.dates.atVenue(parseInstant(data.embargoUntil, 'embargoUntil'), null, h.venueZone, h.city),
      bodyHtml: body.html,
      bodyText: body.text,
      accreditation:
        accreditation === undefined
          ? null
          : {
              url: safeUrl(accreditation.url),
              deadline:
                accreditation.deadline === undefined
                  ? null
                  : dayOrTime(accreditation.deadline, 'deadline', h),
              noteHtml: note?.html ?? null,
              noteText: note?.text ?? null,
            },
    };
  },
  'rsvp-confirmation': (data: RsvpConfirmationData, ctx) => ({
    ...ctx,
    accepted: data.answer === 'accept',
    declined: data.answer === 'decline',
    delegated: data.answer === 'delegate',
    representative:
      data.representative === undefined
        ? null
        : { name: singleLine(data.representative.name), email: singleLine(data.representative.email) },
    registrationUrl: safeUrl(data.registrationUrl),
    rsvpUrl: safeUrl(data.rsvpUrl),
  }),
  'representative-note': (data: RepresentativeNoteData, ctx) => ({
    ...ctx,
    inviteeName: singleLine(data.inviteeName),
    registrationUrl: requiredUrl(data.registrationUrl, 'representative-note: registrationUrl'),
  }),
  announcement: (data: AnnouncementData, ctx, h) => {
    const body = markdownPair(pickLocalized(data.body, h.language));
    return {
      ...ctx,
      headline: singleLine(pickLocalized(data.subject, h.language)),
      bodyHtml: body.html,
      bodyText: body.text,
    };
  },
};

/**
 * Builds the template context for `kind` in the catalog's language. Throws {@link RenderError} for
 * data no template can show (a bulk mail without a valid unsubscribe URL, an unknown time zone…).
 */
export function buildContext<K extends MailKind>(
  kind: K,
  data: MailDataByKind[K],
  catalogs: ViewCatalogs,
): TemplateContext {
  const { ctx, h } = commonContext(kind, data, catalogs);
  const builder = builders[kind] as Builder<K>;
  return builder(data, ctx, h);
}
