/**
 * Organizer commands that read mailings: status (with a live progress bar; the demo uses the same
 * watcher) and the list of a conference's mailings.
 */
import { isListedByDefault } from '../../functions/kinds/index.js';
import { type MailingProgress, mailingProgress } from '../../functions/mailing/operations.js';
import type { MailingRow } from '../../functions/store/model.js';
import { getMailing, listMailings } from '../../functions/store/store.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { hint, type Io, printJson, progressBar, say, sayTable, shortTime } from '../lib/output.js';
import type { Target } from '../lib/target.js';

/** The states a status line always shows, in pipeline order. */
export const SHOWN_STATES = [
  'queued',
  'sent',
  'delivered',
  'bounced',
  'complained',
  'failed',
  'uncertain',
] as const;
/** Shown only when non-zero: they are normal but rare. */
const RARE_STATES = ['sending', 'delayed', 'suppressed', 'cancelled'] as const;

/** The mailing `mailingId`, or a refusal that says how to list them. */
export async function requireMailing(ctx: Context, target: Target, mailingId: string): Promise<MailingRow> {
  const mailing = await getMailing(target.store, mailingId);
  if (!mailing) {
    throw new RefusedError(
      `No mailing "${mailingId}" on ${target.label}. List them with \`npx communique mailings list\`${ctx.conference !== 'dushanbe-2022' ? ` --conference ${ctx.conference}` : ''}.`,
    );
  }
  return mailing;
}

// ---------------------------------------------------------------------------------------------------
// status / watch

function countsLine(p: MailingProgress): string {
  const parts: string[] = SHOWN_STATES.map((s) => `${s} ${p.counts[s]}`);
  for (const s of RARE_STATES) if (p.counts[s] > 0) parts.push(`${s} ${p.counts[s]}`);
  return parts.join(' · ');
}

/** Deliveries the sender is done with (whatever feedback may still change). */
function processed(p: MailingProgress): number {
  return Math.max(0, p.total - p.counts.queued - p.counts.sending - p.counts.delayed);
}

function describe(p: MailingProgress): string[] {
  const lines = [
    `${p.mailingId} (${p.kind}) — ${p.state}${p.complete && !['dry-run', 'cancelled', 'complete'].includes(p.state) ? ', complete' : ''}`,
  ];
  lines.push(
    `  requested by ${p.requestedBy} at ${shortTime(p.createdAt)}${p.sendAt ? `; send at ${p.sendAt}` : ''}`,
  );
  if (p.state === 'dry-run' && p.preview) {
    const langs = Object.entries(p.preview.perLanguage)
      .map(([l, n]) => `${l} ${n}`)
      .join(', ');
    lines.push(
      `  dry run: ${p.preview.total} recipient(s) (${langs}); confirm with: npx communique mailing confirm ${p.mailingId}`,
    );
  } else if (p.state === 'scheduled' || (p.total === 0 && p.state === 'cancelled')) {
    const expected = p.preview ? `; ${p.preview.total} recipient(s) at the dry run` : '';
    lines.push(
      `  ${p.state === 'scheduled' ? `goes at ${p.sendAt}` : 'cancelled before any delivery was planned'}${expected}`,
    );
  } else {
    lines.push(`  ${processed(p)}/${p.total} processed: ${countsLine(p)}`);
  }
  if (p.pausedReason) lines.push(`  paused: ${p.pausedReason}`);
  return lines;
}

/** `mailing status ID [--watch]`. */
export async function mailingStatus(
  ctx: Context,
  mailingId: string,
  options: { watch?: boolean; interval?: string; timeout?: string },
): Promise<void> {
  const target = await ctx.target();
  await requireMailing(ctx, target, mailingId);
  const read = async () => (await mailingProgress(target.store, mailingId)) as MailingProgress;
  let p = await read();
  if (!options.watch) {
    if (ctx.io.json) printJson(p);
    else for (const line of describe(p)) say(ctx.io, line);
    return;
  }
  await watchProgress(ctx.io, p, read, {
    intervalMs: Math.max(200, Number(options.interval ?? 1) * 1000),
    ...(options.timeout ? { timeoutMs: Number(options.timeout) * 1000 } : {}),
  }).then((last) => {
    p = last;
  });
  if (!ctx.io.json) for (const line of describe(p)) say(ctx.io, line);
}

/**
 * Polls a mailing until it is complete (or paused, or the timeout passes), drawing a progress bar
 * for people and printing one JSON line per change for scripts. Returns the last reading.
 */
export async function watchProgress(
  io: Io,
  first: MailingProgress,
  read: () => Promise<MailingProgress>,
  options: { intervalMs?: number; timeoutMs?: number; label?: string } = {},
): Promise<MailingProgress> {
  const intervalMs = options.intervalMs ?? 1000;
  const deadline = options.timeoutMs ? Date.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
  const format = `${options.label ?? first.mailingId} {bar} {value}/{total} | ${SHOWN_STATES.map((s) => `${s} {${s}}`).join(' ')}`;
  const zero = Object.fromEntries(SHOWN_STATES.map((s) => [s, first.counts[s]]));
  // Planning adds deliveries a page at a time; a dry run already knows where it will end.
  const totalOf = (p: MailingProgress) => Math.max(p.total, p.preview?.total ?? 0);
  const bar = progressBar(io, '', totalOf(first), format, zero);
  let p = first;
  let lastJson = '';
  const stopWatching = { requested: false };
  const onSigint = (): void => {
    stopWatching.requested = true;
  };
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      bar.setTotal(totalOf(p));
      bar.update(processed(p), Object.fromEntries(SHOWN_STATES.map((s) => [s, p.counts[s]])));
      if (io.json) {
        const line = JSON.stringify(p);
        if (line !== lastJson) process.stdout.write(`${line}\n`);
        lastJson = line;
      }
      if (p.complete || p.state === 'paused' || stopWatching.requested || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, intervalMs));
      p = await read();
    }
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
  if (stopWatching.requested && !io.json) hint('Stopped watching; the mailing itself carries on.');
  return p;
}

// ---------------------------------------------------------------------------------------------------
// list

/** `mailings list [--all]`. */
export async function mailingsList(ctx: Context, options: { all?: boolean }): Promise<void> {
  const target = await ctx.target();
  // Hidden unless --all: one-person transactional mail, and dry runs withdrawn for an empty audience.
  const rows = (await listMailings(target.store, ctx.conference)).filter(
    (m) =>
      options.all ||
      (isListedByDefault(m.kind) && !(m.state === 'cancelled' && m.total === 0 && m.preview?.total === 0)),
  );
  const view = rows.map((m) => ({
    mailingId: m.mailingId,
    kind: m.kind,
    state: m.state,
    total: m.state === 'dry-run' ? (m.preview?.total ?? 0) : m.total,
    ...Object.fromEntries([...SHOWN_STATES, ...RARE_STATES].map((s) => [s, Number(m[`count_${s}`] ?? 0)])),
    audience: m.audience,
    requestedBy: m.requestedBy,
    createdAt: m.createdAt,
    ...(m.sendAt ? { sendAt: m.sendAt } : {}),
  }));
  if (ctx.io.json) {
    printJson(view);
    return;
  }
  const listed = sayTable(ctx.io, view, {
    empty: `No mailings for ${ctx.conference} yet. Create one with \`npx communique mailing create --kind invitation --audience roles=delegate\`.`,
    head: ['mailing', 'kind', 'state', 'total', 'deliveries', 'created (UTC)'],
    cells: (m) => {
      const counts = m as unknown as Record<string, number>;
      const parts = [...SHOWN_STATES, ...RARE_STATES]
        .filter((s) => counts[s])
        .map((s) => `${s} ${counts[s]}`);
      return [m.mailingId, m.kind, m.state, m.total, parts.join(' · '), shortTime(m.createdAt)];
    },
    keep: [0, 5],
  });
  if (listed && !options.all)
    hint('Confirmations, cancellations and withdrawn empty dry runs are hidden; --all shows them.');
}
