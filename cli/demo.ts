/**
 * `npm run demo`: the whole pipeline as a story, against the running local stack (`npm start`) or
 * one it starts itself — new registrations and their confirmations; invitations to every delegate;
 * an agenda change that moves one panel, noticed only by its registrants; a media advisory with an
 * embargo to the press; the clock set forward so reminders go; a bounce and a complaint from the
 * SES mailbox simulator; a one-click unsubscribe. Progress is shown as it goes and a summary table
 * at the end; every mail is in the outbox.
 *
 * Each run uses fresh ids, so it can be run again against the same stack (reminders, which go once
 * per conference by design, are reported as already sent).
 *
 * Options: `--exit` stops a stack the demo started as soon as the story ends (the default, when
 * stdout is not a terminal); otherwise it keeps running so the outbox can be browsed.
 */
import './lib/quiet-handlers.js';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { DEMO_CONFERENCE_ID, ROOMS, SESSIONS } from '../demo/data.js';
import { loadDemo } from '../demo/load.js';
import { applyEvents } from '../functions/events/producer.js';
import { listSuppressionEntries } from '../functions/feedback/operations.js';
import { derivedMailingId } from '../functions/mailing/derived-ids.js';
import { type MailingProgress, mailingProgress } from '../functions/mailing/operations.js';
import type { DeliveryRow } from '../functions/store/model.js';
import {
  clockOffsetMs,
  getAgenda,
  getConference,
  getMailing,
  listDeliveries,
  sessionMembers,
  setClockOffset,
} from '../functions/store/store.js';
import { mailingRequestedEvent, sendAndWait } from './commands/mailing.js';
import { bold, follow, heading, io, line, recordMailing, results, summary, until } from './demo/report.js';
import { connect, outboxCount } from './demo/stack.js';
import { cloudEvent } from './lib/intake.js';
import { progressBar, table } from './lib/output.js';
import type { Target } from './lib/target.js';

const CID = DEMO_CONFERENCE_ID;
const REQUESTED_BY = 'demo@example.org';

// ---------------------------------------------------------------------------------------------------
// The story

const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(2, 14);

/** Registers people with `registration.created` and returns their confirmation mailing ids. */
async function register(
  target: Target,
  people: {
    key: string;
    email: string;
    given: string;
    family: string;
    honorific: string;
    country: string;
    language: string;
    timeZone: string;
  }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const p of people) {
    const registrationId = `demo-${stamp}-${p.key}`;
    await sendAndWait(
      target,
      cloudEvent(
        'registration.created',
        {
          conferenceId: CID,
          registrationId,
          person: {
            email: p.email,
            givenName: p.given,
            familyName: p.family,
            honorific: p.honorific,
            country: p.country,
            language: p.language,
            timeZone: p.timeZone,
          },
          role: 'delegate',
          sessions: [SESSIONS.opening, SESSIONS.information, SESSIONS.closing],
        },
        { source: 'https://registration.example.org/dushanbe-2022' },
      ),
    );
    ids.push(derivedMailingId('confirmation', CID, registrationId));
  }
  return ids;
}

async function stepRegistrations(target: Target): Promise<void> {
  heading(1, 'New registrations and their confirmations', 'npx communique events send registration.json');
  const ids = await register(target, [
    {
      key: 'en',
      email: `grace.hamilton.${stamp}@example.org`,
      given: 'Grace',
      family: 'Hamilton',
      honorific: 'Ms.',
      country: 'IE',
      language: 'en',
      timeZone: 'Europe/Dublin',
    },
    {
      key: 'ru',
      email: `firdavs.sharipov.${stamp}@example.org`,
      given: 'Фирдавс',
      family: 'Шарипов',
      honorific: 'г-н',
      country: 'TJ',
      language: 'ru',
      timeZone: 'Asia/Dushanbe',
    },
    {
      key: 'ar',
      email: `reem.alsuwaidi.${stamp}@example.net`,
      given: 'ريم',
      family: 'السويدي',
      honorific: 'د.',
      country: 'AE',
      language: 'ar',
      timeZone: 'Asia/Dubai',
    },
  ]);
  line('3 delegates registered (English, Russian, Arabic); each gets a confirmation with calendar entries.');
  const bar = progressBar(io, '     confirmations', ids.length);
  const done = await until(async () => {
    const progress = await Promise.all(ids.map((id) => mailingProgress(target.store, id)));
    const sent = progress.filter((p) => p && p.total > 0 && p.counts.queued + p.counts.sending === 0).length;
    bar.update(sent);
    return sent === ids.length ? progress : undefined;
  }, 60_000);
  bar.stop();
  const went = done?.filter((p) => p && p.counts.sent + p.counts.delivered > 0).length ?? 0;
  line(
    done
      ? `${went} of 3 confirmations sent.`
      : 'Timed out waiting for the confirmations (is the sender running?).',
  );
  results.push({
    step: '1',
    what: 'new registrations',
    mails: `${went}`,
    outcome: done ? `${went}/3 confirmations with .ics` : 'timed out',
    ok: went === 3,
  });
}

async function requestAndFollow(
  target: Target,
  request: Omit<Parameters<typeof mailingRequestedEvent>[0], 'dryRun' | 'requestedBy' | 'conferenceId'>,
  label: string,
): Promise<MailingProgress | undefined> {
  const base = { ...request, conferenceId: CID, requestedBy: REQUESTED_BY };
  await sendAndWait(target, mailingRequestedEvent({ ...base, dryRun: true }));
  const dry = await getMailing(target.store, request.mailingId);
  const preview = dry?.preview;
  if (preview) {
    const langs = Object.entries(preview.perLanguage)
      .sort()
      .map(([l, n]) => `${l} ${n}`)
      .join(', ');
    line(`Dry run: ${preview.total} recipient(s) — ${langs}. Confirming…`);
  }
  await sendAndWait(target, mailingRequestedEvent({ ...base, dryRun: false }));
  return follow(target, request.mailingId, label);
}

async function stepInvitations(target: Target): Promise<string> {
  const mailingId = `demo-invitation-${stamp}`;
  heading(
    2,
    'Invitations to every delegate',
    'npx communique mailing create --kind invitation --audience roles=delegate',
  );
  const p = await requestAndFollow(
    target,
    { mailingId, kind: 'invitation', audience: { roles: ['delegate'] } },
    'invitations',
  );
  if (p) line(`${mailingId}: ${summary(p)}.`);
  recordMailing('2', 'invitation, all delegates', p);
  return mailingId;
}

async function stepAgenda(target: Target): Promise<void> {
  heading(3, 'An agenda change: Panel 2 moves', 'npx communique events send agenda-v2.json');
  const agenda = await getAgenda(target.store, CID);
  const panel = agenda?.sessions.find((s) => s.sessionId === SESSIONS.information);
  if (!agenda || !panel) {
    line('The demo agenda is missing; skipped.');
    results.push({ step: '3', what: 'agenda change', mails: '0', outcome: 'skipped (no agenda)', ok: false });
    return;
  }
  // Alternate between two slots so that every run is a real change.
  const later = panel.start.startsWith('2022-10-18T14:30');
  const { version: _v, ...session } = panel as typeof panel & { version?: number };
  const moved = {
    ...session,
    start: later ? '2022-10-18T16:30:00+05:00' : '2022-10-18T14:30:00+05:00',
    end: later ? '2022-10-18T18:00:00+05:00' : '2022-10-18T16:00:00+05:00',
    room: ROOMS[later ? 'Room C' : 'Room B'] ?? (later ? 'Room C' : 'Room B'),
  };
  const version = agenda.version + 1;
  await sendAndWait(
    target,
    cloudEvent(
      'agenda.changed',
      { conferenceId: CID, version, sessions: [moved] },
      {
        source: 'https://agenda.example.org/dushanbe-2022',
      },
    ),
  );
  const members = (await sessionMembers(target.store, CID, SESSIONS.information)).length;
  line(
    `Panel 2 moves to ${moved.start.slice(11, 16)}–${moved.end.slice(11, 16)} (Dushanbe), ${typeof moved.room === 'string' ? moved.room : moved.room.en}; agenda v${version}. ` +
      `${members} registrant(s) chose that panel.`,
  );
  const mailingId = derivedMailingId('agenda-change', CID, `v${version}`);
  const exists = await until(() => getMailing(target.store, mailingId), 30_000);
  const p = exists ? await follow(target, mailingId, 'agenda notice') : undefined;
  if (p)
    line(`${mailingId}: ${summary(p)} — only the panel's registrants, one notice each with an updated .ics.`);
  results.push({
    step: '3',
    what: 'Panel 2 moved',
    mails: `${p?.total ?? 0}`,
    outcome: p ? `${p.total} notices = ${members} panel registrants` : 'no notice planned',
    ok: !!p && p.total === members,
  });
}

async function stepAdvisory(target: Target): Promise<void> {
  const mailingId = `demo-media-advisory-${stamp}`;
  heading(
    4,
    'A media advisory under embargo, to the press',
    'npx communique mailing create --kind media-advisory --audience roles=press --content advisory.md',
  );
  const p = await requestAndFollow(
    target,
    {
      mailingId,
      kind: 'media-advisory',
      audience: { roles: ['press'] },
      content: {
        subject: {
          en: 'Media advisory: ministers meet in Dushanbe on border security, 18–19 October',
          ru: 'Информация для СМИ: министры встречаются в Душанбе по вопросам безопасности границ, 18–19 октября',
          ar: 'مذكرة إعلامية: اجتماع وزاري في دوشنبه حول أمن الحدود، 18–19 أكتوبر',
        },
        body: {
          en: 'Ministers and senior officials meet in **Dushanbe** on 18 and 19 October 2022 to work on border security and management cooperation against terrorism.\n\n- Opening session: 18 October, 09:30 Dushanbe time\n- Closing plenary with the adoption of the Dushanbe Declaration: 19 October, 15:00\n\nAccreditation is open on the conference website.',
          ru: 'Министры и высокопоставленные официальные лица встречаются в **Душанбе** 18 и 19 октября 2022 года, чтобы обсудить сотрудничество в области безопасности и управления границами в борьбе с терроризмом.\n\n- Открытие: 18 октября, 09:30 по душанбинскому времени\n- Заключительное пленарное заседание и принятие Душанбинской декларации: 19 октября, 15:00\n\nАккредитация открыта на сайте конференции.',
          ar: 'يجتمع الوزراء وكبار المسؤولين في **دوشنبه** يومي 18 و19 أكتوبر 2022 للعمل على التعاون في أمن الحدود وإدارتها لمكافحة الإرهاب.\n\n- الجلسة الافتتاحية: 18 أكتوبر، الساعة 09:30 بتوقيت دوشنبه\n- الجلسة العامة الختامية واعتماد إعلان دوشنبه: 19 أكتوبر، الساعة 15:00\n\nالاعتماد متاح على موقع المؤتمر.',
        },
        embargoUntil: '2022-10-18T09:30:00+05:00',
      },
    },
    'advisory',
  );
  if (p) line(`${mailingId}: ${summary(p)} — embargoed until 18 October 09:30 (Dushanbe).`);
  recordMailing('4', 'media advisory, press', p);
}

async function reminderAt(target: Target, iso: string, mailingId: string, label: string): Promise<string> {
  const before = await getMailing(target.store, mailingId);
  await setClockOffset(target.store, Date.parse(iso) - Date.now());
  if (before) {
    line(`Clock → ${iso}: ${mailingId} already went in an earlier run (each reminder goes once).`);
    return 'already sent earlier';
  }
  line(`Clock → ${iso}; waiting for the clock's next tick…`);
  const created = await until(() => getMailing(target.store, mailingId), 45_000, 500);
  if (!created) {
    line(`No ${mailingId} within 45 s — is the clock function running?`);
    return 'not planned';
  }
  const p = await follow(target, mailingId, label);
  line(`${mailingId}: ${summary(p)}.`);
  return summary(p);
}

async function stepClock(target: Target): Promise<void> {
  heading(5, 'The clock moves forward: reminders go', 'npx communique clock set 2022-10-17T10:00:00+05:00');
  const conference = await reminderAt(
    target,
    '2022-10-17T10:00:00+05:00',
    `reminder-${CID}-conference-P1D`,
    'day before',
  );
  const session = await reminderAt(
    target,
    '2022-10-18T08:45:00+05:00',
    `reminder-${CID}-${SESSIONS.opening}-PT1H`,
    'hour before',
  );
  await setClockOffset(target.store, 0);
  line(
    `Clock back to real time (${new Date(Date.now() + (await clockOffsetMs(target.store))).toISOString()}).`,
  );
  results.push({
    step: '5',
    what: 'clock → reminders',
    mails: '',
    outcome: `day before: ${conference}; hour before opening: ${session}`,
    ok: !conference.startsWith('not') && !session.startsWith('not'),
  });
}

async function stepFeedback(target: Target): Promise<void> {
  heading(6, 'A bounce and a complaint (SES mailbox simulator)');
  const bounce = `bounce+demo-${stamp}@simulator.amazonses.com`;
  const complaint = `complaint+demo-${stamp}@simulator.amazonses.com`;
  const ids = await register(target, [
    {
      key: 'bounce',
      email: bounce,
      given: 'Bounce',
      family: 'Simulator',
      honorific: 'Mr.',
      country: 'AT',
      language: 'en',
      timeZone: 'Europe/Vienna',
    },
    {
      key: 'complaint',
      email: complaint,
      given: 'Complaint',
      family: 'Simulator',
      honorific: 'Ms.',
      country: 'AT',
      language: 'en',
      timeZone: 'Europe/Vienna',
    },
  ]);
  line('Two registrations at simulator addresses; their confirmations bounce and draw a complaint.');
  const states = await until(
    async () => {
      const rows = (await Promise.all(ids.map((id) => listDeliveries(target.store, id)))).flat();
      const final = rows.filter((d: DeliveryRow) => ['bounced', 'complained', 'failed'].includes(d.state));
      return final.length === ids.length
        ? final.map((d) => `${d.recipient.email.split('+')[0]} → ${d.state}`)
        : undefined;
    },
    60_000,
    500,
  );
  const suppressed = await until(
    async () => {
      const rows = await listSuppressionEntries(target.store);
      const mine = rows.filter((r) => r.email === bounce || r.email === complaint);
      return mine.length >= 2 ? mine : undefined;
    },
    15_000,
    500,
  );
  line(states ? `Deliveries: ${states.join(', ')}.` : 'Timed out waiting for the SES feedback.');
  if (suppressed)
    line(`Suppressed: ${suppressed.map((s) => `${s.email.split('+')[0]} (${s.reason})`).join(', ')}.`);
  results.push({
    step: '6',
    what: 'bounce + complaint',
    mails: '2',
    outcome: states ? `${states.join(', ')}; ${suppressed?.length ?? 0} suppressed` : 'timed out',
    ok: !!states && (suppressed?.length ?? 0) >= 2,
  });
}

/** The first http(s) URL of a raw message's List-Unsubscribe header. */
function listUnsubscribeUrl(raw: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = unfolded.split(/\r?\n/).find((l) => /^list-unsubscribe:/i.test(l));
  return header ? /<(https?:[^>]+)>/i.exec(header)?.[1] : undefined;
}

async function stepUnsubscribe(
  target: Target,
  outbox: string | undefined,
  invitationId: string,
): Promise<void> {
  heading(7, 'A one-click unsubscribe (RFC 8058)', 'POST List-Unsubscribe=One-Click to the URL in the mail');
  const fail = (why: string) => {
    line(why);
    results.push({ step: '7', what: 'one-click unsubscribe', mails: '', outcome: why, ok: false });
  };
  if (!outbox || !existsSync(outbox)) return fail('No outbox folder known; skipped.');
  const deliveries = (await listDeliveries(target.store, invitationId)).filter(
    (d) => d.sesMessageId && (d.state === 'delivered' || d.state === 'sent'),
  );
  const files = await readdir(outbox);
  for (const d of deliveries) {
    const file = files.find((f) => f.endsWith(`-${d.sesMessageId}.eml`));
    if (!file) continue;
    const url = listUnsubscribeUrl(await readFile(path.join(outbox, file), 'utf8'));
    if (!url) continue;
    line(`${d.recipient.email} clicks "unsubscribe" in the invitation (${path.join(outbox, file)}).`);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    const entry = await until(
      async () =>
        (await listSuppressionEntries(target.store, { email: d.recipient.email })).find(
          (s) => s.reason === 'unsubscribe',
        ),
      10_000,
    );
    line(
      `POST answered ${response.status}; ${entry ? `suppressed for bulk mail of ${CID} (transactional mail still reaches them)` : 'no suppression recorded'}.`,
    );
    results.push({
      step: '7',
      what: 'one-click unsubscribe',
      mails: '',
      outcome: `HTTP ${response.status}; ${entry ? `${d.recipient.email} suppressed for ${CID}` : 'not suppressed'}`,
      ok: response.status === 200 && !!entry,
    });
    return;
  }
  fail('No sent invitation with a List-Unsubscribe header found in the outbox.');
}

async function main(): Promise<number> {
  const exitAfter = process.argv.includes('--exit') || !process.stdout.isTTY;
  const started = Date.now();
  const connection = await connect();
  const { target } = connection;
  try {
    if (!(await getConference(target.store, CID))) {
      console.log(`Loading the demo conference ${CID}…`);
      await loadDemo((events, what) => applyEvents(target, events, what));
    }
    await stepRegistrations(target);
    const invitation = await stepInvitations(target);
    await stepAgenda(target);
    await stepAdvisory(target);
    await stepClock(target);
    await stepFeedback(target);
    await stepUnsubscribe(target, connection.outbox, invitation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\nThe demo stopped: ${message}`);
    results.push({ step: '!', what: 'demo stopped', mails: '', outcome: message, ok: false });
  }

  console.log(`\n${bold('Summary')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(
    table(
      ['#', 'step', 'mails', 'outcome', ''],
      results.map((r) => [r.step, r.what, r.mails, r.outcome, r.ok ? 'ok' : 'CHECK']),
    ),
  );
  const count = await outboxCount(connection.sesUrl);
  console.log(
    `Outbox: ${count ?? '?'} message(s) at ${connection.sesUrl}/ (GET ${connection.sesUrl}/store lists them).`,
  );
  if (connection.outbox) console.log(`Raw MIME of each: ${connection.outbox}`);
  console.log(
    'Look closer: npx communique mailings list · npx communique suppressions list · npx communique rejections',
  );
  const ok = results.every((r) => r.ok);

  if (connection.own) {
    if (!exitAfter) {
      console.log('\nThe demo stack keeps running so you can browse the outbox; Ctrl-C stops it.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    target.close();
    const { process: child } = connection.own;
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(connection.own.stackFile, { force: true });
  } else {
    target.close();
  }
  return ok ? 0 : 1;
}

process.exitCode = await main();
