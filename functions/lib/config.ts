import { ConfigurationError } from './errors.js';

/*
 * Handler configuration, validated once at cold start. Checked by hand rather
 * than with zod: zod's core (with every locale) is ~400 KB minified, which would
 * be half of the sender's bundle for a dozen environment variables. The event
 * contract, where validation is the product, uses zod.
 */

export interface ReminderOffsetsEnv {
  conference: string[];
  session: string[];
}

export interface Env {
  TABLE_NAME: string;
  SEND_QUEUE_URL: string;
  INTAKE_QUEUE_URL: string;
  INTAKE_DLQ_URL: string;
  /** How long a sender's claim on a delivery lasts; past it, a silent claim becomes `uncertain`. */
  SEND_LEASE_SECONDS: number;
  /** How long the intake's claim on an event id lasts (longer than the intake's timeout); default 120. */
  EVENT_LEASE_SECONDS: number;
  /** How long a held job (its mailing is paused) waits before it looks again; default 900, SQS's longest delay. */
  SEND_HOLD_SECONDS: number;
  /** How long a sending mailing stays still before the clock re-enqueues its queued deliveries; default 1000. */
  STALE_QUEUED_SECONDS: number;
  /** How long the clock's counter recount waits between its two looks; default 120 (> every function's timeout). */
  COUNTERS_QUIET_SECONDS: number;
  CONFIGURATION_SET: string;
  FROM_ADDRESS: string;
  SENDER_DOMAIN: string;
  RETENTION_DAYS: number;
  REMINDER_OFFSETS: ReminderOffsetsEnv;
  SEND_RATE_PER_INVOCATION: number;
  /** How many sender invocations may run at once: the fleet's rate is this × SEND_RATE_PER_INVOCATION. */
  SENDER_CONCURRENCY: number;
  UNSUBSCRIBE_BASE_URL: string;
  /** Local only: the HMAC keys inline. In AWS they come from UNSUBSCRIBE_KEY_PARAMETER (SSM). */
  UNSUBSCRIBE_KEYS?: string | undefined;
  UNSUBSCRIBE_KEY_PARAMETER?: string | undefined;
  /** Set by the local stack: enables the settable clock. */
  COMMUNIQUE_LOCAL?: string | undefined;
  /** Base URL of the RSVP endpoint (invitations carry personal links under it). */
  RSVP_BASE_URL?: string | undefined;
  /** SNS topic the RSVP answers are published to (the outbound contract). */
  ANSWERS_TOPIC_ARN: string;
  /** The work queues whose dead letters are taken up: `name,maxReceiveCount,dlqArn,queueUrl` each, space-separated. */
  DEAD_LETTER_ROUTES: string;
  /** The consumed queue's maxReceiveCount (its redrive policy): the intake records its last receive. */
  MAX_RECEIVE_COUNT: number;
  /** How long a dead letter sent back to its queue waits first; default 60. */
  REDRIVE_DELAY_SECONDS: number;
}

const DURATION = /^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?$/;

type Reader = (raw: string | undefined) => unknown;

const required =
  (check: (value: string) => unknown): Reader =>
  (raw) => {
    if (raw === undefined || raw === '') throw new Error('is not set');
    return check(raw);
  };
const text = (min = 1) =>
  required((v) => {
    if (v.length < min) throw new Error(`must have at least ${min} characters`);
    return v;
  });
const positive = (options: { integer?: boolean; fallback?: number } = {}): Reader => {
  const read = required((v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (options.integer && !Number.isInteger(n))) {
      throw new Error(`must be a positive ${options.integer ? 'integer' : 'number'}, got "${v}"`);
    }
    return n;
  });
  return (raw) => (raw === undefined && options.fallback !== undefined ? options.fallback : read(raw));
};
const optional: Reader = (raw) => (raw === undefined || raw === '' ? undefined : raw);

const readers: Record<keyof Env, Reader> = {
  TABLE_NAME: text(),
  SEND_QUEUE_URL: text(),
  INTAKE_QUEUE_URL: text(),
  INTAKE_DLQ_URL: text(),
  SEND_LEASE_SECONDS: positive({ fallback: 120 }),
  EVENT_LEASE_SECONDS: positive({ fallback: 120 }),
  SEND_HOLD_SECONDS: positive({ fallback: 900 }),
  STALE_QUEUED_SECONDS: positive({ fallback: 1000 }),
  COUNTERS_QUIET_SECONDS: positive({ fallback: 120 }),
  CONFIGURATION_SET: text(),
  FROM_ADDRESS: required((v) => {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) throw new Error(`must be an e-mail address, got "${v}"`);
    return v;
  }),
  SENDER_DOMAIN: text(3),
  RETENTION_DAYS: positive({ integer: true }),
  REMINDER_OFFSETS: required((v) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw new Error('is not JSON');
    }
    const offsets = parsed as Partial<ReminderOffsetsEnv>;
    for (const key of ['conference', 'session'] as const) {
      const list = offsets?.[key];
      if (
        !Array.isArray(list) ||
        !list.every((d) => typeof d === 'string' && DURATION.test(d) && d !== 'P')
      ) {
        throw new Error(`.${key} must be a list of ISO 8601 durations such as "P7D" or "PT1H"`);
      }
    }
    return offsets as ReminderOffsetsEnv;
  }),
  SEND_RATE_PER_INVOCATION: positive(),
  SENDER_CONCURRENCY: positive({ integer: true, fallback: 1 }),
  UNSUBSCRIBE_BASE_URL: required((v) => {
    try {
      new URL(v);
    } catch {
      throw new Error(`must be a URL, got "${v}"`);
    }
    return v;
  }),
  UNSUBSCRIBE_KEYS: optional,
  UNSUBSCRIBE_KEY_PARAMETER: optional,
  COMMUNIQUE_LOCAL: optional,
  RSVP_BASE_URL: (raw) => {
    if (raw === undefined || raw === '') return undefined;
    try {
      new URL(raw);
    } catch {
      throw new Error(`must be a URL, got "${raw}"`);
    }
    return raw;
  },
  ANSWERS_TOPIC_ARN: text(),
  DEAD_LETTER_ROUTES: text(),
  REDRIVE_DELAY_SECONDS: positive({ fallback: 60 }),
  MAX_RECEIVE_COUNT: positive({ integer: true }),
};

/**
 * Reads and validates the variables a handler needs, once, at cold start. A
 * missing or malformed variable fails with its name.
 */
export function loadEnv<K extends keyof Env>(
  keys: readonly K[],
  source: NodeJS.ProcessEnv = process.env,
): Pick<Env, K> {
  const out: Partial<Env> = {};
  const problems: string[] = [];
  for (const key of keys) {
    try {
      const value = readers[key](source[key]);
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    } catch (error) {
      problems.push(`${key} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(`Invalid environment: ${problems.join('; ')}`);
  return out as Pick<Env, K>;
}
