import { singleLine } from '../../lib/text.js';

const CONTROLS_EXCEPT_LF_TAB = /[^\P{Cc}\n\t]|[\u2028\u2029]/gu;

/** Trims, NFC-normalizes and replaces line breaks and control characters by single spaces. */
export function toSingleLine(text: string): string {
  return singleLine(text.normalize('NFC'));
}

/** Trims, NFC-normalizes, turns CRLF/CR into LF and drops control characters other than LF and TAB. */
export function toMultiLine(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROLS_EXCEPT_LF_TAB, '').trim();
}

export const TIME_ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
let timeZoneSpellings: Map<string, string> | undefined;

/**
 * The IANA time zone named by `name` in its usual spelling (`asia/dushanbe` → `Asia/Dushanbe`), or
 * `undefined` when the runtime's ICU does not know it. Aliases such as `UTC` or `Europe/Kyiv` are
 * accepted as given; UTC-offset strings (`+05:00`) are not time zones and are refused.
 */
export function canonicalTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  // Newer runtimes accept offset strings in Intl; the contract wants a zone with DST rules.
  if (!TIME_ZONE_SHAPE.test(trimmed)) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: trimmed });
  } catch {
    return undefined;
  }
  if (timeZoneSpellings === undefined) {
    timeZoneSpellings = new Map();
    // supportedValuesOf lists canonical zones only, so the common UTC aliases are added by hand.
    for (const zone of [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']) {
      timeZoneSpellings.set(zone.toLowerCase(), zone);
    }
  }
  return timeZoneSpellings.get(trimmed.toLowerCase()) ?? trimmed;
}

/**
 * The canonical form of a BCP 47 language tag (`EN-us` → `en-US`), or `undefined` when it is not
 * one. Primary subtags must have two or three letters: `Intl` also accepts 5–8 letter "registered"
 * subtags, which would let words such as `english` through.
 */
export function canonicalLanguage(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical !== undefined && /^[a-z]{2,3}(?:-|$)/.test(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}

// Two-letter CLDR regions that are not countries a person can be from.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);
let regionNames: Intl.DisplayNames | undefined;

/**
 * The ISO 3166-1 alpha-2 code for `code` (upper-cased; `UK`, the common mistake, becomes `GB`), or
 * `undefined` when it is not an assigned country code. `XK` (Kosovo) is accepted: it is
 * user-assigned in ISO 3166 but used by the EU, the OSCE and CLDR.
 */
export function canonicalCountry(code: string): string | undefined {
  const upper = code.trim().toUpperCase();
  const candidate = upper === 'UK' ? 'GB' : upper;
  if (!/^[A-Z]{2}$/.test(candidate) || NOT_COUNTRIES.has(candidate)) return undefined;
  // Deprecated codes (SU, YU, DD…) canonicalize to another region; refuse them rather than guess.
  if (Intl.getCanonicalLocales(`und-${candidate}`)[0] !== `und-${candidate}`) return undefined;
  regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  return regionNames.of(candidate) === undefined ? undefined : candidate;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

function validCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether `text` is a calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  return m !== null && validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * The instant (epoch milliseconds) of an ISO 8601 / RFC 3339 date-time that carries an offset (`Z`
 * or `±hh:mm`), or `undefined` when `text` is not one. Seconds may be omitted unless
 * `requireSeconds` (RFC 3339 proper, as CloudEvents `time` demands); a local time without an
 * offset is refused because it would be ambiguous for delegates in other time zones.
 */
export function instantOf(text: string, options: { requireSeconds?: boolean } = {}): number | undefined {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone, sign, oh, om] = m;
  if (options.requireSeconds === true && s === undefined) return undefined;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone?.toUpperCase() !== 'Z') {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}
