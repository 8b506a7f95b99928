/**
 * Small text rules every function shares — HTML escaping, the single-line normalizer for headers and
 * names, the primary subtag of a language tag — kept here once, with no dependencies, so that the
 * sender, the pages, intake, the CLI and the template build all apply the same ones.
 */

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// \p{Cc} covers CR, LF, TAB, NEL and the other C0/C1 controls; U+2028/2029 are Unicode line breaks
// that some mail clients honour in headers. Bidi overrides are left alone: they are legitimate in names.
const LINE_BREAKS_AND_CONTROLS = /[\p{Cc}\u2028\u2029]+/gu;

/** Replaces line breaks and control characters by a space, collapses runs of spaces and trims. */
export function singleLine(text: string): string {
  return text.replace(LINE_BREAKS_AND_CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
}

/** The primary subtag of a BCP 47 tag, lower-cased: `ru-RU` → `ru`, `AR` → `ar`, `ar_EG` → `ar`; none → `en`. */
export function primaryLanguage(tag: string | undefined | null): string {
  return (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] || 'en';
}
