import type { ParsedMail } from 'mailparser';

/**
 * A header exactly as it stands in the message (unfolded), or undefined.
 * mailparser folds `List-*` headers into one structured `list` entry, so the
 * raw lines are the honest place to look for them.
 */
export function headerLine(parsed: ParsedMail, name: string): string | undefined {
  return parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/\r?\n[ \t]+/g, ' ');
}
