/**
 * `clock set|show|reset`: the local stack's settable calendar time, so reminders and scheduled
 * mailings can be seen without waiting. Deployed stacks use the real clock, always.
 */
import { instantOf } from '../../functions/events/schemas.js';
import { clockOffsetMs, setClockOffset } from '../../functions/store/store.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { printJson, say } from '../lib/output.js';
import type { Target } from '../lib/target.js';

function refuseDeployed(ctx: Context): void {
  if (ctx.globals.stack) {
    throw new RefusedError(
      `The clock of a deployed stack (${ctx.globals.stack}) is the real clock and cannot be set; \`clock\` works on the local stack only.`,
    );
  }
}

async function report(ctx: Context, target: Target, verb: string): Promise<void> {
  const offsetMs = await clockOffsetMs(target.store);
  const now = new Date(Date.now() + offsetMs);
  const result = { now: now.toISOString(), offsetMs, real: offsetMs === 0 };
  if (ctx.io.json) printJson(result);
  else {
    say(
      ctx.io,
      `${verb}: the local stack's clock reads ${now.toISOString()}${offsetMs === 0 ? ' (real time)' : ''}.`,
    );
    if (offsetMs !== 0)
      say(ctx.io, '  Due reminders and scheduled mailings go at the next tick (every few seconds).');
  }
}

/** `clock set ISO-TIME`. */
export async function clockSet(ctx: Context, iso: string): Promise<void> {
  refuseDeployed(ctx);
  const at = instantOf(iso.trim());
  if (at === undefined) {
    throw new RefusedError(
      `"${iso}" is not a date-time with an offset; write e.g. 2022-10-17T09:00:00+05:00 (Dushanbe) or 2022-10-17T04:00:00Z.`,
    );
  }
  const target = await ctx.target();
  await setClockOffset(target.store, at - Date.now());
  await report(ctx, target, 'Clock set');
}

/** `clock show`. */
export async function clockShow(ctx: Context): Promise<void> {
  refuseDeployed(ctx);
  await report(ctx, await ctx.target(), 'Clock');
}

/** `clock reset`: back to real time. */
export async function clockReset(ctx: Context): Promise<void> {
  refuseDeployed(ctx);
  const target = await ctx.target();
  await setClockOffset(target.store, 0);
  await report(ctx, target, 'Clock reset');
}
