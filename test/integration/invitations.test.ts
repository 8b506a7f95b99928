/**
 * Invitations end to end on the embedded stack, as an organizer and the invitees would do it:
 * import invitees with the CLI → an invitation to one group → one mail each with a personal link →
 * answers POSTed from the links found in the sent mail → RSVP states, answer mail and outbound
 * events → a follow-up that reaches only those who did not answer → registrations that settle
 * the invitations. Every check reads what the stack produced: the CLI's JSON, parsed MIME
 * (mailparser) and parsed HTML (cheerio).
 */
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as cheerio from 'cheerio';
import { type ParsedMail, simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundEventSchemas } from '../../functions/events/outbound.js';
import { signRsvpToken } from '../../functions/rsvp/token.js';
import { getMailing, listRejections } from '../../functions/store/store.js';
import { parseUnsubscribeKeys } from '../../functions/unsubscribe/token.js';
import { type CliRun, cliFolder, runCli } from './support/cli.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { headerLine } from './support/mail.js';
import {
  acceptedFor,
  fixture,
  freshId,
  mailingRequest,
  sendAndWait,
  sendEvent,
  storeOf,
} from './support/pipeline.js';

const CID = 'dushanbe-2022';
const HOSTILE = '<script>alert(1)</script>';

interface Listed {
  inviteeId: string;
  email: string;
  rsvp: string;
  group?: string;
  representative?: { name: string; email: string; language?: string };
  history: { state: string; at: string; source: string }[];
}

describe('invitations on the embedded stack', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  let dir: string;
  let stackFile: string;

  const cli = (args: string[]): Promise<CliRun> => runCli(args, { cwd: dir, stackFile });

  const list = async (...extra: string[]): Promise<Listed[]> => {
    const run = await cli(['invitees', 'list', '--json', ...extra]);
    expect(run.code, run.stderr).toBe(0);
    return run.json as Listed[];
  };
  const byEmail = (rows: Listed[], email: string) => rows.find((r) => r.email === email);

  /** The parsed mail of a mailing, once `n` of them were accepted by the local SES. */
  async function mailsOf(mailingId: string, n: number): Promise<ParsedMail[]> {
    const accepted = await eventually(
      async () => {
        const mails = acceptedFor(stack.current, mailingId);
        return mails.length >= n ? mails : undefined;
      },
      { timeoutMs: 30_000, what: `${n} mail(s) of ${mailingId}` },
    );
    return Promise.all(accepted.map((m) => simpleParser(m.raw)));
  }
  const to = (mail: ParsedMail) =>
    (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value ?? []).map((v) => v.address);
  const rsvpLinkIn = (mail: ParsedMail): string => {
    const href = cheerio.load(String(mail.html))('a[href*="rsvp"]').first().attr('href');
    if (!href) throw new Error('no RSVP link in the mail');
    return href;
  };
  const post = (url: string, form: Record<string, string>) =>
    fetch(url, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });

  const people = {
    head: 'head.of.delegation@example.org',
    minister: 'minister@example.org',
    hostile: 'hostile.name@example.org',
    observer: 'observer@example.net',
    representative: 'deputy@example.net',
  };
  const links: Record<string, string> = {};
  const unsubscribeTokens: Record<string, string> = {};

  /** The mail of a mailing once planning is done and every planned delivery reached the local SES. */
  async function allMailsOf(mailingId: string): Promise<ParsedMail[]> {
    const total = await eventually(
      async () => {
        const m = await getMailing(store(), mailingId);
        return m && m.plan.phase === 'done' && m.state !== 'planning' ? m.total : undefined;
      },
      { what: `${mailingId} planned` },
    );
    return mailsOf(mailingId, total);
  }

  beforeAll(async () => {
    ({ dir, stackFile } = await cliFolder(stack.current, 'communique-invitations-'));
    await sendAndWait(stack.current, fixture('conference.upserted'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('imports invitees from CSV row by row: valid rows become invitees, a bad row is refused with its line', async () => {
    const csv = [
      'email,givenName,familyName,honorific,language,country,group,mayDesignate',
      `${people.head},Aziza,Rahimova,H.E. Ms.,en,TJ,heads of delegation,yes`,
      `${people.minister},Иван,Петров,г-н,ru,KZ,heads of delegation,yes`,
      `${people.hostile},"${HOSTILE}",Name,,ar,QA,heads of delegation,no`,
      `${people.observer},Olga,Observer,Dr.,en,AT,observers,`,
      'not-an-address,Bad,Row,,en,AT,observers,',
    ].join('\n');
    const file = path.join(dir, 'invitees.csv');
    await writeFile(file, csv);

    const run = await cli(['invitees', 'import', file, '--json']);

    expect(run.code).toBe(1);
    const report = run.json as { accepted: { email: string }[]; refused: { line: number; reason: string }[] };
    expect(report.accepted.map((a) => a.email).sort()).toEqual(
      [people.head, people.minister, people.hostile, people.observer].sort(),
    );
    expect(report.refused).toEqual([
      { line: 6, email: 'not-an-address', reason: expect.stringMatching(/e-mail/) },
    ]);
    const rows = await list();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.rsvp === 'invited')).toBe(true);
  });

  it('sends one invitation per invitee of the group, each with a personal RSVP link and escaped names', async () => {
    await sendAndWait(stack.current, mailingRequest('inv-heads', { groups: ['heads of delegation'] }));

    const mails = await allMailsOf('inv-heads');

    expect(mails.flatMap(to).sort()).toEqual([people.head, people.minister, people.hostile].sort());
    for (const mail of mails) {
      const address = to(mail)[0] as string;
      links[address] = rsvpLinkIn(mail);
      expect(new URL(links[address]).pathname).toContain('rsvp');
      // Bulk mail: one-click unsubscribe as before.
      expect(headerLine(mail, 'List-Unsubscribe-Post')).toMatch(/One-Click/);
      const unsubscribe = /<(http[^>]+)>/.exec(headerLine(mail, 'List-Unsubscribe') ?? '')?.[1] as string;
      unsubscribeTokens[address] = new URL(unsubscribe).searchParams.get('token') as string;
    }
    expect(new Set(Object.values(links)).size).toBe(3);
    const hostile = mails.find((m) => to(m)[0] === people.hostile) as ParsedMail;
    const $ = cheerio.load(String(hostile.html));
    expect($('script')).toHaveLength(0);
    expect($('body').text()).toContain(HOSTILE);
    expect(cheerio.load(String(hostile.html))('html').attr('dir')).toBe('rtl');
  });

  it('GET on a link shows the form in the invitee’s language and records nothing', async () => {
    const response = await fetch(links[people.minister] as string);
    const $ = cheerio.load(await response.text());

    expect(response.status).toBe(200);
    expect($('html').attr('lang')).toBe('ru');
    expect($('form[method="post"]')).toHaveLength(1);
    expect(
      $('input[name="answer"]')
        .map((_, e) => $(e).attr('value'))
        .get(),
    ).toEqual(['accept', 'decline', 'delegate']);
    // A link scanner fetching twice changes nothing.
    await fetch(links[people.minister] as string);
    expect(byEmail(await list(), people.minister)?.history).toHaveLength(1);
    expect(byEmail(await list(), people.minister)?.rsvp).toBe('invited');
  });

  it('records answers POSTed from the links, idempotently, and refuses altered, expired and wrong-scope tokens with one page', async () => {
    const accept = await post(links[people.head] as string, { answer: 'accept' });
    const acceptPage = cheerio.load(await accept.text());
    const again = await post(links[people.head] as string, { answer: 'accept' });
    const delegate = await post(links[people.minister] as string, {
      answer: 'delegate',
      name: 'Deputy Minister',
      email: people.representative,
      honorific: 'Mr.',
      language: 'ar',
    });
    const decline = await post(links[people.hostile] as string, { answer: 'decline' });

    expect([accept.status, again.status, delegate.status, decline.status]).toEqual([200, 200, 200, 200]);
    // Accepting leads on to the conference's own registration page, with the invitee's reference.
    const next = new URL(acceptPage('a.button').attr('href') as string);
    expect(next.origin).toBe('https://dushanbe-2022.example.org');
    expect(next.searchParams.get('invitee')).toMatch(/^inv-/);

    const rows = await list();
    expect(byEmail(rows, people.head)?.rsvp).toBe('accepted');
    expect(byEmail(rows, people.head)?.history.map((h) => h.state)).toEqual(['invited', 'accepted']);
    expect(byEmail(rows, people.minister)?.rsvp).toBe('delegated');
    expect(byEmail(rows, people.minister)?.representative).toMatchObject({
      name: 'Deputy Minister',
      email: people.representative,
      language: 'ar',
    });
    expect(byEmail(rows, people.hostile)?.rsvp).toBe('declined');
    expect(byEmail(rows, people.observer)?.rsvp).toBe('invited');

    // Bad tokens: each gets the same 400 page, which names nothing about the token.
    const link = new URL(links[people.head] as string);
    const token = link.searchParams.get('token') as string;
    const keys = parseUnsubscribeKeys(stack.current.environment.UNSUBSCRIBE_KEYS ?? '', 'test');
    const [, claims] = token.split('.');
    const decoded = JSON.parse(Buffer.from(claims as string, 'base64url').toString('utf8')) as unknown[];
    const altered = new URL(link);
    altered.searchParams.set('token', `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`);
    const expired = new URL(link);
    expired.searchParams.set(
      'token',
      signRsvpToken(keys, { conferenceId: CID, inviteeId: String(decoded[1]), exp: 1_600_000_000 }),
    );
    const unsubscribeLink = new URL(stack.current.endpoints.unsubscribe);
    const wrongScope = new URL(link);
    wrongScope.searchParams.set('token', unsubscribeTokens[people.head] as string);
    const rsvpAtUnsubscribe = new URL(unsubscribeLink);
    rsvpAtUnsubscribe.searchParams.set('token', token);

    const bad = [altered, expired, wrongScope];
    const pages: string[] = [];
    for (const url of bad) {
      const get = await fetch(url);
      const posted = await post(url.toString(), { answer: 'decline' });
      expect([get.status, posted.status], url.toString()).toEqual([400, 400]);
      pages.push(await get.text());
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).not.toMatch(/token|expired|scope|signature/i);
    expect((await fetch(rsvpAtUnsubscribe)).status).toBe(400);
    // POST without the expected form is refused and records nothing.
    const noForm = await fetch(links[people.head] as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: 'accept' }),
    });
    expect(noForm.status).toBe(400);
    const delegateWithoutAddress = await post(links[people.head] as string, {
      answer: 'delegate',
      name: 'X',
    });
    expect(delegateWithoutAddress.status).toBe(400);
    const after = await list();
    expect(byEmail(after, people.head)?.history.map((h) => h.state)).toEqual(['invited', 'accepted']);
    // The hostile invitee may not designate: the form has two choices and a designation is refused.
    const hostileForm = cheerio.load(await (await fetch(links[people.hostile] as string)).text());
    expect(hostileForm('input[name="answer"]')).toHaveLength(2);
    expect(hostileForm('html').attr('dir')).toBe('rtl');
    expect(hostileForm('script')).toHaveLength(0);
  });

  it('confirms each answer by mail, writes to the representative in their language, and publishes one event per answer', async () => {
    const events = await eventually(
      async () => {
        const rows = await list();
        const published = rows.filter((r) => r.rsvp !== 'invited');
        return published.length === 3 ? published : undefined;
      },
      { what: 'three answers' },
    ).then(async () => {
      const run = await cli(['invitees', 'answers', '--json']);
      expect(run.code, run.stderr).toBe(0);
      return run.json as {
        id: string;
        type: keyof typeof outboundEventSchemas;
        data: Record<string, unknown>;
      }[];
    });

    expect(events.map((e) => e.type).sort()).toEqual([
      'invitation.accepted',
      'invitation.declined',
      'invitation.delegated',
    ]);
    for (const event of events) expect(outboundEventSchemas[event.type].safeParse(event).success).toBe(true);
    const delegated = events.find((e) => e.type === 'invitation.delegated');
    expect(delegated?.data).toMatchObject({
      conferenceId: CID,
      person: { email: people.minister, language: 'ru' },
      representative: { name: 'Deputy Minister', email: people.representative },
    });
    expect(new Set(events.map((e) => e.id)).size).toBe(3);

    const accepted = (await mailsOf(`rsvp-${CID}-${byEmail(await list(), people.head)?.inviteeId}-r1`, 1))[0];
    expect(to(accepted as ParsedMail)).toEqual([people.head]);
    expect(headerLine(accepted as ParsedMail, 'List-Unsubscribe')).toBeUndefined();
    const minister = byEmail(await list(), people.minister) as Listed;
    const note = (await mailsOf(`representative-${CID}-${minister.inviteeId}-r1`, 1))[0] as ParsedMail;
    expect(to(note)).toEqual([people.representative]);
    expect(cheerio.load(String(note.html))('html').attr('lang')).toBe('ar');
    const registration = cheerio.load(String(note.html))('a[href*="invitee="]').attr('href') as string;
    expect(new URL(registration).searchParams.get('representative')).toBe('1');
  });

  it('replaces an answer with a second one, keeping both in the history and publishing the new one', async () => {
    const changed = await post(links[people.hostile] as string, { answer: 'accept' });
    expect(changed.status).toBe(200);

    const row = byEmail(await list(), people.hostile) as Listed;
    expect(row.rsvp).toBe('accepted');
    expect(row.history.map((h) => h.state)).toEqual(['invited', 'declined', 'accepted']);
    const run = await cli(['invitees', 'answers', '--json']);
    const events = run.json as { id: string; type: string }[];
    expect(events.map((e) => e.type)).toEqual(['invitation.accepted']);
    expect(events[0]?.id).toBe(`rsvp-${CID}-${row.inviteeId}-r2`);
    await mailsOf(`rsvp-${CID}-${row.inviteeId}-r2`, 1);
  });

  it('sends a follow-up only to invitees who have not answered, and schedules one with sendAt', async () => {
    await sendAndWait(stack.current, mailingRequest('inv-follow-up', { rsvp: ['no-answer'] }));
    const mails = await allMailsOf('inv-follow-up');

    expect(mails.flatMap(to)).toEqual([people.observer]);
    const $ = cheerio.load(String(mails[0]?.html));
    expect($('a[href*="rsvp"]')).toHaveLength(1);
    expect($('body').text()).toMatch(/not yet received your reply/);

    const later = mailingRequest(
      'inv-follow-up-later',
      { rsvp: ['no-answer'] },
      { sendAt: '2099-01-01T09:00:00+05:00' },
    );
    await sendAndWait(stack.current, later);
    expect((await getMailing(store(), 'inv-follow-up-later'))?.state).toBe('scheduled');

    // The ids of answer confirmations and representatives' notes are reserved for the pipeline.
    const taken = mailingRequest('rsvp-my-own-follow-up', { rsvp: ['no-answer'] });
    await sendEvent(stack.current, taken);
    const rejection = await eventually(
      async () => (await listRejections(store())).find((r) => r.eventId === taken.id),
      { what: 'the reserved id refused' },
    );
    expect(rejection.reason).toMatch(/reserved/i);
    expect(await getMailing(store(), 'rsvp-my-own-follow-up')).toBeUndefined();
  });

  it('marks an invitee registered when a registration arrives for their address or their representative’s', async () => {
    const registration = (email: string, registrationId: string) => {
      const event = fixture('registration.created');
      event.id = freshId('reg');
      event.data = {
        conferenceId: CID,
        registrationId,
        person: { email, givenName: 'Registered', familyName: 'Person', language: 'en' },
        role: 'delegate',
        sessions: [],
      };
      return event;
    };
    await sendAndWait(stack.current, registration(people.head, 'reg-head'));
    await sendAndWait(stack.current, registration(people.representative, 'reg-deputy'));

    const rows = await list();
    expect(byEmail(rows, people.head)?.rsvp).toBe('registered');
    expect(byEmail(rows, people.minister)?.rsvp).toBe('registered');
    expect(byEmail(rows, people.minister)?.history.at(-1)?.source).toMatch(/representative/);
    expect((await list('--rsvp', 'registered')).map((r) => r.email).sort()).toEqual(
      [people.head, people.minister].sort(),
    );
    // A registered invitee's link records nothing more.
    await post(links[people.head] as string, { answer: 'decline' });
    expect(byEmail(await list(), people.head)?.rsvp).toBe('registered');
    // And the default invitation now leaves out the registered: only those still to come get it.
    await sendAndWait(stack.current, mailingRequest('inv-everyone', {}));
    const mails = await allMailsOf('inv-everyone');
    expect(mails.flatMap(to).sort()).toEqual([people.hostile, people.observer].sort());
  });
});
