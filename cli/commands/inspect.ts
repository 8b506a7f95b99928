/**
 * Read commands an organizer uses to find out what happened: deliveries of a mailing, rejected
 * events and why, and the suppression list (with lifting, the one write here).
 */
import { isValidEmail } from '../../functions/events/email.js';
import { liftSuppressions, suppressionListing } from '../../functions/feedback/lift.js';
import {
  listSuppressionEntries,
  type SuppressionScope,
  suppressionScope,
  suppressManually,
} from '../../functions/feedback/operations.js';
import { deliveryListing, rejectionListing } from '../../functions/mailing/listings.js';
import { DELIVERY_STATES, type DeliveryState } from '../../functions/store/model.js';
import {
  getMailing,
  listDeliveries,
  listRejections,
  type SuppressionRow,
} from '../../functions/store/store.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { hint, printJson, say, sayTable, shortTime } from '../lib/output.js';

function limitOf(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new RefusedError(`--limit must be a whole number (0 for all), got "${raw}".`);
  return n === 0 ? Number.POSITIVE_INFINITY : n;
}

/** `deliveries MAILING_ID [--state S] [--limit N]`. */
export async function deliveries(
  ctx: Context,
  mailingId: string,
  options: { state?: string; limit?: string },
): Promise<void> {
  if (options.state !== undefined && !(DELIVERY_STATES as readonly string[]).includes(options.state)) {
    throw new RefusedError(
      `--state "${options.state}" is not a delivery state; use one of ${DELIVERY_STATES.join(', ')}.`,
    );
  }
  const limit = limitOf(options.limit, ctx.io.json ? Number.POSITIVE_INFINITY : 50);
  const target = await ctx.target();
  if (!(await getMailing(target.store, mailingId))) {
    throw new RefusedError(
      `No mailing "${mailingId}" on ${target.label}. List them with \`npx communique mailings list\`.`,
    );
  }
  const rows = await listDeliveries(target.store, mailingId, options.state as DeliveryState | undefined);
  const shown = rows.slice(0, limit === Number.POSITIVE_INFINITY ? undefined : limit);
  const view = shown.map(deliveryListing);
  if (ctx.io.json) {
    printJson(view);
    return;
  }
  const listed = sayTable(ctx.io, view, {
    empty: `No ${options.state ?? ''} deliveries in "${mailingId}".`.replace('  ', ' '),
    head: ['email', 'lang', 'role', 'state', 'updated', 'reason'],
    cells: (d) => [d.email, d.language, d.role, d.state, shortTime(d.updatedAt), d.reason],
    keep: [0, 4],
  });
  if (listed && rows.length > shown.length)
    hint(`${rows.length - shown.length} more; --limit 0 shows all, --json gives every field.`);
}

/** `rejections [--limit N]`. */
export async function rejections(ctx: Context, options: { limit?: string }): Promise<void> {
  const limit = limitOf(options.limit, 20);
  const target = await ctx.target();
  const rows = await listRejections(target.store, limit);
  if (ctx.io.json) {
    printJson(rows.map(rejectionListing));
    return;
  }
  const listed = sayTable(ctx.io, rows, {
    empty: 'No rejected events.',
    head: ['received', 'type', 'event id', 'reason'],
    cells: (r) => [shortTime(r.receivedAt), r.type ?? r.queue ?? '?', r.eventId ?? '?', r.reason],
    keep: [0, 2],
  });
  if (listed)
    hint(
      'Each rejected event is parked whole in the intake dead-letter queue; fix it and send it again. `gave_up`: the intake gave up on it after its last receive (it is parked there too). A send or feedback dead letter was sent back once (`dead_letter_redriven`); `dead_letter_kept` ones failed again and are kept whole (--json).',
    );
}

/** `suppressions list [--email ADDRESS] [--reason R]`: active entries, newest first. */
export async function suppressionsList(
  ctx: Context,
  options: { email?: string; reason?: string },
): Promise<void> {
  if (options.email !== undefined && !isValidEmail(options.email)) {
    throw new RefusedError(`--email "${options.email}" is not an e-mail address.`);
  }
  if (
    options.reason !== undefined &&
    !SUPPRESSION_REASONS.includes(options.reason as SuppressionRow['reason'])
  ) {
    throw new RefusedError(
      `--reason must be one of ${SUPPRESSION_REASONS.join(', ')}, got "${options.reason}".`,
    );
  }
  const target = await ctx.target();
  const rows = await listSuppressionEntries(target.store, {
    ...(options.email ? { email: options.email } : {}),
    ...(options.reason ? { reason: options.reason as SuppressionRow['reason'] } : {}),
  });
  const view = rows.map((r) => suppressionListing(r, scopeName));
  if (ctx.io.json) {
    printJson(view);
    return;
  }
  sayTable(ctx.io, view, {
    empty: 'No suppressed addresses.',
    head: ['email', 'scope', 'reason', 'since', 'detail'],
    cells: (r) => [r.email, r.scope, r.reason, shortTime(r.since), r.detail],
    keep: [0, 3],
  });
}

const SUPPRESSION_REASONS: SuppressionRow['reason'][] = [
  'bounce',
  'complaint',
  'unsubscribe',
  'rejected',
  'manual',
];

/** `GLOBAL` → `global`, `CONF#x` → `conference x`. */
function scopeName(scope: string): string {
  return scope === 'GLOBAL' ? 'global' : scope.replace(/^CONF#/, 'conference ');
}

/** The stored scopes `--scope` selects: both by default, or the global one, or the conference's. */
function scopesFor(option: string | undefined, conferenceId: string): SuppressionScope[] {
  if (option === undefined) return ['GLOBAL', suppressionScope({ conferenceId })];
  if (option === 'global') return ['GLOBAL'];
  if (option === 'conference') return [suppressionScope({ conferenceId })];
  throw new RefusedError(`--scope must be "global" or "conference", got "${option}".`);
}

/** The options of a change by hand to an address's suppressions. */
type ChangeOptions = { reason: string; scope?: string };

/** The trimmed `--reason` of a change to `email`'s suppressions; refused when either is unusable. */
function reasonFor(email: string, options: ChangeOptions, mustSay: string): string {
  if (!isValidEmail(email)) throw new RefusedError(`"${email}" is not an e-mail address.`);
  const why = options.reason.trim();
  if (why === '') throw new RefusedError(`--reason must say ${mustSay}.`);
  return why;
}

/** `suppressions lift EMAIL --reason TEXT [--scope global|conference]`: recorded with who and why. */
export async function suppressionsLift(ctx: Context, email: string, options: ChangeOptions): Promise<void> {
  const why = reasonFor(email, options, 'why the suppression is lifted');
  const scopes = scopesFor(options.scope, ctx.conference);
  const target = await ctx.target();
  const result = await liftSuppressions(target.store, { email, scopes, by: ctx.by, why });
  if (result.found === 0) {
    throw new RefusedError(
      `${email} is not suppressed${options.scope ? ` (${options.scope})` : ''} for ${ctx.conference}; see \`npx communique suppressions list\`.`,
    );
  }
  const lifted = result.lifted.map((l) => ({ email: l.email, scope: scopeName(l.scope), reason: l.reason }));
  if (ctx.io.json) printJson({ lifted, by: ctx.by, why });
  else {
    for (const l of lifted)
      say(ctx.io, `Lifted the ${l.reason} suppression of ${l.email} (${l.scope}), recorded as by ${ctx.by}.`);
    if (lifted.some((l) => l.reason === 'bounce' || l.reason === 'complaint')) {
      hint(
        'Mail to an address that bounced or complained hurts the sender reputation; lift only with the recipient’s consent.',
      );
    }
  }
}

/** `suppressions add EMAIL --reason TEXT [--scope global|conference]`: a manual suppression. */
export async function suppressionsAdd(ctx: Context, email: string, options: ChangeOptions): Promise<void> {
  const why = reasonFor(email, options, 'why the address is suppressed');
  // Global by default: a person who asks not to be mailed means every conference.
  const scope = scopesFor(options.scope ?? 'global', ctx.conference)[0] as SuppressionScope;
  const target = await ctx.target();
  await suppressManually(target.store, { email, scope, by: ctx.by, why });
  if (ctx.io.json) printJson({ email, scope: scopeName(scope), reason: 'manual', by: ctx.by, why });
  else say(ctx.io, `Suppressed ${email} (${scopeName(scope)}) for bulk mail, recorded as by ${ctx.by}.`);
}
