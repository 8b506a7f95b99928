/**
 * Organizer commands on mailings: create (dry run first, then confirm), confirm, test-send, cancel
 * and resend. Status, watching and the list read mailings: `mailing-read.ts`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { isValidEmail } from '../../functions/events/email.js';
import { validateIntakeEvent } from '../../functions/events/schemas.js';
import { MAILING_KINDS } from '../../functions/kinds/index.js';
import { newMailingId } from '../../functions/mailing/ids.js';
import {
  type MailingProgress,
  mailingProgress,
  resendDeliveries,
} from '../../functions/mailing/operations.js';
import type { MailingRow } from '../../functions/store/model.js';
import { getConference, getMailing } from '../../functions/store/store.js';
import { parseStackConfig } from '../../infra/config.js';
import { type AudienceInput, formatAudience, parseAudience } from '../lib/audience.js';
import { type ContentInput, readContent } from '../lib/content.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { cloudEvent, type OutgoingEvent, sendBodies, waitForOutcomes } from '../lib/intake.js';
import { hint, printJson, progressBar, say, table } from '../lib/output.js';
import { defaultPreviewDir, type SampleFile, writeMailingSamples } from '../lib/samples.js';
import { repoRoot, type Target } from '../lib/target.js';
import { requireMailing } from './mailing-read.js';

export { mailingStatus, mailingsList, SHOWN_STATES, watchProgress } from './mailing-read.js';

/** Organizer-facing names of event-schema paths, so refusals name the flag to fix. */
const FLAG_NAMES: [RegExp, string][] = [
  [/^data\.kind\b/, '--kind'],
  [/^data\.audience\.(roles|languages|countries|sessions)(\[\d+\])?/, '--audience $1'],
  [/^data\.audience\.contactIds(\[\d+\])?/, '--audience contacts'],
  [/^data\.audience\b/, '--audience'],
  [/^data\.content\.embargoUntil\b/, 'embargo (in --content)'],
  [/^data\.content\.(subject|body)\.?/, '$1 in --content: '],
  [/^data\.content\b/, '--content'],
  [/^data\.sendAt\b/, '--send-at'],
  [/^data\.mailingId\b/, '--id'],
  [/^data\.conferenceId\b/, '--conference'],
  [/^data\.requestedBy\b/, '--by'],
];

function inFlagTerms(message: string): string {
  for (const [pattern, name] of FLAG_NAMES) if (pattern.test(message)) return message.replace(pattern, name);
  return message;
}

export { newMailingId } from '../../functions/mailing/ids.js';

interface MailingRequest {
  conferenceId: string;
  mailingId: string;
  kind: string;
  audience: AudienceInput;
  content?: ContentInput | MailingRow['content'];
  sendAt?: string;
  dryRun: boolean;
  requestedBy: string;
}

/** Builds and validates a `mailing.requested` event, refusing with flag names on invalid input. */
export function mailingRequestedEvent(request: MailingRequest): OutgoingEvent {
  const data: Record<string, unknown> = { ...request };
  if (request.content === undefined) delete data.content;
  if (request.sendAt === undefined) delete data.sendAt;
  const event = cloudEvent('mailing.requested', data);
  const result = validateIntakeEvent(event);
  if (!result.ok) {
    const problems = result.rejection.issues.map((i) => `  - ${inFlagTerms(i.message)}`);
    throw new RefusedError(`Cannot request this mailing:\n${problems.join('\n')}`, {
      issues: result.rejection.issues,
    });
  }
  return event;
}

/** Sends one event and waits until it is applied; a rejection by the stack is a refusal. */
export async function sendAndWait(target: Target, event: OutgoingEvent): Promise<void> {
  await sendBodies(target, [JSON.stringify(event)]);
  const [outcome] = await waitForOutcomes(target, [event.id]);
  if (outcome?.outcome === 'rejected') {
    throw new RefusedError(`${target.label} rejected the ${event.type} event: ${outcome.reason}`, {
      eventId: event.id,
      reason: outcome.reason,
      code: outcome.code,
    });
  }
}

async function requireConference(ctx: Context, target: Target) {
  const conference = await getConference(target.store, ctx.conference);
  if (!conference) {
    throw new RefusedError(
      `Conference "${ctx.conference}" is unknown on ${target.label}. Send its conference.upserted event first ` +
        '(`npx communique events send conference.json`), or pick another with --conference.',
    );
  }
  return conference;
}

// ---------------------------------------------------------------------------------------------------
// create / confirm

export interface CreateOptions {
  kind: string;
  audience: string[];
  content?: string;
  sendAt?: string;
  id?: string;
  yes?: boolean;
  dryRun?: boolean;
  samples?: string;
}

/** `mailing create`: a dry run with per-language counts and samples, then (maybe) the real thing. */
export async function mailingCreate(ctx: Context, options: CreateOptions): Promise<void> {
  const { io } = ctx;
  if (!(MAILING_KINDS as readonly string[]).includes(options.kind)) {
    throw new RefusedError(
      `Unknown mailing kind "${options.kind}"; use one of ${MAILING_KINDS.join(', ')}. ` +
        '(Confirmations, cancellations and agenda-change notices follow from events on their own; reminders also go by the clock.)',
      { kind: options.kind, kinds: MAILING_KINDS },
    );
  }
  const audience = parseAudience(options.audience);
  const content = options.content ? await readContent(options.content) : undefined;
  const request: MailingRequest = {
    conferenceId: ctx.conference,
    mailingId: options.id ?? newMailingId(options.kind),
    kind: options.kind,
    audience,
    ...(content ? { content } : {}),
    ...(options.sendAt ? { sendAt: options.sendAt } : {}),
    dryRun: true,
    requestedBy: ctx.by,
  };
  const dryRun = mailingRequestedEvent(request);
  const target = await ctx.target();
  const conference = await requireConference(ctx, target);
  const existing = await getMailing(target.store, request.mailingId);
  if (existing && existing.state !== 'dry-run') {
    throw new RefusedError(
      `Mailing id "${request.mailingId}" is already used (${existing.kind}, ${existing.state}); choose another --id or leave it out.`,
    );
  }

  const waiting = progressBar(io, 'Dry run ', 1);
  await sendAndWait(target, dryRun).finally(() => waiting.stop());
  const mailing = await requireMailing(ctx, target, request.mailingId);
  const preview = mailing.preview ?? { total: 0, perLanguage: {}, subjects: {} };

  if (preview.total === 0) {
    // A dry run nobody can receive is noise in `mailings list`: withdraw it.
    await sendAndWait(
      target,
      cloudEvent('mailing.cancelled', {
        conferenceId: ctx.conference,
        mailingId: request.mailingId,
        requestedBy: ctx.by,
      }),
    ).catch(() => undefined);
    throw new RefusedError(
      `The audience is empty: no active contact of ${ctx.conference} matches ${formatAudience(audience)} ` +
        '(suppressed addresses are left out of bulk mail). Nothing was sent.',
      { mailingId: request.mailingId, audience, total: 0 },
    );
  }

  const languages = Object.keys(preview.perLanguage).sort();
  const dir = path.resolve(options.samples ?? path.join(defaultPreviewDir(), 'mailings'));
  let samples: SampleFile[] = [];
  try {
    const written = await writeMailingSamples(target.store, mailing, conference, languages, dir);
    samples = written.files;
    for (const problem of written.problems) hint(`Could not render the ${problem}`);
  } catch (error) {
    hint(`No sample rendered: ${error instanceof Error ? error.message : String(error)}`);
  }
  const sampleOf = new Map(samples.map((s) => [s.language, s]));
  const subjects = Object.fromEntries(
    languages.map((l) => [l, preview.subjects[l] ?? sampleOf.get(l)?.subject ?? '']),
  );
  const summary = {
    mailingId: request.mailingId,
    conferenceId: ctx.conference,
    kind: request.kind,
    audience,
    ...(request.sendAt ? { sendAt: request.sendAt } : {}),
    total: preview.total,
    perLanguage: preview.perLanguage,
    subjects,
    samples: Object.fromEntries(samples.map((s) => [s.language, s.file])),
  };

  if (!io.json) {
    say(
      io,
      `Dry run of ${request.kind} "${request.mailingId}" to ${formatAudience(audience)}: ${preview.total} recipient(s).`,
    );
    say(
      io,
      table(
        ['language', 'recipients', 'sample subject'],
        languages.map((l) => [l, preview.perLanguage[l], subjects[l]]),
      ),
    );
    if (samples.length > 0) {
      say(io, 'Samples, each rendered for a real recipient of that language (open them in a browser):');
      for (const s of samples) say(io, `  ${s.language}: ${path.relative(process.cwd(), s.file)}`);
    }
    if (request.sendAt) say(io, `It is to go at ${request.sendAt}.`);
  }

  let go = options.yes === true;
  if (!go && !options.dryRun && io.canPrompt && !io.json) {
    const { confirm } = await import('@inquirer/prompts');
    go = await confirm({
      message: `Send this ${request.kind} to ${preview.total} recipient(s)${request.sendAt ? ` at ${request.sendAt}` : ' now'}?`,
      default: false,
    }).catch(() => false);
  }
  if (!go) {
    if (io.json) printJson({ ...summary, state: 'dry-run', confirmed: false });
    else {
      say(io, `Not sent: "${request.mailingId}" stays a dry run.`);
      say(io, `  test it:   npx communique mailing test-send ${request.mailingId} --to you@example.org`);
      say(io, `  send it:   npx communique mailing confirm ${request.mailingId}`);
      say(io, `  drop it:   npx communique mailing cancel ${request.mailingId}`);
    }
    return;
  }
  const state = await confirmMailing(target, mailing, ctx.by, request.sendAt);
  if (io.json) printJson({ ...summary, state, confirmed: true });
  else {
    say(io, `Confirmed: "${request.mailingId}" is ${state}.`);
    say(io, `  watch it:  npx communique mailing status ${request.mailingId} --watch`);
  }
}

/** Turns a dry run into the real mailing (same id, a new event id) and returns its new state. */
async function confirmMailing(
  target: Target,
  mailing: MailingRow,
  by: string,
  sendAt: string | undefined,
): Promise<MailingRow['state']> {
  const event = mailingRequestedEvent({
    conferenceId: mailing.conferenceId,
    mailingId: mailing.mailingId,
    kind: mailing.kind,
    audience: mailing.audience as AudienceInput,
    ...(mailing.content ? { content: mailing.content } : {}),
    ...((sendAt ?? mailing.sendAt) ? { sendAt: sendAt ?? mailing.sendAt } : {}),
    dryRun: false,
    requestedBy: by,
  });
  await sendAndWait(target, event);
  return (await getMailing(target.store, mailing.mailingId))?.state ?? 'planning';
}

/** `mailing confirm ID`: sends a mailing that was left as a dry run. */
export async function mailingConfirm(
  ctx: Context,
  mailingId: string,
  options: { sendAt?: string },
): Promise<void> {
  const target = await ctx.target();
  const mailing = await requireMailing(ctx, target, mailingId);
  if (mailing.state !== 'dry-run') {
    throw new RefusedError(`Mailing "${mailingId}" is ${mailing.state}; only a dry run can be confirmed.`);
  }
  const state = await confirmMailing(target, mailing, ctx.by, options.sendAt);
  const progress = await mailingProgress(target.store, mailingId);
  if (ctx.io.json) printJson({ ...progress, confirmed: true });
  else {
    say(
      ctx.io,
      `Confirmed: "${mailingId}" (${mailing.kind}, ${mailing.preview?.total ?? '?'} recipient(s)) is ${state}.`,
    );
    say(ctx.io, `  watch it:  npx communique mailing status ${mailingId} --watch`);
  }
}

// ---------------------------------------------------------------------------------------------------
// test-send

/** `mailing test-send ID --to ADDRESS [--lang LANG]`: the real composition, addressed to the organizer. */
export async function mailingTestSend(
  ctx: Context,
  mailingId: string,
  options: { to: string; lang?: string },
): Promise<void> {
  if (!isValidEmail(options.to)) {
    throw new RefusedError(`--to "${options.to}" is not an e-mail address this pipeline can send to.`);
  }
  const target = await ctx.target();
  await requireMailing(ctx, target, mailingId);
  let compose: typeof import('../../functions/mailing/test-mail.js');
  try {
    compose = await import('../../functions/mailing/test-mail.js');
  } catch (error) {
    throw new RefusedError(
      `Cannot compose mail here (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); run \`npm run build:templates\` first.`,
    );
  }
  const config = parseStackConfig(
    (
      JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')) as {
        context: { communique: unknown };
      }
    ).context.communique,
  );
  // Throwaway keys: the unsubscribe link of a test mail must not work for anyone, including the tester.
  const keys = JSON.stringify({
    current: 'test-send',
    keys: { 'test-send': randomBytes(32).toString('base64') },
  });
  const mail = await compose.composeTestSend(
    target.store,
    {
      SENDER_DOMAIN: config.senderDomain,
      FROM_ADDRESS: config.fromAddress,
      UNSUBSCRIBE_BASE_URL: target.outputs.UnsubscribeUrl || 'https://unsubscribe.example.org/',
      UNSUBSCRIBE_KEYS: keys,
    },
    { mailingId, to: options.to, ...(options.lang ? { language: options.lang } : {}) },
  );
  const sent = await target.ses.send(
    new SendRawEmailCommand({
      RawMessage: { Data: mail.raw },
      Source: mail.from,
      Destinations: [options.to],
    }),
  );
  const result = { mailingId, to: options.to, subject: mail.subject, sesMessageId: sent.MessageId };
  if (ctx.io.json) printJson(result);
  else {
    say(
      ctx.io,
      `Sent a test of "${mailingId}" to ${options.to}: "${mail.subject}" (SES message ${sent.MessageId}).`,
    );
    if (target.endpoints) say(ctx.io, `  Local outbox: ${target.endpoints.ses}/`);
  }
}

// ---------------------------------------------------------------------------------------------------
// cancel / resend

/** `mailing cancel ID`. */
export async function mailingCancel(ctx: Context, mailingId: string): Promise<void> {
  const target = await ctx.target();
  const mailing = await requireMailing(ctx, target, mailingId);
  if (mailing.state === 'cancelled') throw new RefusedError(`Mailing "${mailingId}" is already cancelled.`);
  if (mailing.state === 'complete') {
    throw new RefusedError(
      `Mailing "${mailingId}" is complete: everything in it was sent; there is nothing to cancel.`,
    );
  }
  await sendAndWait(
    target,
    cloudEvent('mailing.cancelled', { conferenceId: mailing.conferenceId, mailingId, requestedBy: ctx.by }),
  );
  // Queued deliveries are cancelled a page at a time; give the first pages a moment.
  let p = (await mailingProgress(target.store, mailingId)) as MailingProgress;
  for (let i = 0; i < 20 && p.counts.queued > 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    p = (await mailingProgress(target.store, mailingId)) as MailingProgress;
  }
  if (ctx.io.json) printJson(p);
  else {
    say(
      ctx.io,
      `Cancelled "${mailingId}": ${p.counts.cancelled} delivery(ies) will not go; ${p.counts.sent + p.counts.delivered} already went.`,
    );
    if (p.counts.queued > 0) say(ctx.io, `  ${p.counts.queued} still being cancelled.`);
  }
}

/** `mailing resend ID --failed|--uncertain`. */
export async function mailingResend(
  ctx: Context,
  mailingId: string,
  options: { failed?: boolean; uncertain?: boolean },
): Promise<void> {
  const states = [
    ...(options.failed ? (['failed'] as const) : []),
    ...(options.uncertain ? (['uncertain'] as const) : []),
  ];
  const target = await ctx.target();
  await requireMailing(ctx, target, mailingId);
  const before = (await mailingProgress(target.store, mailingId)) as MailingProgress;
  const count = states.reduce((n, s) => n + before.counts[s], 0);
  if (count === 0) {
    if (ctx.io.json) printJson({ mailingId, states, resent: 0 });
    else say(ctx.io, `Nothing to resend: "${mailingId}" has no ${states.join(' or ')} delivery.`);
    return;
  }
  if (options.uncertain && before.counts.uncertain > 0 && !ctx.io.json) {
    hint(
      `Note: ${before.counts.uncertain} uncertain delivery(ies) may already have arrived; resending means those people may get it twice.`,
    );
  }
  await resendDeliveries(target.pipeline, mailingId, [...states], ctx.by);
  if (ctx.io.json) printJson({ mailingId, states, resent: count });
  else {
    say(ctx.io, `Resending ${count} ${states.join(' and ')} delivery(ies) of "${mailingId}".`);
    say(ctx.io, `  watch it:  npx communique mailing status ${mailingId} --watch`);
  }
}
