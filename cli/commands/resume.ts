/** `mailing resume ID`: a paused mailing goes on, after its account or authorization problem is dealt with. */
import { type MailingProgress, mailingProgress, resumeMailing } from '../../functions/mailing/operations.js';
import { getMailing } from '../../functions/store/store.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { printJson, say } from '../lib/output.js';

export async function mailingResume(ctx: Context, mailingId: string): Promise<void> {
  const target = await ctx.target();
  const mailing = await getMailing(target.store, mailingId);
  if (!mailing) {
    throw new RefusedError(
      `No mailing "${mailingId}" on ${target.label}. List them with \`npx communique mailings list\`.`,
    );
  }
  if (mailing.state !== 'paused') {
    throw new RefusedError(
      `Mailing "${mailingId}" is ${mailing.state}, not paused: there is nothing to resume.`,
    );
  }
  const reason = mailing.pausedReason;
  const resumed = await resumeMailing(target.pipeline, mailingId, ctx.by);
  if (!resumed)
    throw new RefusedError(`Mailing "${mailingId}" changed state meanwhile; nothing was resumed.`);
  const p = (await mailingProgress(target.store, mailingId)) as MailingProgress;
  if (ctx.io.json) {
    printJson({
      mailingId,
      state: resumed,
      queued: p.counts.queued,
      ...(reason ? { pausedReason: reason } : {}),
    });
    return;
  }
  say(ctx.io, `Resumed "${mailingId}" (${resumed}): ${p.counts.queued} queued delivery(ies) go out again.`);
  if (reason) say(ctx.io, `  it was paused for: ${reason}`);
  say(ctx.io, `  watch it:  npx communique mailing status ${mailingId} --watch`);
}
