/** `mailing pause ID`: an organizer stops a mailing where it is, to resume (or cancel) it later. */
import { type MailingProgress, mailingProgress } from '../../functions/mailing/operations.js';
import { PAUSABLE_STATES, pauseMailing } from '../../functions/mailing/pause.js';
import { getMailing } from '../../functions/store/store.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { printJson, say } from '../lib/output.js';

export async function mailingPause(ctx: Context, mailingId: string): Promise<void> {
  const target = await ctx.target();
  const mailing = await getMailing(target.store, mailingId);
  if (!mailing) {
    throw new RefusedError(
      `No mailing "${mailingId}" on ${target.label}. List them with \`npx communique mailings list\`.`,
    );
  }
  if (!(PAUSABLE_STATES as readonly string[]).includes(mailing.state)) {
    throw new RefusedError(
      `Mailing "${mailingId}" is ${mailing.state}: only a mailing being planned or sent can be paused.`,
    );
  }
  if (!(await pauseMailing(target.store, mailingId, ctx.by)))
    throw new RefusedError(`Mailing "${mailingId}" changed state meanwhile; nothing was paused.`);
  const p = (await mailingProgress(target.store, mailingId)) as MailingProgress;
  if (ctx.io.json) {
    printJson({ mailingId, state: 'paused', queued: p.counts.queued });
    return;
  }
  say(ctx.io, `Paused "${mailingId}": ${p.counts.queued} queued delivery(ies) wait until it is resumed.`);
  say(ctx.io, `  resume it:  npx communique mailing resume ${mailingId}`);
}
