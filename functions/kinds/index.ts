/**
 * The registry of mail kinds: one module per kind in this folder, listed here once. Every list,
 * type and per-kind choice elsewhere (bulk or transactional, who may request it, reserved ids,
 * view data, template context, calendars) is derived from it. Adding a kind: README, "Adding a
 * mail kind".
 *
 * Light by design: the kind modules import types only, so the intake, the API and the CLI's
 * `--help` can read the registry without loading the renderer.
 */
import type { MailBase } from '../render/types.js';
import { agendaChange } from './agenda-change.js';
import { announcement } from './announcement.js';
import { cancellation } from './cancellation.js';
import { confirmation } from './confirmation.js';
import type { KindSpec } from './define.js';
import { invitation } from './invitation.js';
import { mediaAdvisory } from './media-advisory.js';
import { reminder } from './reminder.js';
import { representativeNote } from './representative-note.js';
import { rsvpConfirmation } from './rsvp-confirmation.js';

/** Every kind, in the order the preview gallery shows them. */
const DEFINITIONS = [
  invitation,
  confirmation,
  cancellation,
  reminder,
  agendaChange,
  mediaAdvisory,
  announcement,
  rsvpConfirmation,
  representativeNote,
] as const;

type Definition = (typeof DEFINITIONS)[number];

/** A kind of mail; each has one MJML body in `templates/<kind>.mjml`. */
export type MailKind = Definition['name'];
/** The definition of `K`. */
export type KindDefinition<K extends MailKind> = Extract<Definition, { name: K }>;
/** The view data `K` is rendered from. */
export type MailDataOf<K extends MailKind> = NonNullable<KindDefinition<K>['~data']>;
/** A bulk kind (one-click unsubscribe, suppression applies). */
export type BulkKind = Extract<Definition, { bulk: true }>['name'];
/** A transactional kind: sent because of something the recipient did or registered for. */
export type TransactionalKind = Exclude<MailKind, BulkKind>;
/** A kind an organizer may request in a `mailing.requested`. */
export type MailingKind = Extract<Definition, { organizerMailing: true }>['name'];
/** A kind whose subject and body the organizer writes. */
export type ContentKind = Extract<Definition, { organizerContent: true }>['name'];
/** A kind the pipeline derives (reserved id prefix). */
export type DerivedKind = Extract<Definition, { derived: object }>['name'];

/** At least one element: what `z.enum` wants. */
type NonEmpty<T> = readonly [T, ...T[]];

/** The definitions as one type, for reading a field every kind may have. */
const SPECS: readonly KindSpec<MailBase>[] = DEFINITIONS as unknown as readonly KindSpec<MailBase>[];

function namesWhere<K extends MailKind>(keep: (d: KindSpec<MailBase>) => boolean): NonEmpty<K> {
  return SPECS.filter(keep).map((d) => d.name) as unknown as NonEmpty<K>;
}

/** Every kind of mail, in the order the preview gallery shows them. */
export const MAIL_KINDS: NonEmpty<MailKind> = namesWhere(() => true);
/** Bulk kinds. */
export const BULK_KINDS: NonEmpty<BulkKind> = namesWhere((d) => d.bulk);
/** Kinds of organizer-requested mailings. */
export const MAILING_KINDS: NonEmpty<MailingKind> = namesWhere((d) => d.organizerMailing);
/** Mailing kinds whose text comes from the organizer, so `data.content` is required. */
export const KINDS_WITH_CONTENT: NonEmpty<ContentKind> = namesWhere((d) => d.organizerContent);

const BY_NAME: ReadonlyMap<string, KindSpec<MailBase>> = new Map(SPECS.map((d) => [d.name, d]));

/** Whether `value` names a known mail kind. */
export function isMailKind(value: string): value is MailKind {
  return BY_NAME.has(value);
}

/**
 * The definition of `kind`, typed over any data (callers that hold a `MailKind` and its data as
 * separate values cannot have the exact pairing checked anyway).
 */
export function kindDefinition(kind: MailKind): KindSpec<MailBase> {
  const definition = BY_NAME.get(kind);
  if (definition === undefined) throw new Error(`unknown mail kind ${JSON.stringify(kind)}`);
  return definition;
}

/** Whether `kind` is bulk mail (needs one-click unsubscribe), as opposed to transactional mail. */
export function isBulkKind(kind: string): kind is BulkKind {
  return BY_NAME.get(kind)?.bulk === true;
}

/** Whether an organizer may request mail of `kind`. */
export function isMailingKind(kind: unknown): kind is MailingKind {
  return typeof kind === 'string' && BY_NAME.get(kind)?.organizerMailing === true;
}

/** Whether mail of `kind` carries organizer-written content. */
export function hasOrganizerContent(kind: unknown): kind is ContentKind {
  return typeof kind === 'string' && BY_NAME.get(kind)?.organizerContent === true;
}

/** Kinds whose mailings go to the press by default (`audience: 'press'`): a press officer's kinds. */
export const PRESS_KINDS: readonly MailKind[] = namesWhere((d) => d.audience === 'press');

/** Whether mail of `kind` goes to the press by default. */
export function isPressKind(kind: unknown): boolean {
  return typeof kind === 'string' && BY_NAME.get(kind)?.audience === 'press';
}

/** Whether mailings of `kind` are shown in mailing lists without `--all`. */
export function isListedByDefault(kind: string): boolean {
  return BY_NAME.get(kind)?.listedByDefault !== false;
}

/** The kinds the pipeline derives, with their reserved prefix and source: one entry per family. */
export const DERIVED_KINDS: readonly {
  readonly kind: DerivedKind;
  readonly prefix: string;
  readonly from: string;
}[] = DEFINITIONS.flatMap((d) =>
  'derived' in d ? [{ kind: d.name as DerivedKind, prefix: d.derived.prefix, from: d.derived.from }] : [],
);

export type { KindCalendars, KindSpec, ViewDataInput } from './define.js';
