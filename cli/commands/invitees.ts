/**
 * `invitees import FILE.csv`, `invitees list`, `invitees answers`: the invitation list, its RSVP
 * states, and the answers as the registration system receives them.
 *
 * The import checks every row with the `invitee.upserted` schema before anything is queued, like
 * the press import: rows that pass are imported, rows that do not are reported with their line and
 * reason, and importing the same file again updates the same invitees (ids derive from addresses).
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { inviteeIdFor } from '../../functions/events/email.js';
import {
  inviteeListing,
  RSVP_FILTER_HELP,
  rsvpStateOf,
  selectListedInvitees,
} from '../../functions/invitations/listing.js';
import type { RsvpState } from '../../functions/store/model.js';
import type { Context } from '../lib/context.js';
import { readCsv } from '../lib/csv.js';
import type { ImportOptions, ImportRow } from '../lib/csv-import.js';
import { ImportCheck, importRows, readColumns } from '../lib/csv-import.js';
import { RefusedError } from '../lib/errors.js';
import { cloudEvent, type OutgoingEvent } from '../lib/intake.js';
import { printJson, say, shortTime, table } from '../lib/output.js';
import { readInput } from './events.js';

type Field =
  | 'inviteeId'
  | 'email'
  | 'name'
  | 'givenName'
  | 'familyName'
  | 'honorific'
  | 'organization'
  | 'country'
  | 'language'
  | 'timeZone'
  | 'group'
  | 'mayDesignate';

/** Header spellings accepted for each field (see headerKey). */
const HEADERS: Record<string, Field> = {
  id: 'inviteeId',
  inviteeid: 'inviteeId',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  name: 'name',
  fullname: 'name',
  givenname: 'givenName',
  firstname: 'givenName',
  familyname: 'familyName',
  lastname: 'familyName',
  surname: 'familyName',
  honorific: 'honorific',
  title: 'honorific',
  organization: 'organization',
  organisation: 'organization',
  country: 'country',
  language: 'language',
  lang: 'language',
  timezone: 'timeZone',
  group: 'group',
  invitationgroup: 'group',
  maydesignate: 'mayDesignate',
  representative: 'mayDesignate',
};

const COLUMNS_HELP =
  'Columns: email, and name or givenName (required); familyName, honorific, organization, country, language, timeZone, group, mayDesignate, inviteeId.';

const YES = new Set(['yes', 'y', 'true', '1', 'да', 'نعم']);
const NO = new Set(['no', 'n', 'false', '0', 'нет', 'لا']);

/** Parses and validates an invitee list; pure (no stack), so it is also what `--dry-run` runs. */
export function checkInviteeList(
  text: string,
  conferenceId: string,
): { rows: ImportRow<'inviteeId'>[]; events: Map<number, OutgoingEvent> } {
  const check = new ImportCheck('inviteeId');
  const { records, unreadable } = readCsv(text);
  for (const { line, reason } of unreadable) check.refuse(line, reason);
  const [header, ...body] = records;
  if (!header) throw new RefusedError(`The CSV file is empty: expected a header row. ${COLUMNS_HELP}`);
  const columns = readColumns(header.record, HEADERS, COLUMNS_HELP);
  if (!columns.includes('email')) throw new RefusedError(`The header has no "email" column. ${COLUMNS_HELP}`);
  if (!columns.includes('name') && !columns.includes('givenName')) {
    throw new RefusedError(`The header has neither a "name" nor a "givenName" column. ${COLUMNS_HELP}`);
  }
  if (body.length === 0 && check.rows.length === 0)
    throw new RefusedError('The CSV file has a header but no rows.');

  for (const entry of body) {
    const { record, info } = entry;
    const line = info.lines;
    const value = (f: Field): string | undefined => {
      const i = columns.indexOf(f);
      const v = i < 0 ? undefined : record[i];
      return v === undefined || v === '' ? undefined : v;
    };
    if (check.refusedForShape(entry, columns, value('email'))) continue;
    const email = value('email') ?? '';
    const inviteeId = value('inviteeId') ?? inviteeIdFor(email);
    let givenName = value('givenName');
    let familyName = value('familyName');
    if (givenName === undefined && value('name') !== undefined) {
      const [first, ...rest] = (value('name') ?? '').split(/\s+/);
      givenName = first;
      familyName ??= rest.join(' ');
    }
    const person: Record<string, unknown> = {
      email,
      givenName: givenName ?? '',
      familyName: familyName ?? '',
    };
    for (const f of ['honorific', 'organization', 'country', 'language', 'timeZone'] as const) {
      const v = value(f);
      if (v !== undefined) person[f] = v;
    }
    const data: Record<string, unknown> = { conferenceId, inviteeId, person };
    const group = value('group');
    if (group !== undefined) data.group = group;
    const may = value('mayDesignate')?.toLowerCase();
    if (may !== undefined) {
      if (YES.has(may)) data.mayDesignate = true;
      else if (NO.has(may)) data.mayDesignate = false;
      else {
        check.refuse(line, `mayDesignate must be yes or no (got "${may}")`, email, inviteeId);
        continue;
      }
    }
    // Issues name event paths (data.person.email); a spreadsheet user knows columns.
    check.admit(line, email, inviteeId, cloudEvent('invitee.upserted', data), /^data\.(person\.)?/);
  }
  return check.done();
}

/** `invitees import FILE.csv [--dry-run]`. */
export async function inviteesImport(ctx: Context, file: string, options: ImportOptions): Promise<void> {
  const checked = checkInviteeList(await readInput(file), ctx.conference);
  await importRows(ctx, { ...checked, idKey: 'inviteeId' }, options, 'invitees');
}

/** A CSV cell: quoted when needed, and defused when a spreadsheet would read it as a formula. */
function csvCell(value: string | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `invitees list [--rsvp STATE] [--all] [--csv]`. */
export async function inviteesList(
  ctx: Context,
  options: { rsvp?: string; all?: boolean; csv?: boolean },
): Promise<void> {
  let state: RsvpState | undefined;
  if (options.rsvp !== undefined) {
    state = rsvpStateOf(options.rsvp);
    if (!state) throw new RefusedError(`--rsvp: unknown state "${options.rsvp}"; ${RSVP_FILTER_HELP}.`);
  }
  const target = await ctx.target();
  const rows = await selectListedInvitees(target.store, ctx.conference, {
    ...(state ? { state } : {}),
    all: options.all === true,
  });
  if (ctx.io.json) {
    printJson(rows.map(inviteeListing));
    return;
  }
  if (options.csv) {
    const header = [
      'inviteeId',
      'email',
      'name',
      'group',
      'language',
      'rsvp',
      'rsvpAt',
      'representativeName',
      'representativeEmail',
    ];
    const lines = rows.map((r) => {
      const l = inviteeListing(r);
      return [
        l.inviteeId,
        l.email,
        l.name,
        l.group,
        l.language,
        l.rsvp,
        l.rsvpAt,
        r.representative?.name,
        r.representative?.email,
      ]
        .map(csvCell)
        .join(',');
    });
    process.stdout.write(`${[header.join(','), ...lines].join('\n')}\n`);
    return;
  }
  say(
    ctx.io,
    table(
      ['invitee', 'email', 'group', 'rsvp', 'since', 'representative'],
      rows.map((r) => [
        r.inviteeId,
        r.email,
        r.group ?? '',
        r.rsvp,
        shortTime(r.rsvpAt),
        r.representative?.email ?? '',
      ]),
      { keep: [1] },
    ),
  );
  say(ctx.io, `${rows.length} invitee(s)${state ? ` in state ${state}` : ''} of ${ctx.conference}.`);
}

/**
 * `invitees answers`: reads (and so consumes) the outbound answer events from the local queue
 * subscribed to the answers topic — what the registration system would receive.
 */
export async function inviteesAnswers(ctx: Context): Promise<void> {
  const target = await ctx.target();
  const queueUrl = target.outputs.InvitationAnswersQueueUrl;
  if (!queueUrl) {
    throw new RefusedError(
      `${target.label} has no local answers queue; in AWS, subscribe the registration system to the InvitationAnswersTopicArn output.`,
    );
  }
  const events: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await target.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) break;
    for (const m of Messages) events.push(JSON.parse(m.Body ?? 'null'));
    await target.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
  if (ctx.io.json) {
    printJson(events);
    return;
  }
  const shown = events as {
    id?: string;
    type?: string;
    data?: {
      inviteeId?: string;
      person?: { email?: string };
      representative?: { email?: string };
      answeredAt?: string;
    };
  }[];
  say(
    ctx.io,
    table(
      ['type', 'invitee', 'email', 'representative', 'answered'],
      shown.map((e) => [
        e.type,
        e.data?.inviteeId,
        e.data?.person?.email,
        e.data?.representative?.email ?? '',
        shortTime(e.data?.answeredAt),
      ]),
      { keep: [2] },
    ),
  );
  say(
    ctx.io,
    `${events.length} answer event(s) read (reading consumes them, as the registration system would).`,
  );
}
