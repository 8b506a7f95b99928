/**
 * `contacts import FILE.csv`: a press list becomes `press-contact.upserted` events. Every row is
 * checked with the event schema before anything is queued; rows that pass are imported, rows that
 * do not are reported with their line and the reason, so the organizer can fix the spreadsheet and
 * import again (re-importing a row updates the same contact: its id is derived from the address).
 */
import { createHash } from 'node:crypto';
import { contactKeyOf, isValidEmail } from '../../functions/events/email.js';
import type { Context } from '../lib/context.js';
import { readCsv } from '../lib/csv.js';
import type { ImportOptions, ImportRow } from '../lib/csv-import.js';
import { ImportCheck, importRows, readColumns } from '../lib/csv-import.js';
import { RefusedError } from '../lib/errors.js';
import { cloudEvent, type OutgoingEvent } from '../lib/intake.js';
import { readInput } from './events.js';

type Field = 'contactId' | 'email' | 'name' | 'outlet' | 'language' | 'country';

/** Header spellings accepted for each field (compared lower-case, without spaces, dashes or underscores). */
const HEADERS: Record<string, Field> = {
  id: 'contactId',
  contactid: 'contactId',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  name: 'name',
  fullname: 'name',
  outlet: 'outlet',
  media: 'outlet',
  organization: 'outlet',
  organisation: 'outlet',
  language: 'language',
  lang: 'language',
  country: 'country',
};

/** A stable contact id for an address, so importing the same list twice updates, never duplicates. */
export function contactIdFor(email: string): string {
  const key = isValidEmail(email) ? contactKeyOf(email) : email.trim().toLowerCase();
  return `press-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Parses and validates a press list; pure (no stack), so it is also what `--dry-run` runs. */
export function checkPressList(
  text: string,
  conferenceId: string,
): { rows: ImportRow<'contactId'>[]; events: Map<number, OutgoingEvent>; columns: Field[] } {
  const check = new ImportCheck('contactId');
  const { records, unreadable } = readCsv(text);
  for (const { line, reason } of unreadable) check.refuse(line, reason);

  const [header, ...body] = records;
  if (!header)
    throw new RefusedError(
      'The CSV file is empty: expected a header row such as "email,name,outlet,language,country".',
    );
  const columns = readColumns(
    header.record,
    HEADERS,
    'Columns: email, name (required), outlet, language, country, contactId.',
  );
  for (const required of ['email', 'name'] as const) {
    if (!columns.includes(required)) {
      throw new RefusedError(
        `The header has no "${required}" column; the columns are: ${header.record.join(', ')}.`,
      );
    }
  }
  if (body.length === 0 && check.rows.length === 0)
    throw new RefusedError('The CSV file has a header but no rows.');

  for (const entry of body) {
    const { record, info } = entry;
    if (check.refusedForShape(entry, columns, record[columns.indexOf('email')])) continue;
    const value = (f: Field): string | undefined => {
      const v = record[columns.indexOf(f)];
      return v === undefined || v === '' ? undefined : v;
    };
    const email = value('email') ?? '';
    const contactId = value('contactId') ?? contactIdFor(email);
    const data: Record<string, unknown> = { conferenceId, contactId, email, name: value('name') ?? '' };
    for (const f of ['outlet', 'language', 'country'] as const) {
      const v = value(f);
      if (v !== undefined) data[f] = v;
    }
    // Issues name event paths (data.email); a spreadsheet user knows columns.
    check.admit(info.lines, email, contactId, cloudEvent('press-contact.upserted', data), /^data\./);
  }
  return { ...check.done(), columns };
}

/** `contacts import FILE.csv [--dry-run]`. */
export async function contactsImport(ctx: Context, file: string, options: ImportOptions): Promise<void> {
  const checked = checkPressList(await readInput(file), ctx.conference);
  await importRows(ctx, { ...checked, idKey: 'contactId' }, options, 'press contacts');
}
