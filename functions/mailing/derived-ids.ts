import { DERIVED_KINDS, type DerivedKind } from '../kinds/index.js';

/**
 * The mailing ids the pipeline derives from events and the clock — one entry
 * per family, from the kind registry (`derived` in `functions/kinds/<kind>.ts`).
 * A `mailing.requested` may not take an id with one of these prefixes
 * (DESIGN.md: derived ids are reserved), so a request can never become the
 * mailing a confirmation, a cancellation, an agenda notice or a reminder is
 * later attached to. Adding a derived mailing is giving its
 * kind a `derived` entry and building its id with {@link derivedMailingId}.
 */
export const DERIVED_MAILINGS = Object.fromEntries(DERIVED_KINDS.map((d) => [d.kind, d])) as {
  readonly [K in DerivedKind]: { readonly prefix: string; readonly kind: K; readonly from: string };
};

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
