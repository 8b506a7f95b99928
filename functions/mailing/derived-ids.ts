import type { MailKind } from '../store/model.js';

/**
 * The mailing ids the pipeline derives from events and the clock — one entry
 * per family, the one place they are spelled. A `mailing.requested` may not take
 * an id with one of these prefixes (DESIGN.md: derived ids are reserved), so a
 * request can never become the mailing a confirmation, a cancellation, an agenda
 * notice or a reminder is later attached to. Adding a derived mailing is adding
 * an entry here and building its id with {@link derivedMailingId}.
 */
export const DERIVED_MAILINGS = {
  confirmation: { prefix: 'confirmation-', kind: 'confirmation', from: 'registration.created' },
  cancellation: { prefix: 'cancellation-', kind: 'cancellation', from: 'registration.cancelled' },
  'agenda-change': { prefix: 'agenda-', kind: 'agenda-change', from: 'agenda.changed' },
  reminder: { prefix: 'reminder-', kind: 'reminder', from: 'the clock' },
  'rsvp-confirmation': { prefix: 'rsvp-', kind: 'rsvp-confirmation', from: 'an RSVP answer' },
  'representative-note': {
    prefix: 'representative-',
    kind: 'representative-note',
    from: 'an RSVP designation',
  },
} as const satisfies Record<string, { prefix: string; kind: MailKind; from: string }>;

export type DerivedMailing = keyof typeof DERIVED_MAILINGS;

/** Every reserved prefix, derived from the registry. */
export const RESERVED_MAILING_ID_PREFIXES: readonly string[] = Object.values(DERIVED_MAILINGS).map(
  (d) => d.prefix,
);

/** The id of a derived mailing: its family's prefix, then the parts joined by `-`. */
export function derivedMailingId(family: DerivedMailing, ...parts: (string | number)[]): string {
  return `${DERIVED_MAILINGS[family].prefix}${parts.join('-')}`;
}

/**
 * The registry entry whose prefix `mailingId` starts with, compared without case
 * (`Confirmation-…` is refused too: it would read as the pipeline's own), or undefined.
 */
export function reservedFamilyOf(mailingId: string): (typeof DERIVED_MAILINGS)[DerivedMailing] | undefined {
  const lower = mailingId.toLowerCase();
  return Object.values(DERIVED_MAILINGS).find((d) => lower.startsWith(d.prefix));
}
