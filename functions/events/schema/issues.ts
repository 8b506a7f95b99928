/** Rejection codes and how issues become reasons an organizer can read. */
import type { z } from 'zod';

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

export interface CheckContext {
  value: unknown;
  issues: z.core.$ZodRawIssue[];
}

export function fail(
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
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const short = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  return JSON.stringify(short);
}

export function describeValue(value: unknown): string {
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
export const readableErrors: z.core.$ZodErrorMap = (iss) => {
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
