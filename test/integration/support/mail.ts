import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { LocalStack } from '../../../local/stack.js';

/**
 * A header exactly as it stands in the message (unfolded), or undefined.
 * mailparser folds `List-*` headers into one structured `list` entry, so the
 * raw lines are the honest place to look for them.
 */
export function headerLine(parsed: ParsedMail, name: string): string | undefined {
  return parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/\r?\n[ \t]+/g, ' ');
}

/** The mail the local SES accepted with this message id, parsed, and the bold words of its HTML. */
export async function acceptedMail(
  stack: LocalStack,
  messageId: string | undefined,
): Promise<{ parsed: ParsedMail; strong: string[] }> {
  const mail = stack.accepted.find((m) => m.messageId === messageId);
  if (!mail) throw new Error(`no mail accepted with message id ${messageId}`);
  const parsed = await simpleParser(await readFile(mail.emlPath));
  const $ = cheerio.load(String(parsed.html));
  return {
    parsed,
    strong: $('strong')
      .toArray()
      .map((e) => $(e).text()),
  };
}
