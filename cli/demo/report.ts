/**
 * How `npm run demo` reports: a heading per step, indented lines, a progress bar while a mailing
 * goes, and one row per step for the summary table at the end.
 */
import { type MailingProgress, mailingProgress } from '../../functions/mailing/operations.js';
import { SHOWN_STATES, watchProgress } from '../commands/mailing.js';
import { type Io, ioFrom } from '../lib/output.js';
import type { Target } from '../lib/target.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One row of the summary table. */
export interface StepResult {
  step: string;
  what: string;
  mails: string;
  outcome: string;
  ok: boolean;
}

/** The summary table's rows, in the order the steps ran. */
export const results: StepResult[] = [];
export const io: Io = ioFrom({});
export const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[22m` : s);

export function heading(n: number, title: string, byHand?: string): void {
  console.log(`\n${bold(`${n}/7  ${title}`)}`);
  if (byHand) console.log(dim(`     by hand: ${byHand}`));
}

export function line(text: string): void {
  console.log(`     ${text}`);
}

/** Polls `check` until it returns a value, or gives up after `timeoutMs` (undefined). */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

export function summary(p: MailingProgress): string {
  return SHOWN_STATES.filter((s) => p.counts[s] > 0)
    .map((s) => `${s} ${p.counts[s]}`)
    .concat(p.counts.suppressed > 0 ? [`suppressed ${p.counts.suppressed}`] : [])
    .join(', ');
}

/**
 * Waits until a mailing is complete and its SES feedback has come in (sent → delivered), drawing
 * a progress bar meanwhile. Returns the last reading.
 */
export async function follow(
  target: Target,
  mailingId: string,
  label: string,
  timeoutMs = 120_000,
): Promise<MailingProgress> {
  const read = async () => (await mailingProgress(target.store, mailingId)) as MailingProgress;
  let p = await watchProgress(io, await read(), read, {
    intervalMs: 500,
    timeoutMs,
    label: label.padEnd(13),
  });
  // Delivery events arrive a moment after the send; wait briefly so the summary shows them.
  for (let i = 0; i < 20 && p.complete && p.counts.sent > 0; i++) {
    await sleep(250);
    p = await read();
  }
  return p;
}

/** Records a step that sent one requested mailing: done when it completed with recipients. */
export function recordMailing(step: string, what: string, p: MailingProgress | undefined): void {
  results.push({
    step,
    what,
    mails: `${p?.total ?? 0}`,
    outcome: p ? summary(p) : 'failed',
    ok: !!p?.complete && p.total > 0,
  });
}
