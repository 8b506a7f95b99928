/**
 * `contacts import FILE.csv`: a press list becomes `press-contact.upserted` events. Every row is
 * checked with the event schema before anything is queued; rows that pass are imported, rows that
 * do not are reported with their line and the reason, so the organizer can fix the spreadsheet and
 * import again (re-importing a row updates the same contact: its id is derived from the address).
 */
import { createHash } from 'node:crypto';
import { contactKeyOf, isValidEmail } from '../../functions/events/email.js';
import { validateIntakeEvent } from '../../functions/events/schemas.js';
import type { Context } from '../lib/context.js';
import { headerKey, readCsv } from '../lib/csv.js';
import { RefusedError } from '../lib/errors.js';
import { cloudEvent, type OutgoingEvent, sendBodies, waitForOutcomes } from '../lib/intake.js';
import { hint, printJson, progressBar, say, table } from '../lib/output.js';
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

/** One row's fate. */
export interface ImportRow {
  line: number;
  email?: string;
  contactId?: string;
  status: 'accepted' | 'refused';
  reason?: string;
  eventId?: string;
}

/** A stable contact id for an address, so importing the same list twice updates, never duplicates. */
export function contactIdFor(email: string): string {
  const key = isValidEmail(email) ? contactKeyOf(email) : email.trim().toLowerCase();
  return `press-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Parses and validates a press list; pure (no stack), so it is also what `--dry-run` runs. */
export function checkPressList(
  text: string,
  conferenceId: string,
): { rows: ImportRow[]; events: Map<number, OutgoingEvent>; columns: Field[] } {
  const rows: ImportRow[] = [];
  const events = new Map<number, OutgoingEvent>();
  const { records, unreadable } = readCsv(text);
  for (const { line, reason } of unreadable) rows.push({ line, status: 'refused', reason });

  const [header, ...body] = records;
  if (!header)
    throw new RefusedError(
      'The CSV file is empty: expected a header row such as "email,name,outlet,language,country".',
    );
  const columns: Field[] = [];
  header.record.forEach((raw, i) => {
    const field = HEADERS[headerKey(raw)];
    if (!field) {
      throw new RefusedError(
        `Unknown column "${raw}" (column ${i + 1} of the header). Columns: email, name (required), outlet, language, country, contactId.`,
      );
    }
    if (columns.includes(field)) throw new RefusedError(`Column "${raw}" appears twice in the header.`);
    columns.push(field);
  });
  for (const required of ['email', 'name'] as const) {
    if (!columns.includes(required)) {
      throw new RefusedError(
        `The header has no "${required}" column; the columns are: ${header.record.join(', ')}.`,
      );
    }
  }
  if (body.length === 0 && rows.length === 0)
    throw new RefusedError('The CSV file has a header but no rows.');

  const seen = new Map<string, number>();
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== columns.length) {
      rows.push({
        line,
        ...(record[columns.indexOf('email')] ? { email: record[columns.indexOf('email')] } : {}),
        status: 'refused',
        reason: `has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${columns.length} (${columns.join(', ')}); check for a stray or missing comma`,
      });
      continue;
    }
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
    const event = cloudEvent('press-contact.upserted', data);
    const result = validateIntakeEvent(event);
    if (!result.ok) {
      rows.push({
        line,
        ...(email ? { email } : {}),
        contactId,
        status: 'refused',
        // Issues name event paths (data.email); a spreadsheet user knows columns.
        reason: result.rejection.issues.map((i) => i.message.replace(/^data\./, '')).join('; '),
      });
      continue;
    }
    const key = isValidEmail(email) ? contactKeyOf(email) : email;
    const first = seen.get(key);
    if (first !== undefined) {
      rows.push({ line, email, contactId, status: 'refused', reason: `the same address as line ${first}` });
      continue;
    }
    seen.set(key, line);
    rows.push({ line, email, contactId, status: 'accepted', eventId: event.id });
    events.set(line, event);
  }
  rows.sort((a, b) => a.line - b.line);
  return { rows, events, columns };
}

/** `contacts import FILE.csv [--dry-run]`. */
export async function contactsImport(
  ctx: Context,
  file: string,
  options: { dryRun?: boolean },
): Promise<void> {
  const text = await readInput(file);
  const { rows, events } = checkPressList(text, ctx.conference);
  const accepted = rows.filter((r) => r.status === 'accepted');
  const refused = rows.filter((r) => r.status === 'refused');

  if (!options.dryRun && events.size > 0) {
    const target = await ctx.target();
    const bodies = [...events.values()].map((e) => JSON.stringify(e));
    await sendBodies(target, bodies);
    const bar = progressBar(ctx.io, 'Importing', bodies.length);
    const outcomes = await waitForOutcomes(
      target,
      [...events.values()].map((e) => e.id),
      { onProgress: (n) => bar.update(n) },
    ).finally(() => bar.stop());
    // The stack can still refuse a valid row (e.g. an unknown conference): report it as refused.
    const byEvent = new Map(outcomes.map((o) => [o.id, o]));
    for (const row of accepted) {
      const outcome = row.eventId ? byEvent.get(row.eventId) : undefined;
      if (outcome?.outcome === 'rejected') {
        row.status = 'refused';
        row.reason = `rejected by the stack: ${outcome.reason}`;
      }
    }
  }
  const finalAccepted = rows.filter((r) => r.status === 'accepted');
  const finalRefused = rows.filter((r) => r.status === 'refused');
  if (ctx.io.json) {
    printJson({
      conferenceId: ctx.conference,
      dryRun: options.dryRun === true,
      accepted: finalAccepted.map(({ line, email, contactId }) => ({ line, email, contactId })),
      refused: finalRefused.map(({ line, email, reason }) => ({ line, email, reason })),
    });
  } else {
    if (finalRefused.length > 0) {
      say(
        ctx.io,
        table(
          ['line', 'email', 'refused because'],
          finalRefused.map((r) => [r.line, r.email, r.reason]),
          { keep: [1] },
        ),
      );
    }
    const verb = options.dryRun ? 'would be imported' : 'imported';
    say(
      ctx.io,
      `${finalAccepted.length} row(s) ${verb} as press contacts of ${ctx.conference}; ${finalRefused.length} refused.`,
    );
    if (finalRefused.length > 0)
      hint('Fix the refused rows and import the file again: accepted rows are updated, not duplicated.');
  }
  if (refused.length > 0 || finalRefused.length > 0) process.exitCode = 1;
}
