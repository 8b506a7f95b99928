/**
 * `events send FILE|-`: puts events on the intake queue — but only after every one of them passed
 * the same validation the intake applies, so a typo costs a message on the terminal, not a
 * rejection record and a parked message in the dead-letter queue.
 */
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_MAX_BODY_BYTES,
  parseIntakeEvent,
  type RejectionIssue,
} from '../../functions/events/schemas.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { appliedAmong, type EventOutcome, sendBodies, waitForOutcomes } from '../lib/intake.js';
import { hint, printJson, progressBar, say, table } from '../lib/output.js';

/** One event read from the input, validated. */
interface Checked {
  index: number;
  body: string;
  id?: string;
  type?: string;
  ok: boolean;
  reason?: string;
  issues?: readonly RejectionIssue[];
}

/** Reads FILE, or stdin for `-`. */
export async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RefusedError(
      code === 'ENOENT' ? `No such file: ${file}` : `Cannot read ${file}: ${code ?? String(error)}`,
    );
  }
}

/**
 * Splits the input into message bodies: one JSON event, a JSON array of events, or one event per
 * line (NDJSON). Anything else stays one body, so the validator explains what is wrong with it.
 */
export function splitBodies(text: string): string[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value)) return value.map((v) => JSON.stringify(v));
    return [trimmed];
  } catch {
    const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{'))) return lines.map((l) => l.trim());
    return [trimmed];
  }
}

/** Validates each body exactly as the intake will. */
export function checkBodies(bodies: string[]): Checked[] {
  return bodies.map((body, index) => {
    const result = parseIntakeEvent(body, { maxBytes: DEFAULT_MAX_BODY_BYTES });
    if (result.ok) return { index, body, id: result.event.id, type: result.event.type, ok: true };
    const r = result.rejection;
    return {
      index,
      body,
      ...(r.eventId ? { id: r.eventId } : {}),
      ...(r.type ? { type: r.type } : {}),
      ok: false,
      reason: r.reason,
      issues: r.issues,
    };
  });
}

function label(c: { index: number; id?: string; type?: string }, total: number): string {
  const where = total > 1 ? `event ${c.index + 1} of ${total}` : 'the event';
  const what = [c.type, c.id ? `id ${c.id}` : undefined].filter(Boolean).join(', ');
  return what ? `${where} (${what})` : where;
}

/** `events send FILE|-`. */
export async function eventsSend(ctx: Context, file: string, options: { wait: boolean }): Promise<void> {
  const text = await readInput(file);
  if (text.trim() === '')
    throw new RefusedError(`${file === '-' ? 'stdin' : file} is empty: nothing to send.`);
  const checked = checkBodies(splitBodies(text));
  const invalid = checked.filter((c) => !c.ok);
  if (invalid.length > 0) {
    const lines = invalid.flatMap((c) => [
      `  ${label(c, checked.length)} is invalid:`,
      ...(c.issues ?? []).map((i) => `    - ${i.message}`),
    ]);
    throw new RefusedError(
      `Nothing was queued: ${invalid.length} of ${checked.length} event(s) would be rejected.\n${lines.join('\n')}`,
      {
        queued: 0,
        events: checked.map((c) => ({
          index: c.index,
          id: c.id,
          type: c.type,
          valid: c.ok,
          ...(c.ok ? {} : { reason: c.reason, issues: c.issues }),
        })),
      },
    );
  }
  const ids = checked.map((c) => c.id as string);
  const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicated.length > 0) {
    hint(`Note: id ${duplicated[0]} appears more than once; the stack applies an id once.`);
  }
  const target = await ctx.target();
  // An id the stack already applied is a no-op: say so rather than report it applied again.
  const before = await appliedAmong(target, [...new Set(ids)]);
  const sending = progressBar(ctx.io, 'Queuing ', checked.length);
  await sendBodies(
    target,
    checked.map((c) => c.body),
    (n) => sending.update(n),
  );
  sending.stop();
  if (!options.wait) {
    if (ctx.io.json)
      printJson({
        queued: checked.length,
        events: checked.map((c) => ({ id: c.id, type: c.type, outcome: 'queued' })),
      });
    else
      say(ctx.io, `Queued ${checked.length} event(s) on ${target.label}; not waiting for them (--no-wait).`);
    return;
  }
  const unique = [...new Set(ids)];
  const applying = progressBar(ctx.io, 'Applying', unique.length);
  let outcomes: EventOutcome[];
  try {
    outcomes = await waitForOutcomes(target, unique, { onProgress: (n) => applying.update(n) });
  } finally {
    applying.stop();
  }
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const rows = checked.map((c): EventOutcome & { type: string } => ({
    ...(before.has(c.id as string)
      ? { id: c.id as string, outcome: 'duplicate' as const }
      : (byId.get(c.id as string) ?? { id: c.id as string, outcome: 'pending' as const })),
    type: c.type as string,
  }));
  const rejected = rows.filter((r) => r.outcome === 'rejected');
  if (ctx.io.json) {
    printJson({ queued: checked.length, events: rows });
  } else {
    say(
      ctx.io,
      table(
        ['event id', 'type', 'outcome'],
        rows.map((r) => [
          r.id,
          r.type,
          r.outcome === 'rejected' && 'reason' in r ? `rejected: ${r.reason}` : r.outcome,
        ]),
        { keep: [0] },
      ),
    );
    const duplicates = rows.filter((r) => r.outcome === 'duplicate').length;
    say(
      ctx.io,
      `${rows.length - rejected.length - duplicates} applied, ${duplicates} already applied before (ignored), ${rejected.length} rejected on ${target.label}.`,
    );
  }
  if (rejected.length > 0) {
    if (!ctx.io.json) hint('Rejected events are kept with their reason: `npx communique rejections`.');
    process.exitCode = 1;
  }
}
