/**
 * SES event notifications as a configuration set's SNS event destination
 * publishes them (raw message delivery puts the JSON straight into the SQS
 * body), parsed into one small union the rest of the feedback code reads.
 *
 * Shapes follow "Contents of event data that Amazon SES publishes to Amazon
 * SNS" in the SES developer guide. Only the fields we act on are required; the
 * rest of each record is kept out of the parsed value on purpose, so a new
 * field from SES never breaks parsing.
 */

import { z } from 'zod';

const recipientSchema = z.object({
  emailAddress: z.string().min(1),
  action: z.string().optional(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

const mailSchema = z.object({
  messageId: z.string().min(1),
  timestamp: z.string().min(1),
  source: z.string().optional(),
  destination: z.array(z.string()).default([]),
  tags: z.record(z.string(), z.array(z.string())).default({}),
});

const bounceSchema = z.object({
  bounceType: z.string(),
  bounceSubType: z.string().optional(),
  bouncedRecipients: z.array(recipientSchema).default([]),
  timestamp: z.string().optional(),
  feedbackId: z.string().optional(),
  reportingMTA: z.string().optional(),
});

const complaintSchema = z.object({
  complainedRecipients: z.array(z.object({ emailAddress: z.string().min(1) })).default([]),
  timestamp: z.string().optional(),
  feedbackId: z.string().optional(),
  complaintFeedbackType: z.string().optional(),
  complaintSubType: z.string().nullable().optional(),
});

const deliverySchema = z.object({
  timestamp: z.string().optional(),
  recipients: z.array(z.string()).default([]),
  smtpResponse: z.string().optional(),
});

const delaySchema = z.object({
  timestamp: z.string().optional(),
  delayType: z.string().optional(),
  expirationTime: z.string().optional(),
  delayedRecipients: z.array(recipientSchema).default([]),
});

const rejectSchema = z.object({ reason: z.string().default('unknown') });
const failureSchema = z.object({
  errorMessage: z.string().default('unknown'),
  templateName: z.string().optional(),
});

/** A bounced or delayed recipient as SES reports it (DSN fields when a DSN came back). */
export type SesRecipient = z.infer<typeof recipientSchema>;

/** What happened, per SES event type. `ignored` covers engagement and list events we do not track. */
export type SesOutcome =
  | { kind: 'send' }
  | { kind: 'delivery'; recipients: string[]; smtpResponse?: string }
  | {
      kind: 'bounce';
      bounceType: 'Permanent' | 'Transient' | 'Undetermined';
      bounceSubType: string;
      recipients: SesRecipient[];
    }
  | { kind: 'complaint'; recipients: string[]; feedbackType?: string; subType?: string }
  | { kind: 'reject'; reason: string }
  | { kind: 'delay'; delayType: string; recipients: SesRecipient[]; expirationTime?: string }
  | { kind: 'rendering-failure'; errorMessage: string; templateName?: string }
  | { kind: 'ignored' };

/** One SES event, reduced to what the feedback loop needs. */
export interface SesEvent {
  /** As SES spelled it: `Bounce`, `Rendering Failure`, `DeliveryDelay`… */
  eventType: string;
  /** The id SES returned from SendRawEmail. */
  messageId: string;
  /** When the event happened (the bounce's or complaint's own time when given, else the send time). */
  time: string;
  /** All recipients of the original message. */
  destinations: string[];
  /** Message tags, first value each (`ses:*` automatic tags included). */
  tags: Record<string, string>;
  /** A stable id for this event: the feedback id of a bounce or complaint, else message id and type. */
  sourceId: string;
  outcome: SesOutcome;
}

export type SesEventParse = { ok: true; event: SesEvent } | { ok: false; reason: string };

const IGNORED_TYPES = new Set(['Open', 'Click', 'Subscription']);

function normalizeTime(value: string | undefined, fallback: string): string {
  const t = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? fallback : new Date(t).toISOString();
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}

/**
 * Parses one SQS message body from the feedback queue. Accepts the raw SES
 * record (raw message delivery, as the stack subscribes), and also an SNS
 * envelope around it in case raw delivery is ever switched off. Identity
 * feedback notifications (`notificationType` instead of `eventType`) parse too.
 */
export function parseSesEvent(body: string): SesEventParse {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (isSnsEnvelope(raw)) {
    try {
      raw = JSON.parse(raw.Message);
    } catch {
      return { ok: false, reason: 'SNS message is not JSON' };
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const record = raw as Record<string, unknown>;
  const eventType = record.eventType ?? record.notificationType;
  if (typeof eventType !== 'string' || eventType === '') return { ok: false, reason: 'no eventType' };
  const mail = mailSchema.safeParse(record.mail);
  if (!mail.success) return { ok: false, reason: `mail.${firstIssue(mail.error)}` };
  const { messageId, destination } = mail.data;
  const sendTime = normalizeTime(mail.data.timestamp, new Date(0).toISOString());
  const tags = Object.fromEntries(
    Object.entries(mail.data.tags).flatMap(([k, v]) => (v[0] === undefined ? [] : [[k, v[0]]])),
  );
  const base = { eventType, messageId, destinations: destination, tags };
  const simple = (outcome: SesOutcome, time = sendTime): SesEventParse => ({
    ok: true,
    event: { ...base, time, sourceId: `${messageId}/${eventType}`, outcome },
  });

  switch (eventType) {
    case 'Send':
      return simple({ kind: 'send' });
    case 'Delivery': {
      const d = deliverySchema.safeParse(record.delivery ?? {});
      if (!d.success) return { ok: false, reason: `delivery.${firstIssue(d.error)}` };
      return simple(
        { kind: 'delivery', recipients: d.data.recipients, smtpResponse: d.data.smtpResponse },
        normalizeTime(d.data.timestamp, sendTime),
      );
    }
    case 'Bounce': {
      const b = bounceSchema.safeParse(record.bounce);
      if (!b.success) return { ok: false, reason: `bounce.${firstIssue(b.error)}` };
      const bounceType =
        b.data.bounceType === 'Permanent' || b.data.bounceType === 'Transient'
          ? b.data.bounceType
          : 'Undetermined';
      return {
        ok: true,
        event: {
          ...base,
          time: normalizeTime(b.data.timestamp, sendTime),
          sourceId: b.data.feedbackId ?? `${messageId}/${eventType}`,
          outcome: {
            kind: 'bounce',
            bounceType,
            bounceSubType: b.data.bounceSubType ?? 'Undetermined',
            recipients: b.data.bouncedRecipients,
          },
        },
      };
    }
    case 'Complaint': {
      const c = complaintSchema.safeParse(record.complaint);
      if (!c.success) return { ok: false, reason: `complaint.${firstIssue(c.error)}` };
      return {
        ok: true,
        event: {
          ...base,
          time: normalizeTime(c.data.timestamp, sendTime),
          sourceId: c.data.feedbackId ?? `${messageId}/${eventType}`,
          outcome: {
            kind: 'complaint',
            recipients: c.data.complainedRecipients.map((r) => r.emailAddress),
            feedbackType: c.data.complaintFeedbackType,
            subType: c.data.complaintSubType ?? undefined,
          },
        },
      };
    }
    case 'Reject': {
      const r = rejectSchema.safeParse(record.reject ?? {});
      if (!r.success) return { ok: false, reason: `reject.${firstIssue(r.error)}` };
      return simple({ kind: 'reject', reason: r.data.reason });
    }
    case 'DeliveryDelay': {
      const d = delaySchema.safeParse(record.deliveryDelay);
      if (!d.success) return { ok: false, reason: `deliveryDelay.${firstIssue(d.error)}` };
      return simple(
        {
          kind: 'delay',
          delayType: d.data.delayType ?? 'Undetermined',
          recipients: d.data.delayedRecipients,
          expirationTime: d.data.expirationTime,
        },
        normalizeTime(d.data.timestamp, sendTime),
      );
    }
    // Event publishing spells it with a space; identity notifications have never sent it, but
    // accept the unspaced spelling too rather than drop a failure on a technicality.
    case 'Rendering Failure':
    case 'RenderingFailure': {
      const f = failureSchema.safeParse(record.failure ?? {});
      if (!f.success) return { ok: false, reason: `failure.${firstIssue(f.error)}` };
      return simple({
        kind: 'rendering-failure',
        errorMessage: f.data.errorMessage,
        templateName: f.data.templateName,
      });
    }
    default:
      if (IGNORED_TYPES.has(eventType)) return simple({ kind: 'ignored' });
      return { ok: false, reason: `unknown eventType ${JSON.stringify(eventType.slice(0, 40))}` };
  }
}

function isSnsEnvelope(value: unknown): value is { Type: string; Message: string } {
  const v = value as { Type?: unknown; Message?: unknown } | null;
  return v !== null && typeof v === 'object' && v.Type === 'Notification' && typeof v.Message === 'string';
}
