/**
 * The console's API beyond authorization, on the embedded stack: invitees with their answers
 * (overview and list), the invitation audience by group and by answer (the live count is what
 * the confirmed mailing then creates), an organizer's pause and resume (nothing sent while
 * paused, each delivery sent once after), and one delivery's history of states.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/deps.js';
import type { Identity } from '../../functions/api/http.js';
import { handleApi } from '../../functions/api/routes.js';
import { mailingProgress } from '../../functions/mailing/operations.js';
import { getInvitee, recordAnswer } from '../../functions/store/invitees.js';
import { getMailing, listDeliveries } from '../../functions/store/store.js';
import { localApiDeps } from '../../local/console.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, freshId, sendAndWait, storeOf } from './support/pipeline.js';
import { seedRegistrations } from './support/seed.js';

const stack = useLocalStack();
const CID = 'dushanbe-2022';
const store = () => storeOf(stack.current);
const organizer: Identity = { user: 'org@example.org', email: 'org@example.org', groups: ['organizers'] };
let deps: ApiDeps;
const AUDIENCE = 30;

const INVITEES = [
  { id: 'inv-a', email: 'inv-a@example.org', group: 'heads of delegation', language: 'ru' },
  { id: 'inv-b', email: 'inv-b@example.org', group: 'heads of delegation', language: 'ar' },
  { id: 'inv-c', email: 'inv-c@example.org', group: 'observers', language: 'en' },
];

async function call(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  query: Record<string, string> = {},
) {
  const res = await handleApi(deps, { method, path, query, body, identity: organizer });
  return res as { status: number; body: Record<string, unknown> & { error?: string } };
}

async function ok(method: 'GET' | 'POST', path: string, body?: unknown, query: Record<string, string> = {}) {
  const res = await call(method, path, body, query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  deps = localApiDeps(stack.current);
  const conference = fixture('conference.upserted');
  conference.id = freshId('conf');
  await sendAndWait(stack.current, conference);
  await seedRegistrations(store(), CID, AUDIENCE, { prefix: 'console' });
  for (const inv of INVITEES) {
    const event = fixture('invitee.upserted');
    event.id = freshId('inv');
    event.data = {
      ...event.data,
      inviteeId: inv.id,
      group: inv.group,
      person: { ...(event.data.person as object), email: inv.email, language: inv.language },
    };
    await sendAndWait(stack.current, event);
  }
  // inv-b declines (as the RSVP endpoint records it).
  const b = await getInvitee(store(), CID, 'inv-b');
  expect(b).toBeDefined();
  if (b) {
    expect(
      await recordAnswer(store(), b, {
        state: 'declined',
        at: '2022-09-02T10:00:00.000Z',
        source: 'rsvp:test',
      }),
    ).toBe(true);
  }
});

describe('invitees in the console API', () => {
  it('tallies invitees by answer and group on the overview, and lists them with their answers', async () => {
    const overview = await ok('GET', `/api/conferences/${CID}/overview`);
    expect(overview.invitees).toEqual({
      total: 3,
      byAnswer: { invited: 2, accepted: 0, declined: 1, delegated: 0, registered: 0 },
      byGroup: { 'heads of delegation': 2, observers: 1 },
      groups: ['heads of delegation', 'observers'],
    });
    const declined = (await ok('GET', `/api/conferences/${CID}/invitees`, undefined, { rsvp: 'declined' }))
      .items as { inviteeId: string; rsvp: string; rsvpAt: string; history: { state: string }[] }[];
    expect(declined.map((i) => i.inviteeId)).toEqual(['inv-b']);
    expect(declined[0]?.rsvpAt).toBe('2022-09-02T10:00:00.000Z');
    expect(declined[0]?.history.map((h) => h.state)).toEqual(['invited', 'declined']);
    const noAnswer = (await ok('GET', `/api/conferences/${CID}/invitees`, undefined, { rsvp: 'no-answer' }))
      .items as { inviteeId: string }[];
    expect(noAnswer.map((i) => i.inviteeId).sort()).toEqual(['inv-a', 'inv-c']);
    const observers = (await ok('GET', `/api/conferences/${CID}/invitees`, undefined, { group: 'observers' }))
      .items as { inviteeId: string }[];
    expect(observers.map((i) => i.inviteeId)).toEqual(['inv-c']);
    const bad = await call('GET', `/api/conferences/${CID}/invitees`, undefined, { rsvp: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/unknown state "maybe"/);
  });

  it('counts an invitation audience by group and by answer, and the confirmed mailing creates exactly those deliveries', async () => {
    const count = async (audience: Record<string, unknown>) =>
      (await ok('POST', `/api/conferences/${CID}/audience`, { kind: 'invitation', audience })) as {
        total: number;
        perLanguage: Record<string, number>;
      };
    // By default an invitation skips those who declined: of the heads of delegation only inv-a.
    expect(await count({ groups: ['heads of delegation'] })).toEqual({ total: 1, perLanguage: { ru: 1 } });
    expect(await count({ rsvp: ['declined'] })).toEqual({ total: 1, perLanguage: { ar: 1 } });
    expect((await count({})).total).toBe(2);
    expect((await count({ groups: ['observers'], rsvp: ['declined'] })).total).toBe(0);

    const audience = { rsvp: ['declined'] };
    const dry = (await ok('POST', `/api/conferences/${CID}/mailings`, { kind: 'invitation', audience })) as {
      mailingId: string;
      preview: { total: number };
    };
    expect(dry.preview.total).toBe((await count(audience)).total);
    await ok('POST', `/api/mailings/${dry.mailingId}/confirm`);
    const deliveries = await eventually(
      async () => {
        const p = await mailingProgress(store(), dry.mailingId);
        return p?.complete && p.counts.queued + p.counts.sending === 0
          ? listDeliveries(store(), dry.mailingId)
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the invitation sent' },
    );
    expect(deliveries.map((d) => d.recipient.email)).toEqual(['inv-b@example.org']);
  }, 90_000);
});

describe('pause and resume from the console API', () => {
  async function sendQueue() {
    const { Attributes = {} } = await stack.current.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.current.outputs.SendQueueUrl,
        AttributeNames: ['All'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    };
  }
  let mailingId = '';

  it('pauses a sending mailing (nothing goes while paused) and resume sends each delivery once', async () => {
    // SES throttles everything: the mailing is sending, its deliveries stay queued.
    stack.current.ses.setFault(() => ({
      status: 400,
      code: 'Throttling',
      message: 'Maximum sending rate exceeded.',
    }));
    try {
      const dry = (await ok('POST', `/api/conferences/${CID}/mailings`, {
        kind: 'announcement',
        audience: { roles: ['delegate'] },
        content: { subject: { en: 'Pause test' }, body: { en: 'Body' } },
      })) as { mailingId: string; preview: { total: number } };
      mailingId = dry.mailingId;
      expect(dry.preview.total).toBe(AUDIENCE);
      // Nothing to pause before it is confirmed.
      expect((await call('POST', `/api/mailings/${mailingId}/pause`)).status).toBe(409);
      await ok('POST', `/api/mailings/${mailingId}/confirm`);
      await eventually(
        async () => {
          const p = await mailingProgress(store(), mailingId);
          return p?.state === 'sending' && p.counts.queued === AUDIENCE ? true : undefined;
        },
        { timeoutMs: 60_000, what: 'the mailing planned and sending' },
      );
      const paused = await ok('POST', `/api/mailings/${mailingId}/pause`);
      expect(paused.state).toBe('paused');
      expect(paused.pausedReason).toBe('paused by org@example.org');
      expect(((await getMailing(store(), mailingId)) as { pausedBy?: string } | undefined)?.pausedBy).toBe(
        'org@example.org',
      );
      const again = await call('POST', `/api/mailings/${mailingId}/pause`);
      expect(again.status).toBe(409);
      expect(again.body.error).toMatch(/paused: only a mailing being planned or sent can be paused/);
      // Every job is held (delayed on the queue), none acknowledged away, none failed.
      await eventually(
        async () => {
          const q = await sendQueue();
          const p = await mailingProgress(store(), mailingId);
          return q.visible === 0 &&
            q.inFlight === 0 &&
            p &&
            p.counts.queued === AUDIENCE &&
            q.delayed >= AUDIENCE
            ? true
            : undefined;
        },
        { timeoutMs: 60_000, what: 'the paused mailing’s jobs held' },
      );
      expect(acceptedFor(stack.current, mailingId)).toHaveLength(0);
      const resumed = await ok('POST', `/api/mailings/${mailingId}/resume`);
      expect(resumed.state).toBe('sending');
    } finally {
      // SES takes mail again only after the resume: a sender whose cached read still said
      // "sending" could otherwise have sent during the pause (documented: up to 10 s).
      stack.current.ses.setFault(undefined);
    }
    expect((await call('POST', `/api/mailings/${mailingId}/resume`)).status).toBe(409);
    await eventually(
      async () => {
        const p = await mailingProgress(store(), mailingId);
        return p && p.counts.queued + p.counts.sending === 0 ? p : undefined;
      },
      { timeoutMs: 90_000, what: 'the resumed mailing sent' },
    );
    const recipients = acceptedFor(stack.current, mailingId).flatMap((m) => m.destinations);
    expect(recipients).toHaveLength(AUDIENCE);
    expect(new Set(recipients).size).toBe(AUDIENCE);
  }, 240_000);

  it('shows one delivery’s history: every state it passed through, in time order, and its mail', async () => {
    expect(mailingId).not.toBe('');
    const detail = await eventually(
      async () => {
        const d = (await ok('GET', `/api/mailings/${mailingId}/deliveries/console-0@example.org`)) as {
          state: string;
          history: { state: string; at: string; sesMessageId?: string }[];
          mail?: { subject: string };
        };
        return d.state === 'delivered' ? d : undefined;
      },
      { timeoutMs: 30_000, what: 'the delivery delivered' },
    );
    const states = detail.history.map((h) => h.state);
    expect(states[0]).toBe('queued');
    // Claimed, throttled back to the queue at least once, claimed again, sent, delivered.
    expect(states.slice(-3)).toEqual(['sending', 'sent', 'delivered']);
    expect(states.filter((s) => s === 'queued').length).toBeGreaterThanOrEqual(2);
    // No move repeats a state: no sending → sending entry.
    for (let i = 1; i < states.length; i++) expect(states[i], states.join(' → ')).not.toBe(states[i - 1]);
    const times = detail.history.map((h) => Date.parse(h.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(detail.history.find((h) => h.state === 'sent')?.sesMessageId).toMatch(/\S/);
    expect(detail.mail?.subject).toBe('Pause test');
  }, 60_000);
});
