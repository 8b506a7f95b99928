/** Field schemas: the zod building blocks every event's data is made of, with their normalization. */
import { z } from 'zod';
import { isValidEmail, normalizeEmail } from '../email.js';
import { type CheckContext, fail, quote } from './issues.js';
import {
  canonicalCountry,
  canonicalLanguage,
  canonicalTimeZone,
  instantOf,
  isIsoDate,
  TIME_ZONE_SHAPE,
  toMultiLine,
  toSingleLine,
} from './normalize.js';

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

export function singleLineText({ max = 500, allowEmpty = false }: TextOptions = {}) {
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
export function identifier(max = 200) {
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

export function emailAddress() {
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

export function timeZone({ allowEmpty = false } = {}) {
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

export function language({ allowEmpty = false } = {}) {
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

export function country({ allowEmpty = false } = {}) {
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

export function isoDate() {
  return z
    .string()
    .overwrite((s) => s.trim())
    .check((ctx) => {
      if (!isIsoDate(ctx.value))
        fail(ctx, 'invalid_date', `${quote(ctx.value)} is not a date (expected YYYY-MM-DD)`);
    })
    .meta({ format: 'date' });
}

export function isoDateTime({ requireSeconds = false } = {}) {
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

export function httpUrl() {
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

export function uniqueList<T extends z.ZodType>(item: T) {
  // Duplicates in a set-like list are harmless repetition, not an error worth a rejection.
  return z.array(item).overwrite((items) => [...new Set(items)]);
}

/**
 * Localized text: an object keyed by BCP 47 language tag, `en` required (it is the fallback),
 * `ru` and `ar` the demo's other languages, any other canonical tag allowed.
 */
export function localizedText(kind: 'single' | 'multi', max?: number) {
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
export function dropBlank<T extends Record<string, unknown>>(keys: readonly (keyof T & string)[]) {
  return (value: T): T => {
    const copy: Record<string, unknown> = { ...value };
    for (const key of keys) if (copy[key] === '') delete copy[key];
    return copy as T;
  };
}

export function endNotBefore(
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
