/**
 * What the press and invitee imports share once a spreadsheet is read (cli/lib/csv.ts): the
 * header's columns, each row checked with the event schema and refused with its line and reason
 * or accepted once per address, and the import itself — queue the accepted rows' events, wait for
 * the stack's verdict, report every row.
 */
import { contactKeyOf, isValidEmail } from '../../functions/events/email.js';
import { validateIntakeEvent } from '../../functions/events/schemas.js';
import type { Context } from './context.js';
import { type CsvRecord, headerKey } from './csv.js';
import { RefusedError } from './errors.js';
import { type OutgoingEvent, sendBodies, waitForOutcomes } from './intake.js';
import { hint, printJson, progressBar, say, table } from './output.js';

/** One row's fate; `Id` names the id column the row is reported with (`contactId`, `inviteeId`). */
export type ImportRow<Id extends string> = {
  line: number;
  email?: string;
  status: 'accepted' | 'refused';
  reason?: string;
  eventId?: string;
} & { [K in Id]?: string };

/** `--dry-run`: check every row, import nothing. */
export type ImportOptions = { dryRun?: boolean };

/** The header's fields, in column order; an unknown or repeated column is refused (`help` lists the known ones). */
export function readColumns<F extends string>(
  header: readonly string[],
  headers: Readonly<Record<string, F>>,
  help: string,
): F[] {
  const columns: F[] = [];
  header.forEach((raw, i) => {
    const field = headers[headerKey(raw)];
    if (!field) throw new RefusedError(`Unknown column "${raw}" (column ${i + 1} of the header). ${help}`);
    if (columns.includes(field)) throw new RefusedError(`Column "${raw}" appears twice in the header.`);
    columns.push(field);
  });
  return columns;
}

/** The rows of a list and the event of each accepted one, checked one at a time. */
export class ImportCheck<Id extends string> {
  readonly rows: ImportRow<Id>[] = [];
  readonly events = new Map<number, OutgoingEvent>();
  readonly #seen = new Map<string, number>();

  constructor(readonly idKey: Id) {}

  /** Refuses a record whose field count is not the header's; true when it did. */
  refusedForShape(
    { record, info }: CsvRecord,
    columns: readonly string[],
    email: string | undefined,
  ): boolean {
    if (record.length === columns.length) return false;
    this.rows.push({
      line: info.lines,
      ...(email ? { email } : {}),
      status: 'refused',
      reason: `has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${columns.length} (${columns.join(', ')}); check for a stray or missing comma`,
    } as ImportRow<Id>);
    return true;
  }

  /** Refuses a row for `reason`. */
  refuse(line: number, reason: string, email?: string, id?: string): void {
    this.rows.push(this.row(line, email, id, { status: 'refused', reason }));
  }

  /**
   * Checks a row's event with the intake schema and accepts it unless it is invalid (its issues,
   * without the event path `dataPath` that a spreadsheet user does not know) or an address
   * already accepted on an earlier line.
   */
  admit(line: number, email: string, id: string, event: OutgoingEvent, dataPath: RegExp): void {
    const result = validateIntakeEvent(event);
    if (!result.ok) {
      const reason = result.rejection.issues.map((i) => i.message.replace(dataPath, '')).join('; ');
      this.rows.push(this.row(line, email || undefined, id, { status: 'refused', reason }));
      return;
    }
    const key = isValidEmail(email) ? contactKeyOf(email) : email;
    const first = this.#seen.get(key);
    if (first !== undefined) {
      this.refuse(line, `the same address as line ${first}`, email, id);
      return;
    }
    this.#seen.set(key, line);
    this.rows.push(this.row(line, email, id, { status: 'accepted', eventId: event.id }));
    this.events.set(line, event);
  }

  /** Every row, in line order. */
  done(): { rows: ImportRow<Id>[]; events: Map<number, OutgoingEvent> } {
    this.rows.sort((a, b) => a.line - b.line);
    return { rows: this.rows, events: this.events };
  }

  private row(
    line: number,
    email: string | undefined,
    id: string | undefined,
    fate: Pick<ImportRow<Id>, 'status' | 'reason' | 'eventId'>,
  ): ImportRow<Id> {
    return {
      line,
      ...(email !== undefined ? { email } : {}),
      ...(id !== undefined ? { [this.idKey]: id } : {}),
      ...fate,
    } as ImportRow<Id>;
  }
}

/**
 * Imports the accepted rows (unless `dryRun`): queues their events, waits for the outcomes and
 * turns a row the stack refused after all (e.g. an unknown conference) into a refused one; then
 * reports every row, as JSON or as a table of the refused ones and a count, and sets a failing
 * exit code when any row was refused.
 */
export async function importRows<Id extends string>(
  ctx: Context,
  checked: { rows: ImportRow<Id>[]; events: Map<number, OutgoingEvent>; idKey: Id },
  options: ImportOptions,
  noun: string,
): Promise<void> {
  const { rows, events, idKey } = checked;
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
    const byEvent = new Map(outcomes.map((o) => [o.id, o]));
    for (const row of rows) {
      const outcome = row.eventId ? byEvent.get(row.eventId) : undefined;
      if (row.status === 'accepted' && outcome?.outcome === 'rejected') {
        row.status = 'refused';
        row.reason = `rejected by the stack: ${outcome.reason}`;
      }
    }
  }
  const accepted = rows.filter((r) => r.status === 'accepted');
  const refused = rows.filter((r) => r.status === 'refused');
  if (ctx.io.json) {
    printJson({
      conferenceId: ctx.conference,
      dryRun: options.dryRun === true,
      accepted: accepted.map((r) => ({ line: r.line, email: r.email, [idKey]: r[idKey] })),
      refused: refused.map(({ line, email, reason }) => ({ line, email, reason })),
    });
  } else {
    if (refused.length > 0) {
      say(
        ctx.io,
        table(
          ['line', 'email', 'refused because'],
          refused.map((r) => [r.line, r.email, r.reason]),
          { keep: [1] },
        ),
      );
    }
    const verb = options.dryRun ? 'would be imported' : 'imported';
    say(
      ctx.io,
      `${accepted.length} row(s) ${verb} as ${noun} of ${ctx.conference}; ${refused.length} refused.`,
    );
    if (refused.length > 0)
      hint('Fix the refused rows and import the file again: accepted rows are updated, not duplicated.');
  }
  if (refused.length > 0) process.exitCode = 1;
}
