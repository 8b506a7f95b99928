/** The CloudEvents envelope, one event schema per type, and the types inferred from them. */
import { z } from 'zod';
import {
  agendaChangedDataSchema,
  conferenceUpsertedDataSchema,
  inviteeRemovedDataSchema,
  inviteeUpsertedDataSchema,
  mailingCancelledDataSchema,
  mailingRequestedDataSchema,
  pressContactRemovedDataSchema,
  pressContactUpsertedDataSchema,
  registrationCancelledDataSchema,
  registrationDataSchema,
} from './data.js';
import { isoDateTime, singleLineText } from './fields.js';
import { describeValue, fail, quote } from './issues.js';

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
