/** Parsing: any queue body to a typed event or a rejection with codes, paths and a readable reason. */
import type { z } from 'zod';
import {
  INTAKE_EVENT_TYPES,
  type IntakeEvent,
  type IntakeEventType,
  intakeEventSchemas,
} from './envelope.js';
import { describeValue, quote, type RejectionCode, readableErrors } from './issues.js';
import { toSingleLine } from './normalize.js';
import { DEFAULT_MAX_BODY_BYTES } from './vocabulary.js';

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
