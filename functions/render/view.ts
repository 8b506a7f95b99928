/**
 * Turns the typed data of a mail into the flat, pre-formatted context the compiled templates read.
 * Every date, name and list is formatted here, so templates hold no logic beyond `if`/`each`, and
 * every URL is validated here, so no `href` can carry a `javascript:` link. Values stay raw text:
 * Handlebars escapes them when it fills the HTML template.
 *
 * This module does not import the compiled templates, so the build step can use it to smoke-test
 * what it has just compiled.
 */

import { isBulkKind, kindDefinition, type MailKind } from '../kinds/index.js';
import { addressFor } from './address.js';
import {
  type DateFormatter,
  dateFormatterFor,
  fillPattern,
  isTimeZone,
  mailtoHref,
  parseCalendarDate,
  parseInstant,
  pickLocalized,
  RenderError,
  type RuntimeCatalog,
  safeUrl,
  singleLine,
} from './format.js';
import { withoutKindPrefix } from './subject.js';
import type {
  ConferenceInfo,
  LeadTime,
  Localized,
  MailBase,
  MailDataByKind,
  MarkdownRenderer,
  PreparedMarkdown,
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
  /**
   * Organizer Markdown to HTML and text. The sender passes the text its mailing prepared at intake
   * (`functions/render/prepared.ts`), so markdown-it is not in its bundle; everything else passes
   * `prepareMarkdown` (`functions/render/markdown.ts`).
   */
  readonly markdown: MarkdownRenderer;
  /** Unused since forms of address moved to address.ts; accepted for older callers. */
  readonly honorificAliases?: Readonly<Record<string, string>> | undefined;
}

/**
 * What a kind's template-context builder (in `functions/kinds/`) is handed: the catalog, the
 * formatter and the zones of this render, and the formatting and validation it may use.
 */
export class ViewHelpers {
  constructor(
    readonly catalog: RuntimeCatalog,
    readonly language: string,
    readonly dates: DateFormatter,
    readonly venueZone: string,
    readonly city: string,
    readonly recipientZone: string | undefined,
    private readonly markdownRenderer: MarkdownRenderer,
  ) {}

  /** One line of text: line breaks and control characters become spaces. */
  singleLine(text: string): string {
    return singleLine(text);
  }

  /** The text in this render's language (fallback English). */
  pick(text: string | Localized | undefined | null): string {
    return pickLocalized(text, this.language);
  }

  /** An absolute http(s) URL, or null. */
  safeUrl(url: string | undefined | null): string | null {
    return safeUrl(url);
  }

  /** An absolute http(s) URL, or a {@link RenderError} naming `what`. */
  requiredUrl(url: string, what: string): string {
    return requiredUrl(url, what);
  }

  /** A date or date-time given as ISO text: dates stay calendar days, date-times get the venue zone. */
  dayOrTime(iso: string, what: string): string {
    return dayOrTime(iso, what, this);
  }

  /** A session as the templates show it. */
  sessionView(session: SessionInfo): SessionView {
    return sessionView(session, this);
  }

  /** Sessions as the templates show them, in order of start. */
  sessionViews(sessions: readonly SessionInfo[] | undefined): SessionView[] {
    return sessionViews(sessions, this);
  }

  /** "in 1 week", or null. */
  leadTime(startsIn: LeadTime | undefined): string | null {
    return leadTime(startsIn, this);
  }

  /** Organizer Markdown as HTML and as text. */
  markdown(source: string): PreparedMarkdown {
    return this.markdownRenderer(source);
  }

  /** An ISO instant, or a {@link RenderError} naming `what`. */
  instant(iso: string, what: string): Date {
    return parseInstant(iso, what);
  }

  /** An ISO calendar date, or a {@link RenderError} naming `what`. */
  calendarDate(iso: string, what: string): Date {
    return parseCalendarDate(iso, what);
  }

  /** `text` without the kind's `subjectLabels` ("Media advisory: …"), which its template adds itself. */
  withoutKindPrefix(kind: string, text: string): string {
    return withoutKindPrefix(kind as MailKind, text);
  }
}

// A mailing renders the same conference and sessions for thousands of recipients; their views
// depend only on the object, the language and (for sessions) the recipient's zone, so they are
// cached by object identity. The data objects are therefore treated as immutable (see render()).
const sessionCache = new WeakMap<SessionInfo, Map<string, SessionView>>();

function sessionView(session: SessionInfo, h: ViewHelpers): SessionView {
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

function sessionViews(sessions: readonly SessionInfo[] | undefined, h: ViewHelpers): SessionView[] {
  return [...(sessions ?? [])]
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .map((session) => sessionView(session, h));
}

/** A date or date-time given as ISO text: dates stay calendar days, date-times get the venue zone. */
function dayOrTime(iso: string, what: string, h: ViewHelpers): string {
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
): { ctx: TemplateContext; h: ViewHelpers } {
  const { catalog } = catalogs;
  const language = catalog.language;
  const conference: ConferenceInfo = data.conference;
  if (!isTimeZone(conference.timeZone)) {
    throw new RenderError(`conference time zone ${JSON.stringify(conference.timeZone)} is not an IANA zone`);
  }
  const dates = dateFormatterFor(catalog);
  const shared = conferenceParts(conference, language, dates);
  const h = new ViewHelpers(
    catalog,
    language,
    dates,
    conference.timeZone,
    shared.city,
    data.recipient.timeZone,
    catalogs.markdown,
  );
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

function leadTime(startsIn: LeadTime | undefined, h: ViewHelpers): string | null {
  if (startsIn === undefined || !Number.isFinite(startsIn.amount)) return null;
  return h.dates.relative(startsIn.amount, startsIn.unit);
}

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
  return kindDefinition(kind).context(data, ctx, h);
}
