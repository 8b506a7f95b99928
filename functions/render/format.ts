/**
 * Locale-aware formatting for the renderer: dates and times with `Intl` in the venue's time zone
 * (and the recipient's, when it differs), honorifics and name order from the catalog, organizer
 * Markdown with raw HTML off, and the URL/header hygiene every untrusted value goes through.
 *
 * Everything here runs once per recipient on the sender's hot path, so `Intl` objects are cached:
 * constructing a `DateTimeFormat` costs tens of microseconds, using one costs about one.
 */
import MarkdownIt from 'markdown-it';
import { singleLine } from '../lib/text.js';
import type { Localized, Person } from './types.js';

/** A data problem that no retry can fix (bad URL, unknown time zone…): the delivery fails for good. */
export class RenderError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RenderError';
  }
}

/** The part of a catalog the renderer needs at run time (the rest is compiled into templates). */
export interface RuntimeCatalog {
  readonly language: string;
  readonly locale: string;
  readonly dir: 'ltr' | 'rtl';
  /** Flattened `runtime.*` keys without the prefix, e.g. `salutation.mr`, `time.zone`. */
  readonly strings: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------------
// Untrusted text

// The single-line rule (CR, LF and controls → a space) lives in lib/text.ts, shared with intake.
export { singleLine } from '../lib/text.js';

/** The `language` entry of a localized text, falling back to English; plain strings pass through. */
export function pickLocalized(text: string | Localized | undefined | null, language: string): string {
  if (text === undefined || text === null) return '';
  if (typeof text === 'string') return text;
  return text[language] ?? text.en;
}

// Already-canonical http(s) URLs (lower-case scheme and host, no userinfo, only characters URL
// serialisation leaves alone) pass without a full parse: unsubscribe links are unique per
// recipient, and `new URL` costs a few microseconds per render.
const CANONICAL_URL = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*$/;

/**
 * `url` if it is an absolute http(s) URL, else `null`. Anything else (`javascript:`, `data:`,
 * relative paths, credentials in the authority) never reaches an `href`.
 */
export function safeUrl(url: string | undefined | null): string | null {
  if (url === undefined || url === null) return null;
  if (CANONICAL_URL.test(url)) return url;
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    if (parsed.username !== '' || parsed.password !== '') return null;
    return parsed.href;
  } catch {
    return null;
  }
}

// Dot-atom local part @ domain, ASCII only (SES has no SMTPUTF8); the same shape intake accepts.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/** Whether `email` is a plain ASCII address that is safe in a header and a `mailto:` link. */
export function isPlainEmail(email: string): boolean {
  return email.length <= 320 && EMAIL.test(email);
}

/** A `mailto:` href for `email` (RFC 6068 percent-encoding), or `null` for anything odd. */
export function mailtoHref(email: string | undefined | null): string | null {
  if (email === undefined || email === null || !isPlainEmail(email.trim())) return null;
  // `?`, `#`, `%` and `&` are legal in local parts but are URI delimiters in a mailto: link.
  return `mailto:${email.trim().replace(/[%?#&/]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

// ---------------------------------------------------------------------------------------------------
// Catalog patterns

/**
 * Fills `{name}` placeholders of a trusted catalog pattern with untrusted values. Values are inserted
 * as text (a function replacer, so `$&` in a name stays literal); the result is escaped later.
 */
export function fillPattern(
  pattern: string,
  values: Readonly<Record<string, string | null | undefined>>,
): string {
  const filled = pattern.replace(/\{([A-Za-z][\w.]*)\}/g, (_, name: string) => values[name] ?? '');
  // An empty value must not leave "Dear Mr ," behind.
  return filled
    .replace(/ {2,}/g, ' ')
    .replace(/ ([,!،.])/g, '$1')
    .trim();
}

function runtimeString(catalog: RuntimeCatalog, key: string): string {
  const value = catalog.strings[key];
  // The build guarantees every catalog has every runtime key, so this is a stale-build guard.
  if (value === undefined) throw new RenderError(`catalog ${catalog.language} has no runtime key ${key}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------
// Names and honorifics

/** How a person is named in one language. */
export interface NameParts {
  /** Given and family name in the catalog's order. */
  readonly fullName: string;
  /** Opening line, e.g. "Dear Mr Ivanov," / "Уважаемый господин Иванов!". */
  readonly salutation: string;
  /** Honorific in the mail's language (or as registered when unknown), `null` without one. */
  readonly title: string | null;
}

/** Normal form used to match free-text honorifics: letters and digits only, lower case. */
export function normalizeHonorific(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

// Registrations repeat a handful of honorifics; their lookups are memoised (bounded), per alias table.
const honorificCodes = new WeakMap<object, Map<string, string | null>>();

function honorificCode(honorific: string, aliases: Readonly<Record<string, string>>): string | null {
  let memo = honorificCodes.get(aliases);
  if (memo === undefined) {
    memo = new Map();
    honorificCodes.set(aliases, memo);
  }
  let code = memo.get(honorific);
  if (code === undefined) {
    const normal = normalizeHonorific(honorific);
    code = Object.hasOwn(aliases, normal) ? (aliases[normal] ?? null) : null;
    if (memo.size > 1000) memo.clear();
    memo.set(honorific, code);
  }
  return code;
}

/**
 * Names `person` in `catalog`'s language. A registered honorific that matches a known code (via
 * `aliases`, built from every catalog) picks that code's translated title and salutation, so
 * "H.E.", "Е. П." and "سعادة" all become "Your Excellency," in English mail. An unknown honorific is
 * kept as given, since guessing a translation of someone's title is worse than not translating it.
 */
export function formatPerson(
  person: Pick<Person, 'givenName' | 'familyName' | 'honorific'>,
  catalog: RuntimeCatalog,
  aliases: Readonly<Record<string, string>>,
): NameParts {
  const givenName = singleLine(person.givenName);
  const familyName = singleLine(person.familyName);
  const honorific = person.honorific === undefined ? '' : singleLine(person.honorific);
  const values = { givenName, familyName };
  const fullName = fillPattern(runtimeString(catalog, 'names.full'), values);
  if (honorific === '') {
    return {
      fullName,
      salutation: fillPattern(runtimeString(catalog, 'salutation.none'), values),
      title: null,
    };
  }
  const code = honorificCode(honorific, aliases);
  if (code !== null) {
    const title = runtimeString(catalog, `honorifics.${code}`);
    return { fullName, salutation: fillPattern(runtimeString(catalog, `salutation.${code}`), values), title };
  }
  return {
    fullName,
    salutation: fillPattern(runtimeString(catalog, 'salutation.other'), { ...values, title: honorific }),
    title: honorific,
  };
}

// ---------------------------------------------------------------------------------------------------
// Dates and times

const formatters = new Map<string, Intl.DateTimeFormat>();

// ICU separates "2022 г." and "9:00 AM" with U+202F NARROW NO-BREAK SPACE in some patterns (date
// ranges) and a plain space in others (single dates), and older mail fonts lack the U+202F glyph;
// a plain space everywhere keeps one date looking like the next.
function tidy(formatted: string): string {
  return formatted.replace(/\u202f/g, ' ');
}

type FormatStyle = 'day' | 'time' | 'zoneName' | 'offset';

const STYLES: Record<FormatStyle, Intl.DateTimeFormatOptions> = {
  day: { day: 'numeric', month: 'long', year: 'numeric' },
  time: { hour: '2-digit', minute: '2-digit' },
  zoneName: { timeZoneName: 'shortGeneric' },
  offset: { timeZoneName: 'longOffset' },
};

function dateTimeFormat(locale: string, zone: string, style: FormatStyle): Intl.DateTimeFormat {
  const key = `${locale}|${zone}|${style}`;
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: zone });
    formatters.set(key, format);
  }
  return format;
}

const validZones = new Map<string, boolean>();

/** Whether the runtime's ICU knows the IANA zone `zone`. */
export function isTimeZone(zone: string | undefined | null): zone is string {
  if (zone === undefined || zone === null || zone === '') return false;
  let valid = validZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    validZones.set(zone, valid);
  }
  return valid;
}

/** Parses an ISO 8601 instant; throws a {@link RenderError} naming `what` when it is not one. */
export function parseInstant(iso: string, what: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()))
    throw new RenderError(`${what} is not an ISO date-time: ${JSON.stringify(iso)}`);
  return date;
}

/** Parses an ISO calendar date (`2022-10-18`, or the date part of a date-time) as UTC midnight. */
export function parseCalendarDate(iso: string, what: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (match === null) throw new RenderError(`${what} is not an ISO date: ${JSON.stringify(iso)}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** The UTC offset of `zone` at `at`, as "+5", "-4", "+5:30" or "" for UTC itself. */
export function utcOffset(zone: string, at: Date): string {
  const parts = dateTimeFormat('en-US', zone, 'offset').formatToParts(at);
  const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
  const match = /([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null || (match[2] === '00' && match[3] === '00')) return '';
  const hours = String(Number(match[2]));
  return `${match[1]}${hours}${match[3] === '00' ? '' : `:${match[3]}`}`;
}

/**
 * A bounded memo for formatted dates. A mailing shows the same few instants (its sessions) to
 * thousands of recipients, and ICU's zone names and offsets cost tens of microseconds per call —
 * without this they were most of a render. Results depend only on the key, so when the memo
 * fills up it is simply cleared.
 */
class Memo {
  readonly #entries = new Map<string, string | null>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(key: string, compute: () => string | null): string | null {
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit;
    if (this.#entries.has(key)) return null;
    if (this.#entries.size >= this.#limit) this.#entries.clear();
    const value = compute();
    this.#entries.set(key, value);
    return value;
  }
}

/**
 * Date and time formatting for one catalog language. Times always name their zone, because a
 * delegate flying in reads the mail in another one: "18 October 2022, 09:00–10:30 (Dushanbe, UTC+5)".
 */
export class DateFormatter {
  readonly #catalog: RuntimeCatalog;
  readonly #relative: Intl.RelativeTimeFormat;
  readonly #list: Intl.ListFormat;
  readonly #memo = new Memo(4096);

  constructor(catalog: RuntimeCatalog) {
    this.#catalog = catalog;
    this.#relative = new Intl.RelativeTimeFormat(catalog.locale, { numeric: 'auto' });
    this.#list = new Intl.ListFormat(catalog.locale, { type: 'conjunction', style: 'long' });
  }

  /** A calendar day, e.g. "18 October 2022" / "18 октября 2022 г.". */
  day(date: Date, zone = 'UTC'): string {
    return this.#memo.get(`day|${date.getTime()}|${zone}`, () =>
      tidy(dateTimeFormat(this.#catalog.locale, zone, 'day').format(date)),
    ) as string;
  }

  /** A span of calendar days (ISO dates, inclusive): "18–19 October 2022". */
  days(startIso: string, endIso: string): string {
    return this.#memo.get(`days|${startIso}|${endIso}`, () => {
      const start = parseCalendarDate(startIso, 'start date');
      const end = parseCalendarDate(endIso, 'end date');
      if (end.getTime() <= start.getTime()) return this.day(start);
      return tidy(dateTimeFormat(this.#catalog.locale, 'UTC', 'day').formatRange(start, end));
    }) as string;
  }

  /** A clock time in `zone`, e.g. "09:00". */
  time(date: Date, zone: string): string {
    return tidy(dateTimeFormat(this.#catalog.locale, zone, 'time').format(date));
  }

  /** "(Dushanbe, UTC+5)" without the parentheses; `label` names the place, else ICU's zone name. */
  zoneLabel(zone: string, at: Date, label?: string): string {
    const name =
      label !== undefined && label !== ''
        ? label
        : (dateTimeFormat(this.#catalog.locale, zone, 'zoneName')
            .formatToParts(at)
            .find((part) => part.type === 'timeZoneName')?.value ?? zone);
    return fillPattern(runtimeString(this.#catalog, 'time.zone'), { name, offset: utcOffset(zone, at) });
  }

  /** Date and time range in `zone` without a zone label. */
  span(start: Date, end: Date | null, zone: string): string {
    const at = runtimeString(this.#catalog, 'time.at');
    const startDay = this.day(start, zone);
    if (end === null || end.getTime() <= start.getTime()) {
      return fillPattern(at, { date: startDay, time: this.time(start, zone) });
    }
    if (this.day(end, zone) === startDay) {
      const times = tidy(dateTimeFormat(this.#catalog.locale, zone, 'time').formatRange(start, end));
      return fillPattern(at, { date: startDay, time: times });
    }
    const from = fillPattern(at, { date: startDay, time: this.time(start, zone) });
    return `${from} – ${fillPattern(at, { date: this.day(end, zone), time: this.time(end, zone) })}`;
  }

  /** "18 October 2022, 09:00–10:30 (Dushanbe, UTC+5)": a time at the venue. */
  atVenue(start: Date, end: Date | null, zone: string, placeLabel?: string): string {
    const key = `venue|${start.getTime()}|${end?.getTime()}|${zone}|${placeLabel}`;
    return this.#memo.get(key, () =>
      fillPattern(runtimeString(this.#catalog, 'time.venue'), {
        when: this.span(start, end, zone),
        zone: this.zoneLabel(zone, start, placeLabel),
      }),
    ) as string;
  }

  /**
   * The same time in the recipient's zone ("… your time (Moscow, UTC+3)"), or `null` when the
   * recipient has no valid zone or their clock reads the same as the venue's at that moment.
   */
  atRecipient(
    start: Date,
    end: Date | null,
    venueZone: string,
    recipientZone: string | undefined,
  ): string | null {
    if (!isTimeZone(recipientZone) || recipientZone === venueZone) return null;
    const key = `local|${start.getTime()}|${end?.getTime()}|${venueZone}|${recipientZone}`;
    return this.#memo.get(key, () => {
      if (utcOffset(recipientZone, start) === utcOffset(venueZone, start)) return null;
      return fillPattern(runtimeString(this.#catalog, 'time.local'), {
        when: this.span(start, end, recipientZone),
        zone: this.zoneLabel(recipientZone, start),
      });
    });
  }

  /** "in 7 days", "tomorrow", "через 1 час"… */
  relative(amount: number, unit: Intl.RelativeTimeFormatUnit): string {
    return this.#memo.get(`rel|${amount}|${unit}`, () => tidy(this.#relative.format(amount, unit))) as string;
  }

  /** "A, B and C" in the catalog's language. */
  list(items: readonly string[]): string {
    if (items.length < 2) return items[0] ?? '';
    return this.#memo.get(`list|${items.join('\u0000')}`, () => this.#list.format(items)) as string;
  }
}

const dateFormatters = new Map<string, DateFormatter>();

/** The (cached) {@link DateFormatter} for a catalog. */
export function dateFormatterFor(catalog: RuntimeCatalog): DateFormatter {
  let formatter = dateFormatters.get(catalog.language);
  if (formatter === undefined) {
    formatter = new DateFormatter(catalog);
    dateFormatters.set(catalog.language, formatter);
  }
  return formatter;
}

// ---------------------------------------------------------------------------------------------------
// Markdown

let markdown: InstanceType<typeof MarkdownIt> | undefined;

function markdownRenderer(): InstanceType<typeof MarkdownIt> {
  if (markdown !== undefined) return markdown;
  // html:false escapes raw HTML instead of passing it through; linkify:false so bare text is never
  // turned into a link the organizer did not write; typographer off keeps quotes as typed.
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: true });
  // Images would be remote content (tracking, broken layouts in RTL); organizers link instead.
  md.disable(['image']);
  // markdown-it's default check only refuses javascript:/vbscript:/file:/data:; mail wants less.
  md.validateLink = (url: string) => /^(?:https?:\/\/|mailto:)/i.test(url.trim());
  const defaultLinkOpen = md.renderer.rules.link_open;
  md.renderer.rules.link_open = (tokens, index, options, env, self) => {
    tokens[index]?.attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen === undefined
      ? self.renderToken(tokens, index, options)
      : defaultLinkOpen(tokens, index, options, env, self);
  };
  markdown = md;
  return md;
}

const markdownCache = new Map<string, string>();
const MARKDOWN_CACHE_SIZE = 64;

/**
 * Renders organizer Markdown to HTML that is safe to insert unescaped: raw HTML is shown as text,
 * links are kept only for http(s) and mailto, images are not rendered. A mailing renders the same
 * body for thousands of recipients, so results are cached by source text.
 */
export function renderMarkdown(source: string): string {
  const cached = markdownCache.get(source);
  if (cached !== undefined) return cached;
  const html = markdownRenderer().render(source);
  if (markdownCache.size >= MARKDOWN_CACHE_SIZE) {
    const oldest = markdownCache.keys().next();
    if (oldest.done !== true) markdownCache.delete(oldest.value);
  }
  markdownCache.set(source, html);
  return html;
}

/**
 * The plain-text alternative of organizer Markdown: the source itself, which Markdown is designed
 * to be readable as, with line endings normalised and control characters removed.
 */
export function markdownToText(source: string): string {
  return source
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .trim();
}
