/**
 * The intake-queue event contract: CloudEvents 1.0 structured events whose `data` is typed per event
 * type (see "Event contract" in DESIGN.md). These zod schemas are the single source of truth: the
 * TypeScript types below are inferred from them, the published JSON Schemas in `schemas/` are
 * generated from them (`functions/events/export-json-schema.ts`), and {@link parseIntakeEvent}
 * turns any queue body into either a typed event or a rejection an organizer can act on.
 *
 * Normalization happens while parsing, so downstream code only ever sees clean values:
 * - every string is trimmed and NFC-normalized;
 * - single-line fields (names, titles, subjects, rooms…) have CR, LF and other control characters
 *   replaced by a space — stripped rather than rejected, because a stray newline pasted from a
 *   spreadsheet should not cost a delegate their registration, and replacing it removes the
 *   header-injection vector just as surely (the sender still strips again when building headers);
 * - Markdown bodies keep their line breaks (CRLF becomes LF) and lose other control characters;
 * - e-mail domains are lower-cased (see `email.ts`); countries are upper-cased (`uk` → `GB`);
 *   language tags are canonicalized (`EN-us` → `en-US`); time zones get their IANA spelling;
 * - optional text fields sent as `""` are treated as absent (registration exports often do that);
 * - unknown `data` fields are dropped rather than rejected, so producers may add fields before
 *   this pipeline knows them. Unknown envelope attributes are kept (CloudEvents extensions).
 */
import { z } from 'zod';
import { KINDS_WITH_CONTENT, MAILING_KINDS } from '../kinds/index.js';
import { singleLine } from '../lib/text.js';
import { isValidEmail, normalizeEmail } from './email.js';

/**
 * Default limit for a queue body, in UTF-8 bytes: 256 KiB, the classic SQS (and SNS, EventBridge)
 * message size, so an event accepted here can also travel through any of those.
 */
export const DEFAULT_MAX_BODY_BYTES = 262_144;

/** Participant roles; press contacts from `press-contact.*` count as `press` in audiences. */
export const ROLES = ['delegate', 'speaker', 'observer', 'press', 'staff'] as const;
// Kinds of organizer-requested mailings, and those whose text the organizer writes: the registry's.
export { KINDS_WITH_CONTENT, MAILING_KINDS };
/** RSVP states an invitation audience can select; `no-answer` is an invitee still `invited`. */
export const RSVP_FILTERS = ['no-answer', 'accepted', 'declined', 'delegated'] as const;
/** Agenda session states. */
export const SESSION_STATUSES = ['scheduled', 'cancelled'] as const;
/** Grammatical gender of a person, for Russian and Arabic forms of address. */
export const GENDERS = ['female', 'male', 'unspecified'] as const;
/** Protocol ranks, highest first (see functions/render/address-table.ts). */
export const TITLE_RANKS = [
  'head-of-state',
  'head-of-government',
  'minister',
  'deputy-minister',
  'ambassador',
  'head-of-delegation',
  'head-of-organization',
  'senior-official',
  'academic',
  'other',
] as const;
/** Offices a salutation can name. */
export const TITLE_OFFICES = [
  'president',
  'vice-president',
  'prime-minister',
  'deputy-prime-minister',
  'minister',
  'deputy-minister',
  'ambassador',
  'secretary-general',
  'director-general',
  'executive-director',
  'high-commissioner',
  'special-representative',
] as const;
/** Academic titles. */
export const TITLE_ACADEMIC = ['dr', 'prof'] as const;

// ---------------------------------------------------------------------------------------------------
// Rejection codes and issue reporting

/** Machine-readable reason for a rejection; the human-readable one is in `reason`. */
export type RejectionCode =
  | 'body_too_large'
  | 'invalid_json'
  | 'not_an_object'
  | 'unsupported_specversion'
  | 'unknown_type'
  | 'missing_field'
  | 'invalid_field'
  | 'invalid_identifier'
  | 'invalid_email'
  | 'invalid_time_zone'
  | 'invalid_language'
  | 'invalid_country'
  | 'invalid_date'
  | 'invalid_url'
  | 'end_before_start'
  | 'duplicate'
  | 'too_long';

interface CheckContext {
  value: unknown;
  issues: z.core.$ZodRawIssue[];
}

function fail(
  ctx: CheckContext,
  code: RejectionCode,
  message: string,
  extra: { path?: PropertyKey[]; template?: boolean } = {},
): void {
  ctx.issues.push({
    code: 'custom',
    input: ctx.value,
    message,
    params: { code, template: extra.template === true },
    ...(extra.path === undefined ? {} : { path: extra.path }),
  });
}

/** Quotes an untrusted value for a reason: JSON escaping keeps control characters visible. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const short = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  return JSON.stringify(short);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/**
 * Per-parse error map: turns zod's generic issues into phrases that complete "<field> …".
 * Schema-level messages (e-mail, time zone, …) take precedence over this.
 */
const readableErrors: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[iss.expected] ?? iss.expected} (got ${describeValue(iss.input)})`;
    case 'invalid_value': {
      const allowed = iss.values.map((v) => String(v));
      if (allowed.length === 1) return `must be ${quote(allowed[0])} (got ${describeValue(iss.input)})`;
      return `must be one of ${allowed.join(', ')} (got ${describeValue(iss.input)})`;
    }
    case 'too_small':
      if (iss.origin === 'string') return 'must not be empty';
      if (iss.origin === 'array')
        return `must list at least ${iss.minimum} item${iss.minimum === 1 ? '' : 's'}`;
      return `must be at least ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'string') {
        const length = typeof iss.input === 'string' ? iss.input.length : '?';
        return `is too long (${length} characters; the limit is ${iss.maximum})`;
      }
      if (iss.origin === 'array') return `lists too many items (the limit is ${iss.maximum})`;
      return `must be at most ${iss.maximum}`;
    case 'invalid_union':
      return `has an unexpected shape (got ${describeValue(iss.input)})`;
    default:
      return undefined;
  }
};

// ---------------------------------------------------------------------------------------------------
// Field validators and normalizers (exported for code that checks values outside an event, e.g. CLI
// flags, so the rules stay in one place)

const CONTROLS_EXCEPT_LF_TAB = /[^\P{Cc}\n\t]|[\u2028\u2029]/gu;

/** Trims, NFC-normalizes and replaces line breaks and control characters by single spaces. */
export function toSingleLine(text: string): string {
  return singleLine(text.normalize('NFC'));
}

/** Trims, NFC-normalizes, turns CRLF/CR into LF and drops control characters other than LF and TAB. */
export function toMultiLine(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROLS_EXCEPT_LF_TAB, '').trim();
}

const TIME_ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
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

// ---------------------------------------------------------------------------------------------------
// Field schemas

interface TextOptions {
  /** Longest accepted length after normalization. */
  max?: number;
  /** Accept `""`; for required fields that may legitimately be blank (a family name for a mononym). */
  allowEmpty?: boolean;
}

// For the published JSON Schema only: a coarse shape (intake checks the tag with Intl).
const LANGUAGE_TAG_SHAPE = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$';

/** A JSON Schema pattern that also admits "" when the field treats blank as absent. */
function optionalPattern(anchored: string, allowEmpty: boolean): string {
  return allowEmpty ? `^(?:${anchored.slice(1, -1)})?$` : anchored;
}

function singleLineText({ max = 500, allowEmpty = false }: TextOptions = {}) {
  const base = z.string().overwrite(toSingleLine);
  // The published schema sees the raw value: a pattern stands in for "not blank once normalized".
  return allowEmpty ? base.max(max) : base.min(1).max(max).meta({ pattern: '\\S' });
}

function multiLineText({ max = 100_000 }: TextOptions = {}) {
  return z.string().overwrite(toMultiLine).min(1).max(max);
}

/**
 * An opaque identifier (conference, registration, session, mailing…). Refused rather than cleaned
 * when it contains spaces or control characters: ids are compared byte for byte, and a silently
 * changed id would make two producers disagree about which record they mean.
 */
function identifier(max = 200) {
  return z
    .string()
    .overwrite((s) => s.trim())
    .min(1)
    .max(max)
    .check((ctx) => {
      if (/[\s\p{Cc}]/u.test(ctx.value)) {
        fail(ctx, 'invalid_identifier', `${quote(ctx.value)} contains spaces or control characters`);
      }
    })
    .meta({ pattern: '^\\S+$' });
}

function emailAddress() {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      if (!isValidEmail(ctx.value))
        fail(ctx, 'invalid_email', `${quote(ctx.value)} is not a valid e-mail address`);
    })
    .overwrite((s) => (isValidEmail(s) ? normalizeEmail(s).address : s))
    .meta({ format: 'email' });
}

function timeZone({ allowEmpty = false } = {}) {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      if (allowEmpty && ctx.value === '') return;
      if (canonicalTimeZone(ctx.value) === undefined) {
        fail(
          ctx,
          'invalid_time_zone',
          `${quote(ctx.value)} is not an IANA time zone (e.g. Asia/Dushanbe, UTC)`,
        );
      }
    })
    .overwrite((s) => canonicalTimeZone(s) ?? s)
    .meta({
      description: 'IANA time zone name, e.g. "Asia/Dushanbe"',
      pattern: optionalPattern(TIME_ZONE_SHAPE.source, allowEmpty),
    });
}

function language({ allowEmpty = false } = {}) {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      if (allowEmpty && ctx.value === '') return;
      if (canonicalLanguage(ctx.value) === undefined) {
        fail(
          ctx,
          'invalid_language',
          `${quote(ctx.value)} is not a BCP 47 language tag (e.g. en, ru, ar, pt-BR)`,
        );
      }
    })
    .overwrite((s) => canonicalLanguage(s) ?? s)
    .meta({
      description: 'BCP 47 language tag, e.g. "ru" or "pt-BR"',
      pattern: optionalPattern(LANGUAGE_TAG_SHAPE, allowEmpty),
    });
}

function country({ allowEmpty = false } = {}) {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      if (allowEmpty && ctx.value === '') return;
      if (canonicalCountry(ctx.value) === undefined) {
        fail(
          ctx,
          'invalid_country',
          `${quote(ctx.value)} is not an ISO 3166-1 alpha-2 country code (e.g. TJ, GB)`,
        );
      }
    })
    .overwrite((s) => canonicalCountry(s) ?? s)
    .meta({
      description: 'ISO 3166-1 alpha-2 country code, e.g. "TJ"',
      pattern: optionalPattern('^[A-Za-z]{2}$', allowEmpty),
    });
}

function isoDate() {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      if (!isIsoDate(ctx.value))
        fail(ctx, 'invalid_date', `${quote(ctx.value)} is not a date (expected YYYY-MM-DD)`);
    })
    .meta({ format: 'date' });
}

function isoDateTime({ requireSeconds = false } = {}) {
  const example = requireSeconds ? '2022-09-14T10:00:00Z' : '2022-10-18T09:00+05:00';
  return (
    z
      .string()
      .overwrite((s) => s.trim())
      .check((ctx) => {
        if (instantOf(ctx.value, { requireSeconds }) === undefined) {
          fail(
            ctx,
            'invalid_date',
            `${quote(ctx.value)} is not a date-time with an offset (e.g. ${example})`,
          );
        }
      })
      // Upper-case T and Z so that every consumer, including Date.parse, reads the value the same way.
      .overwrite((s) => s.toUpperCase())
      .meta({ format: 'date-time' })
  );
}

function httpUrl() {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      let ok = false;
      try {
        const url = new URL(ctx.value);
        ok = url.protocol === 'https:' || url.protocol === 'http:';
      } catch {
        ok = false;
      }
      if (!ok) fail(ctx, 'invalid_url', `${quote(ctx.value)} is not an http(s) URL`);
    })
    .meta({ format: 'uri' });
}

function uniqueList<T extends z.ZodType>(item: T) {
  // Duplicates in a set-like list are harmless repetition, not an error worth a rejection.
  return z.array(item).overwrite((items) => [...new Set(items)]);
}

/**
 * Localized text: an object keyed by BCP 47 language tag, `en` required (it is the fallback),
 * `ru` and `ar` the demo's other languages, any other canonical tag allowed.
 */
function localizedText(kind: 'single' | 'multi', max?: number) {
  const text = kind === 'single' ? singleLineText({ max }) : multiLineText({ max });
  return z
    .object({ en: text, ru: text.optional(), ar: text.optional() })
    .catchall(text)
    .check((ctx) => {
      for (const key of Object.keys(ctx.value)) {
        const canonical = canonicalLanguage(key);
        if (canonical === undefined) {
          fail(ctx, 'invalid_language', `has a key ${quote(key)} that is not a BCP 47 language tag`);
        } else if (canonical !== key) {
          // Keys are looked up verbatim by templates, so only the canonical spelling can ever match.
          fail(ctx, 'invalid_language', `has a key ${quote(key)}; write it as ${quote(canonical)}`);
        }
      }
    })
    .meta({
      description: 'Text keyed by BCP 47 language tag; "en" is required and used as the fallback',
      propertyNames: { pattern: LANGUAGE_TAG_SHAPE },
    });
}

/** Drops optional keys sent as `""` so consumers see them as absent, never as blank. */
function dropBlank<T extends Record<string, unknown>>(keys: readonly (keyof T & string)[]) {
  return (value: T): T => {
    const copy: Record<string, unknown> = { ...value };
    for (const key of keys) if (copy[key] === '') delete copy[key];
    return copy as T;
  };
}

function endNotBefore(
  startKey: string,
  endKey: string,
  toComparable: (s: string) => number | string | undefined,
) {
  return (ctx: CheckContext): void => {
    const value = ctx.value as Record<string, unknown>;
    const start = value[startKey];
    const end = value[endKey];
    if (typeof start !== 'string' || typeof end !== 'string') return;
    const a = toComparable(start);
    const b = toComparable(end);
    if (a === undefined || b === undefined || b >= a) return;
    fail(ctx, 'end_before_start', `{path} (${end}) is before {parent}.${startKey} (${start})`, {
      path: [endKey],
      template: true,
    });
  };
}

// ---------------------------------------------------------------------------------------------------
// Data schemas, one per event type

/** Enum of participant roles. */
export const roleSchema = z.enum(ROLES);
/** Enum of mailing kinds. */
export const mailingKindSchema = z.enum(MAILING_KINDS);
/** Enum of session states. */
export const sessionStatusSchema = z.enum(SESSION_STATUSES);
/** One-line localized text (names, titles, subjects). */
export const localizedLineSchema = localizedText('single');
/** Multi-line localized text (Markdown bodies). */
export const localizedMarkdownSchema = localizedText('multi');

/**
 * Place text (city, venue, room, a speaker): a plain string, read as the same text in every
 * language, or localized text. Kept in the shape it was sent, so every event valid before is
 * stored as before.
 */
function placeText(max: number) {
  return z.union([singleLineText({ max }), localizedText('single', max)], {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `must be text or a localized text object with an "en" key (got ${describeValue(iss.input)})`
        : undefined,
  });
}

const organizerSchema = z
  .union([singleLineText({ max: 300 }), localizedText('single', 300)], {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? `must be a name or a localized text object with an "en" key (got ${describeValue(iss.input)})`
        : undefined,
  })
  // Plain strings are accepted for convenience and read as English, so consumers see one shape.
  .transform((v) => (typeof v === 'string' ? { en: v } : v));

/** `conference.upserted` data. */
export const conferenceUpsertedDataSchema = z
  .object({
    conferenceId: identifier(),
    name: localizedText('single', 300),
    /** For sender display names and subjects; the official `name` stays in the body. */
    shortName: localizedText('single', 80).optional(),
    city: placeText(200),
    venue: placeText(300),
    timeZone: timeZone(),
    start: isoDate(),
    end: isoDate(),
    organizers: z.array(organizerSchema),
    website: httpUrl(),
    languages: uniqueList(language()).min(1),
    sender: z.object({
      from: emailAddress(),
      replyTo: emailAddress(),
    }),
    pressContacts: z
      .array(
        z.object({
          name: singleLineText({ max: 200 }),
          email: emailAddress(),
          role: singleLineText({ max: 300 }),
        }),
      )
      .default([]),
  })
  // ISO dates compare correctly as strings.
  .check(endNotBefore('start', 'end', (s) => (isIsoDate(s) ? s : undefined)));

const personOptionalKeys = ['honorific', 'organization', 'country', 'language', 'timeZone'] as const;

/** A structured title beside the free-text honorific; it overrides what the text says. */
export const personTitleSchema = z
  .object({
    rank: z.enum(TITLE_RANKS).optional(),
    office: z.enum(TITLE_OFFICES).optional(),
    academic: z.enum(TITLE_ACADEMIC).optional(),
    /** Styled "Excellency" (H.E.); by default implied by the rank. */
    excellency: z.boolean().optional(),
  })
  .meta({ description: 'Protocol rank and title parts, e.g. {"office": "minister", "academic": "dr"}' });

/** The person behind a registration. */
export const personSchema = z
  .object({
    email: emailAddress(),
    givenName: singleLineText({ max: 200 }),
    familyName: singleLineText({ max: 200, allowEmpty: true }),
    honorific: singleLineText({ max: 100, allowEmpty: true }).optional(),
    gender: z.enum(GENDERS).optional(),
    title: personTitleSchema.optional(),
    organization: singleLineText({ max: 300, allowEmpty: true }).optional(),
    country: country({ allowEmpty: true }).optional(),
    language: language({ allowEmpty: true }).optional(),
    timeZone: timeZone({ allowEmpty: true }).optional(),
  })
  .overwrite(dropBlank(personOptionalKeys));

/** `registration.created` and `registration.updated` data. */
export const registrationDataSchema = z.object({
  conferenceId: identifier(),
  registrationId: identifier(),
  person: personSchema,
  role: roleSchema,
  sessions: uniqueList(identifier()).default([]),
});

/**
 * `registration.cancelled` data: the same shape, but only the ids are required — a cancellation
 * must not be refused because, say, the person's language tag was wrong in the same message.
 */
export const registrationCancelledDataSchema = z.object({
  conferenceId: identifier(),
  registrationId: identifier(),
  person: personSchema.optional(),
  role: roleSchema.optional(),
  sessions: uniqueList(identifier()).optional(),
});

/** One session of the agenda. Times carry an offset; `end` is not before `start`. */
export const sessionSchema = z
  .object({
    sessionId: identifier(),
    title: localizedText('single', 300),
    start: isoDateTime(),
    end: isoDateTime(),
    room: placeText(200),
    speakers: z.array(placeText(200)).default([]),
    plenary: z.boolean(),
    status: sessionStatusSchema,
  })
  .check(endNotBefore('start', 'end', (s) => instantOf(s)));

/** `agenda.changed` data: sessions upserted at `version` (see `functions/domain/agenda.ts`). */
export const agendaChangedDataSchema = z.object({
  conferenceId: identifier(),
  version: z
    .number()
    .int({ error: (iss) => `must be a positive integer (got ${describeValue(iss.input)})` })
    .min(1, { error: (iss) => `must be a positive integer (got ${describeValue(iss.input)})` }),
  sessions: z.array(sessionSchema).check((ctx) => {
    const seen = new Set<string>();
    ctx.value.forEach((session, index) => {
      if (seen.has(session.sessionId)) {
        fail(ctx, 'duplicate', `${quote(session.sessionId)} is listed twice`, { path: [index, 'sessionId'] });
      }
      seen.add(session.sessionId);
    });
  }),
});

const pressContactOptionalKeys = ['outlet', 'language', 'country'] as const;

/** `press-contact.upserted` data. */
export const pressContactUpsertedDataSchema = z
  .object({
    conferenceId: identifier(),
    contactId: identifier(),
    email: emailAddress(),
    name: singleLineText({ max: 200 }),
    outlet: singleLineText({ max: 300, allowEmpty: true }).optional(),
    language: language({ allowEmpty: true }).optional(),
    country: country({ allowEmpty: true }).optional(),
  })
  .overwrite(dropBlank(pressContactOptionalKeys));

/** `press-contact.removed` data: only the ids are required (see registration.cancelled). */
export const pressContactRemovedDataSchema = z.object({
  conferenceId: identifier(),
  contactId: identifier(),
  email: emailAddress().optional(),
  name: singleLineText({ max: 200 }).optional(),
});

function nonEmptyFilter<T extends z.ZodType>(item: T, noun: string) {
  // An empty filter is ambiguous ("nobody" or "no filter"?); asking to omit it removes the doubt.
  return uniqueList(item)
    .min(1, { error: () => `must list at least one ${noun}; omit it to include every ${noun}` })
    .optional();
}

/** Who a mailing goes to: every filter given must match; an absent filter matches everyone. */
export const audienceSchema = z.object({
  roles: nonEmptyFilter(roleSchema, 'role'),
  languages: nonEmptyFilter(language(), 'language'),
  countries: nonEmptyFilter(country(), 'country'),
  sessions: nonEmptyFilter(identifier(), 'session'),
  contactIds: nonEmptyFilter(identifier(), 'contact'),
  // Invitations (see "Invitees" below): invitee groups and RSVP states.
  groups: nonEmptyFilter(singleLineText({ max: 200 }), 'group'),
  rsvp: nonEmptyFilter(z.enum(RSVP_FILTERS), 'RSVP state'),
});

/** Organizer-written content of an announcement or media advisory. */
export const mailingContentSchema = z.object({
  subject: localizedText('single', 200),
  body: localizedText('multi'),
  embargoUntil: isoDateTime().optional(),
});

/** `mailing.requested` data. */
export const mailingRequestedDataSchema = z
  .object({
    conferenceId: identifier(),
    mailingId: identifier(),
    kind: mailingKindSchema,
    audience: audienceSchema,
    content: mailingContentSchema.optional(),
    sendAt: isoDateTime().optional(),
    dryRun: z.boolean().optional(),
    requestedBy: singleLineText({ max: 320 }),
  })
  .check((ctx) => {
    const kind = ctx.value.kind;
    if ((KINDS_WITH_CONTENT as readonly string[]).includes(kind) && ctx.value.content === undefined) {
      fail(ctx, 'missing_field', `is required when kind is ${quote(kind)}`, { path: ['content'] });
    }
  })
  // The same rule for producers who validate against the published JSON Schema.
  .meta({
    if: { properties: { kind: { enum: [...KINDS_WITH_CONTENT] } }, required: ['kind'] },
    // `properties` names `content` here too: Ajv's strict mode refuses a `required` it cannot see defined.
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword; this object is never awaited.
    then: { properties: { content: true }, required: ['content'] },
  });

/** `mailing.cancelled` data. */
export const mailingCancelledDataSchema = z.object({
  conferenceId: identifier(),
  mailingId: identifier(),
  requestedBy: singleLineText({ max: 320 }),
});

// ---------------------------------------------------------------------------------------------------
// Invitees (turn 2): people invited before they register, and the answers they give

/** `invitee.upserted` data: the person as in registrations, an invitation group, and whether they may send someone. */
export const inviteeUpsertedDataSchema = z
  .object({
    conferenceId: identifier(),
    inviteeId: identifier(),
    person: personSchema,
    group: singleLineText({ max: 200, allowEmpty: true }).optional(),
    mayDesignate: z.boolean().optional(),
  })
  .overwrite(dropBlank(['group']));

/** `invitee.removed` data: only the ids. */
export const inviteeRemovedDataSchema = z.object({
  conferenceId: identifier(),
  inviteeId: identifier(),
});

/** A representative an invitee designates on the RSVP page (the form's name, e-mail and title). */
export const representativeSchema = z
  .object({
    name: singleLineText({ max: 200 }),
    email: emailAddress(),
    honorific: singleLineText({ max: 100, allowEmpty: true }).optional(),
  })
  .overwrite(dropBlank(['honorific']));

// ---------------------------------------------------------------------------------------------------
// Envelope

const envelopeShape = {
  specversion: z.literal('1.0', {
    error: (iss) => (iss.input === undefined ? undefined : `must be "1.0" (got ${describeValue(iss.input)})`),
  }),
  // Not cleaned: `id` is the idempotency key, so it must be exactly what the producer will resend.
  id: z
    .string()
    .min(1)
    .max(256)
    .check((ctx) => {
      if (/\p{Cc}/u.test(ctx.value) || ctx.value.trim() !== ctx.value) {
        fail(ctx, 'invalid_identifier', `${quote(ctx.value)} has surrounding spaces or control characters`);
      }
    }),
  source: singleLineText({ max: 1024 }),
  time: isoDateTime({ requireSeconds: true }),
  datacontenttype: jsonMediaType().optional(),
};

/**
 * `application/json`, with or without parameters (`application/json; charset=utf-8` is the
 * CloudEvents SDK's default), in any letter case, as media types compare (RFC 9110 §8.3.1).
 */
function jsonMediaType() {
  const essence = 'application/json';
  const anyCase = [...essence].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
  return z
    .string()
    .regex(/^application\/json[ \t]*(?:;.*)?$/i, {
      error: (iss) =>
        `must be "application/json", optionally with parameters such as "; charset=utf-8" (got ${describeValue(iss.input)})`,
    })
    .meta({ pattern: `^${anyCase}[ \t]*(;.*)?$` });
}

function cloudEvent<const T extends string, D extends z.ZodType>(type: T, data: D, description: string) {
  // Loose: CloudEvents extension attributes (traceparent, subject…) pass through untouched.
  return z.looseObject({ ...envelopeShape, type: z.literal(type), data }).meta({ title: type, description });
}

/** Event schemas by type. */
export const conferenceUpsertedEventSchema = cloudEvent(
  'conference.upserted',
  conferenceUpsertedDataSchema,
  'A conference was created or changed: names, dates, venue, time zone, languages, sender and press officers.',
);
export const registrationCreatedEventSchema = cloudEvent(
  'registration.created',
  registrationDataSchema,
  'A person registered for a conference; they receive a confirmation with a calendar file.',
);
export const registrationUpdatedEventSchema = cloudEvent(
  'registration.updated',
  registrationDataSchema,
  'A registration changed (person details, role or sessions); the whole registration is sent.',
);
export const registrationCancelledEventSchema = cloudEvent(
  'registration.cancelled',
  registrationCancelledDataSchema,
  'A registration was cancelled; only conferenceId and registrationId are required.',
);
export const agendaChangedEventSchema = cloudEvent(
  'agenda.changed',
  agendaChangedDataSchema,
  'Sessions of the agenda at a version: each listed session replaces an older stored copy; unlisted sessions are kept. Drop a session by sending it with status "cancelled".',
);
export const pressContactUpsertedEventSchema = cloudEvent(
  'press-contact.upserted',
  pressContactUpsertedDataSchema,
  'A press contact was added or changed; press contacts count as role "press" in audiences.',
);
export const pressContactRemovedEventSchema = cloudEvent(
  'press-contact.removed',
  pressContactRemovedDataSchema,
  'A press contact was removed; only conferenceId and contactId are required.',
);
export const mailingRequestedEventSchema = cloudEvent(
  'mailing.requested',
  mailingRequestedDataSchema,
  'An organizer asked for a mailing to an audience; announcements and media advisories carry their content.',
);
export const mailingCancelledEventSchema = cloudEvent(
  'mailing.cancelled',
  mailingCancelledDataSchema,
  'An organizer cancelled a mailing; deliveries not yet sent are cancelled.',
);

export const inviteeUpsertedEventSchema = cloudEvent(
  'invitee.upserted',
  inviteeUpsertedDataSchema,
  'A person was invited (or their details changed): they receive invitations until they answer or register.',
);
export const inviteeRemovedEventSchema = cloudEvent(
  'invitee.removed',
  inviteeRemovedDataSchema,
  'An invitee was taken off the list; only conferenceId and inviteeId are required.',
);

/**
 * Every event type the intake queue accepts from producers, with its schema. These are the types
 * published as JSON Schema. Types the pipeline later sends to itself on the same queue (a clock's
 * reminder tick, say) belong in {@link intakeEventSchemas} but not here.
 */
export const publicEventSchemas = {
  'conference.upserted': conferenceUpsertedEventSchema,
  'registration.created': registrationCreatedEventSchema,
  'registration.updated': registrationUpdatedEventSchema,
  'registration.cancelled': registrationCancelledEventSchema,
  'agenda.changed': agendaChangedEventSchema,
  'press-contact.upserted': pressContactUpsertedEventSchema,
  'press-contact.removed': pressContactRemovedEventSchema,
  'mailing.requested': mailingRequestedEventSchema,
  'mailing.cancelled': mailingCancelledEventSchema,
  'invitee.upserted': inviteeUpsertedEventSchema,
  'invitee.removed': inviteeRemovedEventSchema,
} as const;

/** Every event type the intake queue accepts: the public ones plus the pipeline's internal ones. */
export const intakeEventSchemas = {
  ...publicEventSchemas,
  // Internal types go here, e.g. 'reminder.due': cloudEvent('reminder.due', reminderDueDataSchema).
} as const;

/** Name of an accepted event type. */
export type IntakeEventType = keyof typeof intakeEventSchemas;
/** Name of an event type published for producers. */
export type PublicEventType = keyof typeof publicEventSchemas;

/** Accepted event types, in contract order. */
export const INTAKE_EVENT_TYPES = Object.keys(intakeEventSchemas) as IntakeEventType[];
/** Published event types, in contract order. */
export const PUBLIC_EVENT_TYPES = Object.keys(publicEventSchemas) as PublicEventType[];

/** Any accepted event, discriminated by `type`. */
export type IntakeEvent = {
  [K in IntakeEventType]: z.infer<(typeof intakeEventSchemas)[K]>;
}[IntakeEventType];
/** The accepted event of one type. */
export type IntakeEventOf<K extends IntakeEventType> = Extract<IntakeEvent, { type: K }>;

/** Schema of any accepted event (a discriminated union on `type`). */
export const intakeEventSchema = z.discriminatedUnion('type', [
  conferenceUpsertedEventSchema,
  registrationCreatedEventSchema,
  registrationUpdatedEventSchema,
  registrationCancelledEventSchema,
  agendaChangedEventSchema,
  pressContactUpsertedEventSchema,
  pressContactRemovedEventSchema,
  mailingRequestedEventSchema,
  mailingCancelledEventSchema,
  inviteeUpsertedEventSchema,
  inviteeRemovedEventSchema,
]);

/** What a producer may send for any accepted event (before defaults and normalization). */
export type IntakeEventInput = z.input<typeof intakeEventSchema>;

/** A participant role. */
export type Role = z.infer<typeof roleSchema>;
/** A mailing kind. */
export type MailingKind = z.infer<typeof mailingKindSchema>;
/** A session state. */
export type SessionStatus = z.infer<typeof sessionStatusSchema>;
/** Text keyed by BCP 47 tag, `en` always present. */
export type LocalizedText = z.infer<typeof localizedLineSchema>;
/** Place text: one string for every language, or localized. */
export type PlaceText = string | LocalizedText;
/** A person's structured title. */
export type PersonTitle = z.infer<typeof personTitleSchema>;
/** A person's grammatical gender. */
export type Gender = (typeof GENDERS)[number];
/** The person behind a registration, normalized. */
export type Person = z.infer<typeof personSchema>;
/** One agenda session, normalized. */
export type Session = z.infer<typeof sessionSchema>;
/** Filters of a mailing's audience. */
export type Audience = z.infer<typeof audienceSchema>;
/** Organizer-written mailing content. */
export type MailingContent = z.infer<typeof mailingContentSchema>;
/** `data` of `conference.upserted`. */
export type ConferenceUpsertedData = z.infer<typeof conferenceUpsertedDataSchema>;
/** `data` of `registration.created` and `registration.updated`. */
export type RegistrationData = z.infer<typeof registrationDataSchema>;
/** `data` of `registration.cancelled`. */
export type RegistrationCancelledData = z.infer<typeof registrationCancelledDataSchema>;
/** `data` of `agenda.changed`. */
export type AgendaChangedData = z.infer<typeof agendaChangedDataSchema>;
/** `data` of `press-contact.upserted`. */
export type PressContactUpsertedData = z.infer<typeof pressContactUpsertedDataSchema>;
/** `data` of `press-contact.removed`. */
export type PressContactRemovedData = z.infer<typeof pressContactRemovedDataSchema>;
/** `data` of `mailing.requested`. */
export type MailingRequestedData = z.infer<typeof mailingRequestedDataSchema>;
/** `data` of `mailing.cancelled`. */
export type MailingCancelledData = z.infer<typeof mailingCancelledDataSchema>;
/** `data` of `invitee.upserted`. */
export type InviteeUpsertedData = z.infer<typeof inviteeUpsertedDataSchema>;
/** An RSVP state an audience can select. */
export type RsvpFilter = (typeof RSVP_FILTERS)[number];
/** A designated representative. */
export type Representative = z.infer<typeof representativeSchema>;

// ---------------------------------------------------------------------------------------------------
// Parsing

/** One problem found in an event. */
export interface RejectionIssue {
  /** Where, e.g. `data.sessions[2].end`; `""` for the body as a whole. */
  readonly path: string;
  readonly code: RejectionCode;
  /** A full sentence naming the field, e.g. `data.person.email: "jane@" is not a valid e-mail address`. */
  readonly message: string;
}

/** Why an event was refused, in words an organizer can act on. */
export interface Rejection {
  /** The event's `id`, when the body had a usable one. */
  readonly eventId?: string;
  /** The event's `type`, when the body had one (even an unknown one). */
  readonly type?: string;
  /** Every issue's message, joined with "; " (capped; see `issues` for all of them). */
  readonly reason: string;
  /** The first issue's code. */
  readonly code: RejectionCode;
  readonly issues: readonly RejectionIssue[];
}

/** Outcome of {@link parseIntakeEvent}: a typed event or a rejection, never an exception. */
export type ParseResult = { ok: true; event: IntakeEvent } | { ok: false; rejection: Rejection };

/** Options of {@link parseIntakeEvent}. */
export interface ParseOptions {
  /** Largest accepted body in UTF-8 bytes; defaults to {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBytes?: number;
}

const MAX_ISSUES_IN_REASON = 5;

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function codeOf(issue: z.core.$ZodIssue): RejectionCode {
  if (issue.code === 'custom') {
    const code = (issue.params as { code?: RejectionCode } | undefined)?.code;
    return code ?? 'invalid_field';
  }
  if (issue.path.length === 1 && issue.path[0] === 'specversion') return 'unsupported_specversion';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'missing_field';
  if (issue.code === 'too_big' && issue.origin === 'string') return 'too_long';
  return 'invalid_field';
}

function toRejectionIssue(issue: z.core.$ZodIssue): RejectionIssue {
  const path = formatPath(issue.path);
  const subject = path === '' ? 'event' : path;
  let message: string;
  if (issue.code === 'custom' && (issue.params as { template?: boolean } | undefined)?.template === true) {
    message = issue.message
      .replace('{path}', subject)
      .replace('{parent}', formatPath(issue.path.slice(0, -1)));
  } else if (/^(is|must|has|lists) /.test(issue.message)) {
    message = `${subject} ${issue.message}`;
  } else {
    message = `${subject}: ${issue.message}`;
  }
  return { path, code: codeOf(issue), message };
}

function reject(
  issues: RejectionIssue[],
  eventId: string | undefined,
  type: string | undefined,
): ParseResult {
  const messages = [...new Set(issues.map((i) => i.message))];
  const shown = messages.slice(0, MAX_ISSUES_IN_REASON);
  const more = messages.length - shown.length;
  const reason = shown.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
  const rejection: Rejection = {
    ...(eventId === undefined ? {} : { eventId }),
    ...(type === undefined ? {} : { type }),
    reason,
    code: issues[0]?.code ?? 'invalid_field',
    issues,
  };
  return { ok: false, rejection };
}

function single(code: RejectionCode, message: string, eventId?: string, type?: string): ParseResult {
  return reject([{ path: '', code, message }], eventId, type);
}

/** A string attribute fit to label a rejection record: trimmed, non-empty, bounded. */
function label(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = toSingleLine(value);
  if (clean === '') return undefined;
  return clean.length > 256 ? `${clean.slice(0, 255)}…` : clean;
}

function isIntakeEventType(type: string): type is IntakeEventType {
  return Object.hasOwn(intakeEventSchemas, type);
}

// A body with none of the context attributes is what CloudEvents binary content mode sends: the
// data alone, with the attributes in transport headers (SQS message attributes), which intake
// does not read. Saying so is more useful than listing each missing attribute.
const BINARY_MODE_REASON =
  'body has no specversion, id or type: it looks like a CloudEvents binary-mode message (data in the body, ' +
  'attributes elsewhere); this queue takes structured mode only, one JSON object with specversion "1.0", ' +
  'id, source, type, time and data';

/**
 * Validates an already-decoded event (for producers that build events in code, such as the CLI).
 * Never throws: see {@link parseIntakeEvent}.
 */
export function validateIntakeEvent(value: unknown): ParseResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return single(
      'not_an_object',
      `body must be a JSON object (a CloudEvents 1.0 structured event); got ${describeValue(value)}`,
    );
  }
  const record = value as Record<string, unknown>;
  const eventId = label(record.id);
  const type = label(record.type);

  // The attributes that decide how to read the rest are checked first, so their reason is not
  // buried under a list of consequences.
  const specversion = record.specversion;
  if (specversion !== '1.0') {
    const message =
      specversion === undefined && record.id === undefined && record.type === undefined
        ? BINARY_MODE_REASON
        : specversion === undefined
          ? 'specversion is required; this queue takes CloudEvents "1.0"'
          : `specversion must be "1.0" (got ${describeValue(specversion)})`;
    return single('unsupported_specversion', message, eventId, type);
  }
  const expected = `expected one of ${INTAKE_EVENT_TYPES.join(', ')}`;
  if (typeof record.type !== 'string') {
    const message =
      record.type === undefined
        ? `type is required; ${expected}`
        : `type must be text (got ${describeValue(record.type)}); ${expected}`;
    return single('unknown_type', message, eventId, type);
  }
  if (!isIntakeEventType(record.type)) {
    return single('unknown_type', `unknown event type ${quote(record.type)}; ${expected}`, eventId, type);
  }

  const schema: z.ZodType = intakeEventSchemas[record.type];
  // reportInput keeps `input` on the issues, which codeOf needs to tell "missing" from "wrong".
  const result = schema.safeParse(value, { error: readableErrors, reportInput: true });
  if (result.success) return { ok: true, event: result.data as IntakeEvent };
  return reject(result.error.issues.map(toRejectionIssue), eventId, type);
}

/**
 * Parses one intake-queue message body into a typed event, or explains why it cannot be accepted.
 *
 * Checks, in order: size (UTF-8 bytes, before parsing, so an oversized body costs no JSON work),
 * JSON syntax, object shape, `specversion`, `type`, then the envelope and `data` of that type —
 * reporting every problem found in the last step, not only the first. Never throws, whatever the
 * input, so a handler can record the rejection and move on.
 */
export function parseIntakeEvent(raw: string, opts: ParseOptions = {}): ParseResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (typeof raw !== 'string') {
    return single('invalid_json', `body must be text (got ${describeValue(raw)})`);
  }
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > maxBytes) {
    return single('body_too_large', `body is ${bytes} bytes; the limit is ${maxBytes}`);
  }
  let value: unknown;
  try {
    // Editors on Windows like to prepend a byte-order mark, which JSON.parse refuses.
    value = JSON.parse(raw.startsWith('\uFEFF') ? raw.slice(1) : raw);
  } catch (error) {
    // The engine quotes the offending input, which may hold raw line breaks: escape them so the
    // reason stays on one line wherever it is shown.
    const detail = (error instanceof Error ? error.message : String(error)).replace(
      /[\p{Cc}\u2028\u2029]/gu,
      (c) => JSON.stringify(c).slice(1, -1),
    );
    return single('invalid_json', `body is not valid JSON: ${detail}`);
  }
  return validateIntakeEvent(value);
}
