/**
 * The organizer CLI as a person or a script runs it: the real `communique` command (cli/bin.js) in
 * a child process, pointed at this file's embedded stack through a stack file, checked by its
 * `--json` output, its exit codes and what it left in the stack.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAudience } from '../../cli/lib/audience.js';
import { parseContent } from '../../cli/lib/content.js';
import { demoAgenda, demoConference, demoEvents, demoRegistrations, SESSIONS } from '../../demo/data.js';
import { validateIntakeEvent } from '../../functions/events/schemas.js';
import {
  clockOffsetMs,
  getPreparedText,
  getPressById,
  listRejections,
  wasProcessed,
} from '../../functions/store/store.js';
import { type CliRun, cliFolder, runCli } from './support/cli.js';
import { useLocalStack } from './support/local-stack.js';
import { acceptedMail } from './support/mail.js';
import { sendAndWait, sendEvent, storeOf, waitProcessed } from './support/pipeline.js';
import { waitDrained } from './support/progress.js';
import { seedMailing } from './support/seed.js';

const CID = 'dushanbe-2022';

type Run = CliRun;

let counter = 0;
const eventId = (what: string) => `cli-test-${what}-${Date.now()}-${++counter}`;

function event(type: string, data: Record<string, unknown>, id = eventId(type)) {
  return {
    specversion: '1.0',
    id,
    source: 'https://tests.example.org',
    type,
    time: '2022-09-20T10:00:00+05:00',
    datacontenttype: 'application/json',
    data,
  };
}

describe('communique CLI (spawned) against the embedded stack', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  let dir: string;
  let stackFile: string;
  // Twelve synthetic registrants (en/ru/ar, several roles), the same on every run.
  const registrations = demoRegistrations(12);

  /** Runs `communique …args` against the test stack; `input` is piped to stdin. */
  const cli = (
    args: string[],
    options: { input?: string; env?: Record<string, string> } = {},
  ): Promise<Run> => runCli(args, { cwd: dir, stackFile, ...options });

  async function file(name: string, content: unknown): Promise<string> {
    const p = path.join(dir, name);
    await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  }

  beforeAll(async () => {
    ({ dir, stackFile } = await cliFolder(stack.current, 'communique-cli-'));
    // The conference, its agenda and the registrants every test may use, put in place directly
    // so that each test stands alone. `registration.updated`: no confirmations to wait for.
    await sendAndWait(stack.current, event('conference.upserted', demoConference()));
    await sendAndWait(stack.current, event('agenda.changed', demoAgenda()));
    const people = registrations.map((r) => event('registration.updated', { ...r }));
    await Promise.all(people.map((e) => sendEvent(stack.current, e)));
    for (const e of people) await waitProcessed(stack.current, e.id);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('events send: validates, queues and reports each event as applied, a repeated id as a duplicate', async () => {
    const batch = ['en', 'ru'].map((language, i) =>
      event('registration.created', {
        conferenceId: CID,
        registrationId: `reg-cli-${i}`,
        person: {
          email: `new.delegate.${i}@example.org`,
          givenName: 'New',
          familyName: `Delegate ${i}`,
          honorific: 'Dr.',
          country: 'AT',
          language,
        },
        role: 'observer',
        sessions: [SESSIONS.opening],
      }),
    );
    const run = await cli(['events', 'send', await file('registrations.json', batch), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      queued: 2,
      events: batch.map((e) => ({ id: e.id, outcome: 'applied' })),
    });

    // The same file again: the stack applies an id once, and the CLI says so.
    const again = await cli(['events', 'send', path.join(dir, 'registrations.json'), '--json']);
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ events: batch.map((e) => ({ id: e.id, outcome: 'duplicate' })) });
  });

  it('events send: reads NDJSON from stdin', async () => {
    const press = event('press-contact.upserted', {
      conferenceId: CID,
      contactId: 'press-cli-1',
      email: 'wire.desk@example.net',
      name: 'Lena Fischer',
      outlet: 'Example Wire',
      language: 'en',
      country: 'AT',
    });
    const run = await cli(['events', 'send', '-', '--json'], { input: `${JSON.stringify(press)}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ events: [{ id: press.id, outcome: 'applied' }] });
  });

  it('events send: refuses an invalid file before queuing anything, saying what is wrong', async () => {
    const valid = event('press-contact.upserted', {
      conferenceId: CID,
      contactId: 'press-never',
      email: 'never.queued@example.net',
      name: 'Never Queued',
    });
    const invalid = event('registration.created', {
      conferenceId: CID,
      registrationId: 'reg-bad',
      person: { email: 'jane@', givenName: 'Jane', familyName: 'Doe' },
      role: 'delegate',
    });
    const run = await cli(['events', 'send', await file('mixed.json', [valid, invalid]), '--json']);
    expect(run.code).toBe(1);
    const error = (run.json as { error: { queued: number; events: { valid: boolean; reason?: string }[] } })
      .error;
    expect(error.queued).toBe(0);
    expect(error.events[0]?.valid).toBe(true);
    expect(error.events[1]).toMatchObject({ valid: false });
    expect(error.events[1]?.reason).toMatch(/data\.person\.email: "jane@" is not a valid e-mail address/);
    // Nothing reached the queue: the valid event was not applied either, and nothing was rejected.
    // Once the intake queue holds nothing, anything sent would have been applied or rejected.
    await waitDrained(stack.current, stack.current.outputs.IntakeQueueUrl, 'intake queue');
    expect(await wasProcessed(store(), valid.id)).toBe(false);
    expect((await listRejections(store())).some((r) => r.eventId === invalid.id)).toBe(false);
  });

  it('events send: reports an event the stack rejects (exit 1) and `rejections` lists it with the reason', async () => {
    const orphan = event('press-contact.upserted', {
      conferenceId: 'no-such-conference',
      contactId: 'p-1',
      email: 'orphan@example.net',
      name: 'Orphan',
    });
    const run = await cli(['events', 'send', await file('orphan.json', orphan), '--json']);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ events: [{ id: orphan.id, outcome: 'rejected' }] });
    const list = await cli(['rejections', '--json']);
    expect(list.code).toBe(0);
    const mine = (list.json as { eventId: string; reason: string }[]).find((r) => r.eventId === orphan.id);
    expect(mine?.reason).toMatch(/conference "no-such-conference" is unknown/);
  });

  it('mailing create: refuses an unknown kind, an invalid audience and an empty audience (exit 1)', async () => {
    const kind = await cli([
      'mailing',
      'create',
      '--kind',
      'newsletter',
      '--audience',
      'all',
      '--yes',
      '--json',
    ]);
    expect(kind.code).toBe(1);
    expect(kind.json).toMatchObject({
      error: { kind: 'newsletter', kinds: expect.arrayContaining(['invitation']) },
    });

    const role = await cli([
      'mailing',
      'create',
      '--kind',
      'invitation',
      '--audience',
      'roles=minister',
      '--yes',
      '--json',
    ]);
    expect(role.code).toBe(1);
    expect((role.json as { error: { message: string } }).error.message).toMatch(
      /--audience roles must be one of/,
    );

    const empty = await cli([
      'mailing',
      'create',
      '--kind',
      'invitation',
      '--audience',
      'countries=ZW',
      '--yes',
      '--json',
    ]);
    expect(empty.code).toBe(1);
    expect(empty.json).toMatchObject({ error: { total: 0 } });
    expect((empty.json as { error: { message: string } }).error.message).toMatch(/audience is empty/);
  });

  it('mailing create --yes: dry run per language with samples, then it sends; status, deliveries and list agree', async () => {
    const delegates = registrations.filter((r) => r.role === 'delegate');
    const expected: Record<string, number> = {};
    for (const r of delegates) expected[r.person.language] = (expected[r.person.language] ?? 0) + 1;

    const create = await cli([
      'mailing',
      'create',
      '--kind',
      'invitation',
      '--audience',
      'roles=delegate',
      '--id',
      'cli-invitation-1',
      '--yes',
      '--json',
    ]);
    expect(create.code, create.stderr).toBe(0);
    const created = create.json as {
      mailingId: string;
      total: number;
      perLanguage: Record<string, number>;
      subjects: Record<string, string>;
      samples: Record<string, string>;
      confirmed: boolean;
    };
    expect(created).toMatchObject({
      mailingId: 'cli-invitation-1',
      total: delegates.length,
      confirmed: true,
    });
    expect(created.perLanguage).toEqual(expected);
    for (const language of Object.keys(expected)) {
      expect(created.subjects[language]).toBeTruthy();
      const sample = created.samples[language] as string;
      expect(existsSync(sample)).toBe(true);
      expect(await readFile(sample, 'utf8')).toContain(`lang="${language}"`);
    }

    const watch = await cli([
      'mailing',
      'status',
      'cli-invitation-1',
      '--watch',
      '--timeout',
      '60',
      '--json',
    ]);
    expect(watch.code, watch.stderr).toBe(0);
    const lines = watch.stdout.trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1] as string) as {
      complete: boolean;
      total: number;
      counts: Record<string, number>;
    };
    expect(last.complete).toBe(true);
    expect((last.counts.sent ?? 0) + (last.counts.delivered ?? 0)).toBe(delegates.length);

    const deliveries = await cli(['deliveries', 'cli-invitation-1', '--json']);
    expect(deliveries.code).toBe(0);
    expect((deliveries.json as { email: string }[]).map((d) => d.email).sort()).toEqual(
      delegates.map((r) => r.person.email).sort(),
    );
    const bogusState = await cli(['deliveries', 'cli-invitation-1', '--state', 'lost', '--json']);
    expect(bogusState.code).toBe(1);

    const list = await cli(['mailings', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(list.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ mailingId: 'cli-invitation-1', kind: 'invitation' }),
      ]),
    );

    const test = await cli([
      'mailing',
      'test-send',
      'cli-invitation-1',
      '--to',
      'organizer@example.org',
      '--json',
    ]);
    expect(test.code, test.stderr).toBe(0);
    expect(test.json).toMatchObject({ to: 'organizer@example.org', sesMessageId: expect.any(String) });
    expect(stack.current.accepted.some((m) => m.destinations.includes('organizer@example.org'))).toBe(true);
  });

  it('mailing test-send prepares the text of a scheduled mailing stored without it (an earlier version)', async () => {
    const mailingId = 'cli-test-send-unprepared';
    await seedMailing(store(), {
      mailingId,
      conferenceId: 'dushanbe-2022',
      kind: 'announcement',
      state: 'scheduled',
      content: { subject: { en: 'Before the upgrade' }, body: { en: 'Doors open at **nine**.' } },
    });
    expect(await getPreparedText(store(), mailingId)).toBeUndefined();
    const test = await cli(['mailing', 'test-send', mailingId, '--to', 'organizer@example.org', '--json']);
    expect(test.code, test.stderr).toBe(0);
    const sent = test.json as { sesMessageId: string };
    const { parsed, strong } = await acceptedMail(stack.current, sent.sesMessageId);
    expect(parsed.subject).toContain('Before the upgrade');
    expect(strong).toContain('nine');
    expect(await getPreparedText(store(), mailingId)).toBeInstanceOf(Uint8Array);
  });

  it('mailing create --dry-run with a content file stays a dry run until `mailing confirm`', async () => {
    const content = await file(
      'announcement.md',
      [
        '---',
        'subject.en: Shuttle buses and badges',
        'subject.ru: Трансфер и бейджи',
        '---',
        '<!-- lang: en -->',
        'Buses leave the hotels **every 20 minutes**.',
        '',
        '<!-- lang: ru -->',
        'Автобусы отходят от гостиниц **каждые 20 минут**.',
        '',
      ].join('\n'),
    );
    const create = await cli([
      'mailing',
      'create',
      '--kind',
      'announcement',
      '--audience',
      'languages=ru',
      '--content',
      content,
      '--id',
      'cli-announcement-1',
      '--dry-run',
      '--json',
    ]);
    expect(create.code, create.stderr).toBe(0);
    expect(create.json).toMatchObject({
      state: 'dry-run',
      confirmed: false,
      subjects: { ru: 'Трансфер и бейджи' },
    });

    const confirm = await cli(['mailing', 'confirm', 'cli-announcement-1', '--json']);
    expect(confirm.code, confirm.stderr).toBe(0);
    expect((confirm.json as { state: string }).state).toMatch(/^(planning|sending|complete)$/);
    const twice = await cli(['mailing', 'confirm', 'cli-announcement-1', '--json']);
    expect(twice.code).toBe(1);

    const broken = await file(
      'broken.md',
      '---\nsubject.ru: Только по-русски\n---\n<!-- lang: ru -->\nТекст\n',
    );
    const refused = await cli([
      'mailing',
      'create',
      '--kind',
      'announcement',
      '--audience',
      'all',
      '--content',
      broken,
      '--json',
    ]);
    expect(refused.code).toBe(1);
    expect((refused.json as { error: { message: string } }).error.message).toMatch(/English is required/);
  });

  it('refuses an unknown mailing id (exit 1) for status, cancel, resend and deliveries', async () => {
    for (const args of [
      ['mailing', 'status', 'no-such-mailing'],
      ['mailing', 'cancel', 'no-such-mailing'],
      ['mailing', 'resend', 'no-such-mailing', '--failed'],
      ['deliveries', 'no-such-mailing'],
    ]) {
      const run = await cli([...args, '--json']);
      expect(run.code, args.join(' ')).toBe(1);
      expect((run.json as { error: { message: string } }).error.message).toMatch(
        /No mailing "no-such-mailing"/,
      );
    }
  });

  it('contacts import: imports the valid rows and refuses malformed ones with line and reason', async () => {
    const csv = await file(
      'press.csv',
      [
        'email,name,outlet,language,country',
        'anna.berg@example.net,Anna Berg,Nordic Wire,en,SE',
        'not-an-address,Bad Row,Example Wire,en,SE',
        'omar.saleh@example.net,Omar Saleh,Gulf Review,arabic,QA',
        'too.short@example.net,Too Short',
        'anna.berg@example.net,Anna Berg again,Nordic Wire,en,SE',
        'd.rahimova@example.net,Dilnoza Rahimova,Pamir Wire,ru,TJ',
      ].join('\n'),
    );
    const run = await cli(['contacts', 'import', csv, '--json']);
    expect(run.code).toBe(1);
    const report = run.json as {
      accepted: { line: number; contactId: string }[];
      refused: { line: number; reason: string }[];
    };
    expect(report.accepted.map((r) => r.line)).toEqual([2, 7]);
    expect(report.refused.map((r) => r.line)).toEqual([3, 4, 5, 6]);
    expect(report.refused[0]?.reason).toMatch(/email: "not-an-address" is not a valid e-mail address/);
    expect(report.refused[1]?.reason).toMatch(/language: "arabic" is not a BCP 47 language tag/);
    expect(report.refused[2]?.reason).toMatch(/has 2 fields but the header has 5/);
    expect(report.refused[3]?.reason).toMatch(/same address as line 2/);
    for (const row of report.accepted) {
      expect(await getPressById(store(), CID, row.contactId)).toBeDefined();
    }
  });

  it('suppressions: add, list and lift (recorded), and refuse to lift what is not there', async () => {
    const add = await cli([
      'suppressions',
      'add',
      'asked.by.phone@example.org',
      '--reason',
      'asked by phone',
      '--json',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const list = await cli(['suppressions', 'list', '--json']);
    expect(list.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'asked.by.phone@example.org', reason: 'manual' }),
      ]),
    );
    const lift = await cli([
      'suppressions',
      'lift',
      'asked.by.phone@example.org',
      '--reason',
      'changed mind',
      '--json',
    ]);
    expect(lift.code, lift.stderr).toBe(0);
    expect(lift.json).toMatchObject({
      by: 'tester@example.org',
      why: 'changed mind',
      lifted: [{ reason: 'manual' }],
    });
    const again = await cli([
      'suppressions',
      'lift',
      'asked.by.phone@example.org',
      '--reason',
      'again',
      '--json',
    ]);
    expect(again.code).toBe(1);
    const noReason = await cli(['suppressions', 'lift', 'asked.by.phone@example.org']);
    expect(noReason.code).toBe(2);
  });

  it('clock set: sets the local clock, refuses a bad time and any deployed stack', async () => {
    const set = await cli(['clock', 'set', '2022-10-17T10:00:00+05:00', '--json']);
    expect(set.code, set.stderr).toBe(0);
    expect((set.json as { now: string }).now.slice(0, 16)).toBe('2022-10-17T05:00');
    const offset = await clockOffsetMs(store());
    expect(Math.abs(Date.now() + offset - Date.parse('2022-10-17T05:00:00Z'))).toBeLessThan(60_000);
    const reset = await cli(['clock', 'reset', '--json']);
    expect(reset.json).toMatchObject({ offsetMs: 0 });

    expect((await cli(['clock', 'set', 'next tuesday', '--json'])).code).toBe(1);
    const deployed = await cli([
      'clock',
      'set',
      '2022-10-17T10:00:00+05:00',
      '--stack',
      'communique-prod',
      '--json',
    ]);
    expect(deployed.code).toBe(1);
    expect((deployed.json as { error: { message: string } }).error.message).toMatch(/real clock/);
  });

  it('preview: writes the HTML of one kind in one language, and refuses an unknown kind', async () => {
    const out = path.join(dir, 'kinds');
    const run = await cli(['preview', 'invitation', '--lang', 'ar', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json as { html: string; dir: string; rendered: string };
    expect(result).toMatchObject({ dir: 'rtl', rendered: 'ar' });
    expect(await readFile(result.html, 'utf8')).toMatch(/dir="rtl"/);
    expect((await cli(['preview', 'newsletter', '--lang', 'en', '--json'])).code).toBe(1);
  });

  it('usage errors exit 2; an unreachable stack exits 3 with advice', async () => {
    expect((await cli(['no-such-command'])).code).toBe(2);
    expect((await cli(['mailing', 'create', '--audience', 'all'])).code).toBe(2);
    expect((await cli(['mailing', 'resend', 'x'])).code).toBe(2);

    const missing = await cli(['mailings', 'list', '--json'], {
      env: { COMMUNIQUE_STACK_FILE: path.join(dir, 'nothing-here.json') },
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/is `npm start` running\?/);

    // A stack file whose stack has gone: nothing listens on these ports any more.
    const gone = await file('gone.json', {
      endpoints: { sqs: 'http://127.0.0.1:9', dynamodb: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' },
      outputs: stack.current.outputs,
    });
    const down = await cli(['mailings', 'list', '--json'], { env: { COMMUNIQUE_STACK_FILE: gone } });
    expect(down.code).toBe(3);
    expect((down.json as { error: { message: string } }).error.message).toMatch(
      /No local stack found at 127\.0\.0\.1:9 — is `npm start` running\?/,
    );
  });

  it('the demo data is deterministic and within the contract', () => {
    expect(demoRegistrations()).toEqual(demoRegistrations());
    const all = demoRegistrations();
    expect(all).toHaveLength(200);
    expect(new Set(all.map((r) => r.person.email)).size).toBe(200);
    expect(all.every((r) => /@example\.(org|net)$/.test(r.person.email))).toBe(true);
    expect(new Set(all.map((r) => r.person.language))).toEqual(new Set(['en', 'ru', 'ar']));
    expect(all.some((r) => r.sessions.includes(SESSIONS.information))).toBe(true);
    const { conference, agenda, people } = demoEvents();
    expect(people).toHaveLength(220);
    for (const e of [conference, agenda, ...people]) {
      const result = validateIntakeEvent(e);
      expect(result.ok, result.ok ? '' : result.rejection.reason).toBe(true);
    }
  });
});

describe('the CLI input formats (no stack)', () => {
  it('parses a content file: front matter subjects, language sections, embargo', () => {
    const content = parseContent(
      [
        '---',
        'subject: Opening of the conference',
        'subject.ar: "افتتاح المؤتمر"',
        '# comments and blank lines are ignored',
        '',
        'embargo: 2022-10-18T09:30:00+05:00',
        '---',
        '<!-- lang: en -->',
        'First paragraph.',
        '',
        '- a list item',
        '<!-- ar -->',
        'نص عربي',
      ].join('\n'),
      'advisory.md',
    );
    expect(content).toEqual({
      subject: { en: 'Opening of the conference', ar: 'افتتاح المؤتمر' },
      body: { en: 'First paragraph.\n\n- a list item', ar: 'نص عربي' },
      embargoUntil: '2022-10-18T09:30:00+05:00',
    });
    expect(parseContent('---\nsubject: Hello\n---\nJust English.\n', 'a.md')).toEqual({
      subject: { en: 'Hello' },
      body: { en: 'Just English.' },
    });
  });

  it('refuses a content file with the line to fix', () => {
    expect(() => parseContent('---\nsubject: Hi\ncolour: blue\n---\nBody', 'a.md')).toThrow(
      /a\.md:3: unknown front matter key "colour"/,
    );
    expect(() => parseContent('---\nsubject: Hi\n---\nstray\n<!-- lang: en -->\nBody', 'a.md')).toThrow(
      /a\.md:4: text before the first/,
    );
    expect(() => parseContent('---\nsubject: Hi\nsubject.ru: Привет\n---\nBody', 'a.md')).toThrow(
      /subject\.ru is given but there is no <!-- lang: ru --> section/,
    );
    expect(() => parseContent('---\nsubject: Hi\n', 'a.md')).toThrow(/never closed/);
  });

  it('parses --audience filters: bare values continue a filter, + separates values, "all" is everyone', () => {
    expect(parseAudience(['roles=delegate,speaker,languages=ru'])).toEqual({
      roles: ['delegate', 'speaker'],
      languages: ['ru'],
    });
    expect(parseAudience(['countries=TJ+KZ', 'role=press', 'contacts=reg-1'])).toEqual({
      countries: ['TJ', 'KZ'],
      roles: ['press'],
      contactIds: ['reg-1'],
    });
    expect(parseAudience(['all'])).toEqual({});
    expect(() => parseAudience(['delegate'])).toThrow(/has no filter name/);
    expect(() => parseAudience(['ministers=all'])).toThrow(/unknown filter "ministers"/);
  });
});
