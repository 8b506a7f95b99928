/** The contract: one data schema per event type (invitees included). */
import { z } from 'zod';
import { KINDS_WITH_CONTENT, MAILING_KINDS } from '../../kinds/index.js';
import {
  country,
  dropBlank,
  emailAddress,
  endNotBefore,
  httpUrl,
  identifier,
  isoDate,
  isoDateTime,
  language,
  localizedText,
  singleLineText,
  timeZone,
  uniqueList,
} from './fields.js';
import { describeValue, fail, quote } from './issues.js';
import { instantOf, isIsoDate } from './normalize.js';
import {
  GENDERS,
  ROLES,
  RSVP_FILTERS,
  SESSION_STATUSES,
  TITLE_ACADEMIC,
  TITLE_OFFICES,
  TITLE_RANKS,
} from './vocabulary.js';

/** Enum of participant roles. */
export const roleSchema = z.enum(ROLES);

/** A participant role. */
export type Role = z.infer<typeof roleSchema>;

/** Enum of mailing kinds. */
export const mailingKindSchema = z.enum(MAILING_KINDS);

/** A mailing kind. */
export type MailingKind = z.infer<typeof mailingKindSchema>;

/** Enum of session states. */
export const sessionStatusSchema = z.enum(SESSION_STATUSES);

/** A session state. */
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/** One-line localized text (names, titles, subjects). */
export const localizedLineSchema = localizedText('single');

/** Text keyed by BCP 47 tag, `en` always present. */
export type LocalizedText = z.infer<typeof localizedLineSchema>;

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

/** Place text: one string for every language, or localized. */
export type PlaceText = string | LocalizedText;

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

/** `data` of `conference.upserted`. */
export type ConferenceUpsertedData = z.infer<typeof conferenceUpsertedDataSchema>;

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

/** A person's structured title. */
export type PersonTitle = z.infer<typeof personTitleSchema>;

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

/** The person behind a registration, normalized. */
export type Person = z.infer<typeof personSchema>;

/** `registration.created` and `registration.updated` data. */
export const registrationDataSchema = z.object({
  conferenceId: identifier(),
  registrationId: identifier(),
  person: personSchema,
  role: roleSchema,
  sessions: uniqueList(identifier()).default([]),
});

/** `data` of `registration.created` and `registration.updated`. */
export type RegistrationData = z.infer<typeof registrationDataSchema>;

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

/** `data` of `registration.cancelled`. */
export type RegistrationCancelledData = z.infer<typeof registrationCancelledDataSchema>;

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

/** One agenda session, normalized. */
export type Session = z.infer<typeof sessionSchema>;

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

/** `data` of `agenda.changed`. */
export type AgendaChangedData = z.infer<typeof agendaChangedDataSchema>;

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

/** `data` of `press-contact.upserted`. */
export type PressContactUpsertedData = z.infer<typeof pressContactUpsertedDataSchema>;

/** `press-contact.removed` data: only the ids are required (see registration.cancelled). */
export const pressContactRemovedDataSchema = z.object({
  conferenceId: identifier(),
  contactId: identifier(),
  email: emailAddress().optional(),
  name: singleLineText({ max: 200 }).optional(),
});

/** `data` of `press-contact.removed`. */
export type PressContactRemovedData = z.infer<typeof pressContactRemovedDataSchema>;

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

/** Filters of a mailing's audience. */
export type Audience = z.infer<typeof audienceSchema>;

/** Organizer-written content of an announcement or media advisory. */
export const mailingContentSchema = z.object({
  subject: localizedText('single', 200),
  body: localizedText('multi'),
  embargoUntil: isoDateTime().optional(),
});

/** Organizer-written mailing content. */
export type MailingContent = z.infer<typeof mailingContentSchema>;

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

/** `data` of `mailing.requested`. */
export type MailingRequestedData = z.infer<typeof mailingRequestedDataSchema>;

/** `mailing.cancelled` data. */
export const mailingCancelledDataSchema = z.object({
  conferenceId: identifier(),
  mailingId: identifier(),
  requestedBy: singleLineText({ max: 320 }),
});

/** `data` of `mailing.cancelled`. */
export type MailingCancelledData = z.infer<typeof mailingCancelledDataSchema>;

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

/** `data` of `invitee.upserted`. */
export type InviteeUpsertedData = z.infer<typeof inviteeUpsertedDataSchema>;

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

/** A designated representative. */
export type Representative = z.infer<typeof representativeSchema>;
