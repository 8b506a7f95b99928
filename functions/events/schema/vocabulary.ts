/** The contract's vocabularies: the enumerations its fields take, and the body size limit. */

/**
 * Default limit for a queue body, in UTF-8 bytes: 256 KiB, the classic SQS (and SNS, EventBridge)
 * message size, so an event accepted here can also travel through any of those.
 */
export const DEFAULT_MAX_BODY_BYTES = 262_144;

/** Participant roles; press contacts from `press-contact.*` count as `press` in audiences. */
export const ROLES = ['delegate', 'speaker', 'observer', 'press', 'staff'] as const;
/** RSVP states an invitation audience can select; `no-answer` is an invitee still `invited`. */
export const RSVP_FILTERS = ['no-answer', 'accepted', 'declined', 'delegated'] as const;

/** An RSVP state an audience can select. */
export type RsvpFilter = (typeof RSVP_FILTERS)[number];
/** Agenda session states. */
export const SESSION_STATUSES = ['scheduled', 'cancelled'] as const;
/** Grammatical gender of a person, for Russian and Arabic forms of address. */
export const GENDERS = ['female', 'male', 'unspecified'] as const;

/** A person's grammatical gender. */
export type Gender = (typeof GENDERS)[number];
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
