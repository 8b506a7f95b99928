/**
 * The outbound contract (DESIGN.md "Outbound"): what communiqué publishes for the registration
 * system, as CloudEvents 1.0 structured JSON on the answers topic. One event per recorded RSVP
 * answer: `invitation.accepted`, `invitation.declined`, `invitation.delegated`. The event `id` is
 * derived from the invitee and the answer's revision, so a consumer that deduplicates on `id` sees
 * each answer once even if it is published again (the endpoint republishes on a repeated click
 * until the publication is recorded).
 *
 * These zod schemas are the source of the published JSON Schemas in `schemas/` (beside the inbound
 * ones, see export-json-schema.ts) and are checked against every event the endpoint builds.
 */
import { z } from 'zod';
import { personSchema, representativeSchema } from './schemas.js';

/** The answer an invitee can give, and the event type each becomes. */
export const RSVP_ANSWERS = ['accept', 'decline', 'delegate'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

export const OUTBOUND_TYPE_OF: Readonly<Record<RsvpAnswer, OutboundEventType>> = {
  accept: 'invitation.accepted',
  decline: 'invitation.declined',
  delegate: 'invitation.delegated',
};

/** `source` of every outbound event. */
export const OUTBOUND_SOURCE = 'communique/rsvp';

const answerDataSchema = z.object({
  conferenceId: z.string().min(1),
  inviteeId: z.string().min(1),
  person: personSchema,
  representative: representativeSchema.optional(),
  answeredAt: z.string().meta({ format: 'date-time' }),
  /** The invitee's reference, as carried to the registration page (`?invitee=`). */
  reference: z.string().min(1).optional(),
});

function outboundEvent<const T extends string>(type: T, description: string, representative: boolean) {
  const data = representative
    ? answerDataSchema.extend({ representative: representativeSchema })
    : answerDataSchema;
  return z
    .object({
      specversion: z.literal('1.0'),
      id: z.string().min(1),
      source: z.string().min(1),
      type: z.literal(type),
      time: z.string().meta({ format: 'date-time' }),
      datacontenttype: z.literal('application/json'),
      data,
    })
    .meta({ title: type, description });
}

/** Outbound event schemas by type. */
export const outboundEventSchemas = {
  'invitation.accepted': outboundEvent(
    'invitation.accepted',
    'Published by communiqué when an invitee accepts on their RSVP page; the registration system may open a registration for them.',
    false,
  ),
  'invitation.declined': outboundEvent(
    'invitation.declined',
    'Published by communiqué when an invitee declines on their RSVP page.',
    false,
  ),
  'invitation.delegated': outboundEvent(
    'invitation.delegated',
    'Published by communiqué when an invitee designates a representative; the registration system may pre-fill a registration for the representative.',
    true,
  ),
} as const;

export type OutboundEventType = keyof typeof outboundEventSchemas;
export const OUTBOUND_EVENT_TYPES = Object.keys(outboundEventSchemas) as OutboundEventType[];
/** An outbound event as published. */
export type OutboundEvent = z.infer<(typeof outboundEventSchemas)[OutboundEventType]>;
