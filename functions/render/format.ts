/**
 * Locale-aware formatting for the renderer: dates and times with `Intl` in the venue's time zone
 * (and the recipient's, when it differs), and the URL/header hygiene every untrusted value goes
 * through. Organizer Markdown is in markdown.ts, which the sender does not load.
 *
 * Everything here runs once per recipient on the sender's hot path, so `Intl` objects are cached:
 * constructing a `DateTimeFormat` costs tens of microseconds, using one costs about one.
 */
import type { Localized } from './types.js';

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
// Names and honorifics: see address.ts (forms of address by rank, gender and language).

export { normalizeHonorific } from './address.js';

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
  // h23 and two-digit hours in every language: "09:30", never "9:30 ص" beside "11:00".
  time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
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

  /**
   * "(Dushanbe, UTC+5)" without the parentheses. `label` names the place (the venue's city);
   * without one, English names the zone's own city ("Europe/Dublin" → "Dublin, UTC+1") and other
   * languages give the offset alone ("UTC+1"): ICU's generic names ("Ireland Time", "United
   * Kingdom Time") are not what a delegate calls their clock, and a Latin city name does not
   * belong in Russian or Arabic text.
   */
  zoneLabel(zone: string, at: Date, label?: string): string {
    const offset = utcOffset(zone, at);
    const name = label !== undefined && label !== '' ? label : this.#zoneCity(zone);
    if (name === '') return `UTC${offset}`;
    return fillPattern(runtimeString(this.#catalog, 'time.zone'), { name, offset });
  }

  #zoneCity(zone: string): string {
    if (this.#catalog.language !== 'en') return '';
    const city = zone.split('/').pop() ?? '';
    return /^[A-Za-z_-]+$/.test(city) && zone.includes('/') ? city.replace(/_/g, ' ') : '';
  }

  /** Date and time range in `zone` without a zone label. */
  span(start: Date, end: Date | null, zone: string): string {
    const at = runtimeString(this.#catalog, 'time.at');
    const startDay = this.day(start, zone);
    if (end === null || end.getTime() <= start.getTime()) {
      return fillPattern(at, { date: startDay, time: this.time(start, zone) });
    }
    if (this.day(end, zone) === startDay) {
      // Two single times, not formatRange: ICU drops the leading zero in some locales' ranges.
      const times = `${this.time(start, zone)}–${this.time(end, zone)}`;
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
