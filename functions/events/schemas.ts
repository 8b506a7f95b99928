/**
 * The intake-queue event contract: CloudEvents 1.0 structured events whose `data` is typed per event
 * type (see "Event contract" in DESIGN.md). These zod schemas are the single source of truth: the
 * TypeScript types below are inferred from them, the published JSON Schemas in `schemas/` are
 * generated from them (`functions/events/export-json-schema.ts`), and {@link parseIntakeEvent}
 * turns any queue body into either a typed event or a rejection an organizer can act on.
 *
 * Normalization happens while parsing, so downstream code only ever sees clean values:
 * - every string is trimmed and NFC-normalized;
 * - single-line fields (names, titles, subjects, rooms…) have CR, LF and other control characters
 *   replaced by a space — stripped rather than rejected, because a stray newline pasted from a
 *   spreadsheet should not cost a delegate their registration, and replacing it removes the
 *   header-injection vector just as surely (the sender still strips again when building headers);
 * - Markdown bodies keep their line breaks (CRLF becomes LF) and lose other control characters;
 * - e-mail domains are lower-cased (see `email.ts`); countries are upper-cased (`uk` → `GB`);
 *   language tags are canonicalized (`EN-us` → `en-US`); time zones get their IANA spelling;
 * - optional text fields sent as `""` are treated as absent (registration exports often do that);
 * - unknown `data` fields are dropped rather than rejected, so producers may add fields before
 *   this pipeline knows them. Unknown envelope attributes are kept (CloudEvents extensions).
 *
 * The sections live in `schema/`: vocabulary, issues (rejection codes and reasons), normalize,
 * fields (field schemas), data (one schema per event type, each with its inferred type beside
 * it), envelope (CloudEvents and the event types) and parse. This module is their public face; import from here.
 */
// Kinds of organizer-requested mailings, and those whose text the organizer writes: the registry's.
export { KINDS_WITH_CONTENT, MAILING_KINDS } from '../kinds/index.js';
export * from './schema/data.js';
export * from './schema/envelope.js';
export type { RejectionCode } from './schema/issues.js';
export {
  canonicalCountry,
  canonicalLanguage,
  canonicalTimeZone,
  instantOf,
  isIsoDate,
  toMultiLine,
  toSingleLine,
} from './schema/normalize.js';
export * from './schema/parse.js';
export * from './schema/vocabulary.js';
