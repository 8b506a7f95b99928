import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  liftSuppressionEntry,
  listLiftedSuppressions,
  listSuppressionEntries,
  SuppressionNotFoundError,
  suppressionHistory,
} from '../../functions/feedback/operations.js';
import { listUnmatchedSesEvents } from '../../functions/feedback/unmatched.js';
import { mailingProgress } from '../../functions/mailing/operations.js';
import type { DeliveryRow, DeliveryState, MailingRow, RegistrationRow } from '../../functions/store/model.js';
import {
  countPlanned,
  deliveryIdOf,
  getDelivery,
  getMailing,
  listDeliveries,
  putRegistration,
  type StoreDeps,
  suppressionsFor,
  transitionDelivery,
} from '../../functions/store/store.js';
import { DELIVERY_MOVES } from '../../functions/store/transitions.js';
import {
  signUnsubscribeToken,
  type UnsubscribeKeys,
  unsubscribeUrl,
} from '../../functions/unsubscribe/token.js';
import { sesFixture } from '../unit/feedback/fixtures.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { fixture, freshId, mailingRequest, sendAndWait, sendEvent, storeOf } from './support/pipeline.js';
import { seedDelivery, seedMailing } from './support/seed.js';

const cid = 'dushanbe-2022';
let run = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++run}`;
const sesMessageId = () => `0100${randomUUID().replace(/-/g, '').slice(0, 12)}-${randomUUID()}-000000`;

interface TestDelivery {
  mailingId: string;
  contactKey: string;
  deliveryId: string;
  messageId: string;
}

describe('feedback on the embedded stack', () => {
  const stack = useLocalStack({
    environment: { SEND_RATE_PER_INVOCATION: '2000', SEND_LEASE_SECONDS: '5' },
  });
  const store = (): StoreDeps => storeOf(stack.current);
  const keys = (): UnsubscribeKeys =>
    JSON.parse(stack.current.environment.UNSUBSCRIBE_KEYS ?? '') as UnsubscribeKeys;

  /** A delivery as the sender leaves it: claimed, sent, SES message id recorded. */
  async function sentDelivery(state: 'sent' | 'uncertain' | 'sending' = 'sent'): Promise<TestDelivery> {
    const mailingId = unique('fb');
    const contactKey = `${unique('person')}@example.org`;
    const deliveryId = deliveryIdOf(mailingId, contactKey);
    const messageId = sesMessageId();
    await seedMailing(store(), { mailingId, conferenceId: cid });
    await seedDelivery(store(), { mailingId, conferenceId: cid }, contactKey);
    await countPlanned(store(), mailingId, 1);
    await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.claim);
    if (state === 'sent') {
      await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.recordSent, {
        set: { sesMessageId: messageId },
      });
    } else if (state === 'uncertain') {
      await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.markUncertain, {
        set: { reason: 'lease expired' },
      });
    }
    return { mailingId, contactKey, deliveryId, messageId };
  }

  /** An SES event from a fixture, about `d`'s message and recipient, tagged as our sender tags. */
  function sesEvent(name: string, d: TestDelivery, options: { tags?: boolean } = {}) {
    const event = sesFixture(name);
    event.mail.messageId = d.messageId;
    event.mail.destination = [d.contactKey];
    if (event.mail.commonHeaders) event.mail.commonHeaders.to = [d.contactKey];
    if (options.tags === false) {
      delete event.mail.tags.mailing;
      delete event.mail.tags.delivery;
    } else {
      event.mail.tags.mailing = [d.mailingId];
      event.mail.tags.delivery = [d.deliveryId];
    }
    for (const r of event.bounce?.bouncedRecipients ?? []) r.emailAddress = d.contactKey;
    for (const r of event.complaint?.complainedRecipients ?? []) r.emailAddress = d.contactKey;
    for (const r of event.deliveryDelay?.delayedRecipients ?? []) r.emailAddress = d.contactKey;
    if (event.delivery) event.delivery.recipients = [d.contactKey];
    return event;
  }

  async function publish(event: unknown): Promise<void> {
    await stack.current.clients.sns.send(
      new PublishCommand({
        TopicArn: stack.current.outputs.SesEventsTopicArn,
        Message: JSON.stringify(event),
      }),
    );
  }

  const stateOf = async (d: TestDelivery) =>
    (await getDelivery(store(), d.mailingId, d.contactKey)) as DeliveryRow;
  const waitState = (d: TestDelivery, state: DeliveryState) =>
    eventually(async () => ((await stateOf(d)).state === state ? stateOf(d) : undefined), {
      what: `${d.mailingId} ${state}`,
    });

  async function queueDepth(url: string | undefined): Promise<number> {
    const { Attributes } = await stack.current.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }
  /** Waits until the feedback queue has nothing waiting or in flight. */
  const feedbackIdle = () =>
    eventually(
      async () => ((await queueDepth(stack.current.outputs.FeedbackQueueUrl)) === 0 ? true : undefined),
      {
        what: 'feedback queue drained',
      },
    );

  /**
   * The mailing's counters for the states that hold anything, read once the feedback queue is
   * idle: a transition moves the row first and the counters just after, in the same handler run.
   */
  async function counters(mailingId: string): Promise<Record<string, number>> {
    await feedbackIdle();
    const row = (await getMailing(store(), mailingId)) as MailingRow;
    return Object.fromEntries(
      Object.entries(row)
        .filter(([k, v]) => k.startsWith('count_') && v !== 0)
        .map(([k, v]) => [k.slice('count_'.length), v as number]),
    );
  }

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
  });

  describe('SES events', () => {
    it.each([
      ['delivery', 'delivered', undefined],
      ['bounce-permanent', 'bounced', 'bounce'],
      ['bounce-suppressed', 'bounced', 'bounce'],
      ['bounce-transient', 'delayed', undefined],
      ['delivery-delay', 'delayed', undefined],
      ['complaint', 'complained', 'complaint'],
      ['reject', 'failed', undefined],
      ['rendering-failure', 'failed', undefined],
    ] as const)('move a sent delivery on %s to %s, counting it once', async (name, state, suppression) => {
      const d = await sentDelivery();
      await publish(sesEvent(name, d));
      const row = await waitState(d, state);
      expect(row.sesMessageId).toBe(d.messageId);
      if (state !== 'delivered') expect(row.reason).toBeTruthy();
      expect(await counters(d.mailingId)).toEqual({ [state]: 1 });
      const suppressions = await suppressionsFor(store(), d.contactKey, cid);
      if (suppression) {
        expect(suppressions).toEqual([
          expect.objectContaining({ scope: 'GLOBAL', reason: suppression, email: d.contactKey }),
        ]);
        // Dated by the event and traced to it.
        const event = sesEvent(name, d);
        const source = event.bounce?.feedbackId ?? event.complaint?.feedbackId;
        expect(suppressions[0]?.source).toBe(source);
      } else {
        expect(suppressions).toEqual([]);
      }
    });

    it('settle an uncertain delivery: a Send proves SES took it, and records its message id', async () => {
      const d = await sentDelivery('uncertain');
      await publish(sesEvent('send', d));
      const row = await waitState(d, 'sent');
      expect(row.sesMessageId).toBe(d.messageId);
      expect(row.reason).toBeUndefined();
      expect(await counters(d.mailingId)).toEqual({ sent: 1 });
    });

    it('wait for the sender when an event overtakes its write of the message id', async () => {
      const d = await sentDelivery('sending');
      const failedBefore = stack.current.runner.stats.failedRecords;
      await publish(sesEvent('delivery', d));
      // The event comes back (1 s locally) until the sender records what SES answered: once the
      // feedback function has turned it away, the delivery must still be `sending`.
      await eventually(
        async () => (stack.current.runner.stats.failedRecords > failedBefore ? true : undefined),
        {
          what: 'the feedback function deferring the early event',
        },
      );
      expect((await stateOf(d)).state).toBe('sending');
      await transitionDelivery(store(), d.mailingId, d.contactKey, DELIVERY_MOVES.recordSent, {
        set: { sesMessageId: d.messageId },
      });
      await waitState(d, 'delivered');
      expect(await counters(d.mailingId)).toEqual({ delivered: 1 });
    });

    it('converge whatever order they arrive in, however often, and move the counters once', async () => {
      const sequences = [
        ['complaint', 'delivery', 'send', 'complaint', 'delivery', 'delivery-delay'],
        ['send', 'delivery-delay', 'delivery', 'complaint', 'send', 'complaint'],
        ['delivery', 'complaint', 'delivery-delay', 'send', 'delivery', 'complaint'],
      ];
      const deliveries = await Promise.all(sequences.map(() => sentDelivery()));
      await Promise.all(
        sequences.map(async (names, i) => {
          for (const name of names) await publish(sesEvent(name, deliveries[i] as TestDelivery));
        }),
      );
      await feedbackIdle();
      for (const d of deliveries) {
        expect((await stateOf(d)).state).toBe('complained');
        expect(await counters(d.mailingId)).toEqual({ complained: 1 });
        expect((await suppressionsFor(store(), d.contactKey, cid)).map((s) => s.reason)).toEqual([
          'complaint',
        ]);
      }
    });

    it('never let a delivery or a delay undo a bounce', async () => {
      const d = await sentDelivery();
      await publish(sesEvent('bounce-permanent', d));
      await waitState(d, 'bounced');
      for (const name of ['delivery', 'delivery-delay', 'send', 'bounce-transient'])
        await publish(sesEvent(name, d));
      await feedbackIdle();
      expect((await stateOf(d)).state).toBe('bounced');
      expect(await counters(d.mailingId)).toEqual({ bounced: 1 });
    });

    it('find the delivery by message id alone when the mail carried no tags', async () => {
      const d = await sentDelivery();
      await publish(sesEvent('delivery', d, { tags: false }));
      await waitState(d, 'delivered');
    });

    it('suppress the address of a bounce from an earlier send, without touching the resent delivery', async () => {
      const d = await sentDelivery();
      await publish(sesEvent('bounce-permanent', { ...d, messageId: sesMessageId() }));
      await eventually(async () =>
        (await suppressionsFor(store(), d.contactKey, cid)).length > 0 ? true : undefined,
      );
      await feedbackIdle();
      expect((await stateOf(d)).state).toBe('sent');
      expect(await counters(d.mailingId)).toEqual({ sent: 1 });
    });

    it('record an event for an unknown message id and acknowledge it', async () => {
      const stranger: TestDelivery = {
        mailingId: 'no-such-mailing',
        contactKey: 'stranger@example.org',
        deliveryId: 'no-such-delivery',
        messageId: sesMessageId(),
      };
      await publish(sesEvent('delivery', stranger, { tags: false }));
      const recorded = await eventually(async () =>
        (await listUnmatchedSesEvents(store())).find((e) => e.messageId === stranger.messageId),
      );
      expect(recorded).toMatchObject({
        eventType: 'Delivery',
        reason: 'unknown-message',
        destinations: ['stranger@example.org'],
      });
      await feedbackIdle();
      expect(await queueDepth(stack.current.outputs.FeedbackDlqUrl)).toBe(0);
    });

    it('record, after a few retries, a tagged event whose delivery never appears', async () => {
      const ghost: TestDelivery = {
        mailingId: 'ghost-mailing',
        contactKey: 'ghost@example.org',
        deliveryId: 'ghost-delivery',
        messageId: sesMessageId(),
      };
      await publish(sesEvent('bounce-permanent', ghost));
      const recorded = await eventually(
        async () => (await listUnmatchedSesEvents(store())).find((e) => e.messageId === ghost.messageId),
        { timeoutMs: 30_000 },
      );
      expect(recorded?.reason).toBe('unknown-message');
      await feedbackIdle();
      expect(await queueDepth(stack.current.outputs.FeedbackDlqUrl)).toBe(0);
      // The bounce is still a fact about the address.
      expect((await suppressionsFor(store(), 'ghost@example.org', cid)).map((s) => s.reason)).toEqual([
        'bounce',
      ]);
    });

    it('record what is not an SES event at all, and acknowledge it', async () => {
      await publish({ hello: 'world' });
      await eventually(async () =>
        (await listUnmatchedSesEvents(store())).find(
          (e) => e.reason === 'malformed' && e.payloadHead.includes('hello'),
        ),
      );
      await feedbackIdle();
      expect(await queueDepth(stack.current.outputs.FeedbackDlqUrl)).toBe(0);
    });
  });

  describe('suppression operations', () => {
    it('list suppressions and lift one, keeping who and why; a repeated event does not bring it back', async () => {
      const d = await sentDelivery();
      const bounce = sesEvent('bounce-permanent', d);
      bounce.bounce.feedbackId = `fb-${randomUUID()}`;
      await publish(bounce);
      await waitState(d, 'bounced');
      const listed = await listSuppressionEntries(store(), { email: d.contactKey });
      expect(listed.map((s) => [s.scope, s.reason])).toEqual([['GLOBAL', 'bounce']]);
      expect(
        (await listSuppressionEntries(store(), { conferenceId: cid })).map((s) => s.contactKey),
      ).toContain(d.contactKey);

      await liftSuppressionEntry(store(), {
        email: d.contactKey.toUpperCase(),
        scope: 'GLOBAL',
        by: 'organizer@example.org',
        why: 'mailbox fixed, confirmed by phone',
      });
      expect(await suppressionsFor(store(), d.contactKey, cid)).toEqual([]);
      const history = await suppressionHistory(store(), d.contactKey);
      expect(history.lifted).toEqual([
        expect.objectContaining({
          reason: 'bounce',
          liftedBy: 'organizer@example.org',
          liftedWhy: 'mailbox fixed, confirmed by phone',
        }),
      ]);
      expect((await listSuppressionEntries(store())).some((s) => s.contactKey === d.contactKey)).toBe(false);
      expect(
        (await listLiftedSuppressions(store())).find((s) => s.contactKey === d.contactKey),
      ).toMatchObject({
        scope: 'GLOBAL',
        liftedBy: 'organizer@example.org',
      });
      await expect(
        liftSuppressionEntry(store(), { email: d.contactKey, scope: 'GLOBAL', by: 'someone', why: 'twice' }),
      ).rejects.toBeInstanceOf(SuppressionNotFoundError);

      // SQS delivers the same bounce again: the lifted entry stays lifted.
      await publish(bounce);
      await feedbackIdle();
      expect(await suppressionsFor(store(), d.contactKey, cid)).toEqual([]);
    });
  });

  describe('the unsubscribe endpoint', () => {
    async function registrant(language: string): Promise<RegistrationRow> {
      const email = `${unique('unsub')}@example.org`;
      const row: RegistrationRow = {
        conferenceId: cid,
        registrationId: unique('reg'),
        contactKey: email,
        email,
        givenName: 'Given',
        familyName: 'Family',
        language,
        role: 'delegate',
        sessions: [],
        contactId: '',
        status: 'active',
        eventTime: '2022-09-01T00:00:00Z',
      };
      row.contactId = row.registrationId;
      await putRegistration(store(), row);
      return row;
    }
    const linkFor = (person: { contactKey: string }) =>
      unsubscribeUrl(stack.current.endpoints.unsubscribe, keys(), {
        conferenceId: cid,
        contactKey: person.contactKey,
        scope: 'bulk',
      });
    const oneClick = (url: string, init: RequestInit = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
        ...init,
      });

    it('shows a confirm page in the registrant language on GET, and unsubscribes nobody', async () => {
      const person = await registrant('ru-RU');
      const response = await fetch(linkFor(person));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).toMatch(/<html lang="ru" dir="ltr">/);
      expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
      expect(await suppressionsFor(store(), person.contactKey, cid)).toEqual([]);

      const arabic = await (await fetch(`${linkFor(person)}&lang=ar`)).text();
      expect(arabic).toMatch(/<html lang="ar" dir="rtl">/);
    });

    it('unsubscribes on the RFC 8058 one-click POST, answering 200 without a redirect', async () => {
      const person = await registrant('en');
      const response = await oneClick(linkFor(person));
      expect(response.status).toBe(200);
      expect(response.headers.get('location')).toBeNull();
      expect(await suppressionsFor(store(), person.contactKey, cid)).toEqual([
        expect.objectContaining({ scope: `CONF#${cid}`, reason: 'unsubscribe', email: person.email }),
      ]);
      // Again: still 200, still one entry, first time kept.
      const first = (await suppressionsFor(store(), person.contactKey, cid))[0]?.createdAt;
      expect((await oneClick(linkFor(person))).status).toBe(200);
      const after = await suppressionsFor(store(), person.contactKey, cid);
      expect(after.map((s) => s.createdAt)).toEqual([first]);
    });

    it('accepts the one-click POST as multipart form data', async () => {
      const person = await registrant('en');
      const body = new FormData();
      body.set('List-Unsubscribe', 'One-Click');
      const response = await fetch(linkFor(person), { method: 'POST', body });
      expect(response.status).toBe(200);
      expect((await suppressionsFor(store(), person.contactKey, cid)).map((s) => s.reason)).toEqual([
        'unsubscribe',
      ]);
    });

    it('answers a forged, truncated or altered token with 400 and the same page, and suppresses nobody', async () => {
      const person = await registrant('en');
      const genuine = signUnsubscribeToken(keys(), {
        conferenceId: cid,
        contactKey: person.contactKey,
        scope: 'bulk',
      });
      const forger: UnsubscribeKeys = {
        current: keys().current,
        keys: { [keys().current]: Buffer.alloc(32, 7).toString('base64') },
      };
      const forged = signUnsubscribeToken(forger, {
        conferenceId: cid,
        contactKey: person.contactKey,
        scope: 'bulk',
      });
      const bodies = new Set<string>();
      for (const token of [
        forged,
        genuine.slice(0, -1),
        `${genuine.slice(0, 10)}x${genuine.slice(11)}`,
        'nonsense',
      ]) {
        const url = new URL(stack.current.endpoints.unsubscribe);
        url.searchParams.set('token', token);
        for (const response of [await oneClick(url.toString()), await fetch(url)]) {
          expect(response.status).toBe(400);
          bodies.add(await response.text());
        }
      }
      expect(bodies.size).toBe(1);
      expect(await suppressionsFor(store(), person.contactKey, cid)).toEqual([]);
    });

    it('refuses a POST without the one-click body', async () => {
      const person = await registrant('en');
      const response = await oneClick(linkFor(person), { body: 'unsubscribe=please' });
      expect(response.status).toBe(400);
      expect(await suppressionsFor(store(), person.contactKey, cid)).toEqual([]);
    });
  });

  describe('end to end through the sender and the simulator', () => {
    const runId = Date.now().toString(36);
    const people = {
      bounce: `bounce+${runId}@simulator.amazonses.com`,
      complaint: `complaint+${runId}@simulator.amazonses.com`,
      success: `success+${runId}@simulator.amazonses.com`,
      reader: `reader-${runId}@example.org`,
      other: `other-${runId}@example.org`,
    };
    const registrationIds = Object.fromEntries(Object.keys(people).map((k) => [k, `e2e-${runId}-${k}`]));
    const audience = { contactIds: Object.values(registrationIds) };
    const acceptedFor = (mailingId: string) =>
      stack.current.accepted.filter((m) => m.tags.mailing === mailingId);
    const recipientsOf = (mailingId: string) => acceptedFor(mailingId).flatMap((m) => m.destinations);

    async function mailing(mailingId: string): Promise<void> {
      await sendEvent(stack.current, mailingRequest(mailingId, audience, {}, cid));
    }
    const waitSettled = (mailingId: string, states: DeliveryState[]) =>
      eventually(
        async () => {
          const p = await mailingProgress(store(), mailingId);
          if (!p || p.total === 0) return undefined;
          const rows = await listDeliveries(store(), mailingId);
          return rows.length === p.total && rows.every((r) => states.includes(r.state)) ? rows : undefined;
        },
        { timeoutMs: 45_000, what: `${mailingId} settled` },
      );

    beforeAll(async () => {
      for (const [who, email] of Object.entries(people)) {
        const registrationId = registrationIds[who] as string;
        // Written straight into the projection, so no confirmation goes out yet.
        await putRegistration(store(), {
          conferenceId: cid,
          registrationId,
          contactKey: email.toLowerCase(),
          email,
          givenName: who,
          familyName: 'E2E',
          language: 'en',
          role: 'delegate',
          sessions: ['opening-plenary'],
          contactId: registrationId,
          status: 'active',
          eventTime: '2022-09-01T00:00:00Z',
        });
      }
    });

    it('bounces and complaints from the simulator end in their states and suppressions; the next bulk mailing skips them', async () => {
      const first = `e2e-${runId}-first`;
      await mailing(first);
      const expected: Record<string, DeliveryState> = {
        [people.bounce]: 'bounced',
        [people.complaint]: 'complained',
        [people.success]: 'delivered',
        [people.reader]: 'delivered',
        [people.other]: 'delivered',
      };
      // A complaint follows its delivery, so `delivered` is a waypoint: wait for the final states,
      // then check the table holds exactly those.
      const statesOf = async (mailingId: string) =>
        Object.fromEntries((await listDeliveries(store(), mailingId)).map((r) => [r.contactKey, r.state]));
      await eventually(
        async () => {
          const states = await statesOf(first);
          return Object.entries(expected).every(([k, v]) => states[k] === v) ? true : undefined;
        },
        { timeoutMs: 45_000, what: 'simulator outcomes' },
      );
      expect(await statesOf(first)).toEqual(expected);
      // Counters move just after the row, in the same handler run: read them once feedback is idle.
      await feedbackIdle();
      const progress = await mailingProgress(store(), first);
      expect(progress?.counts).toMatchObject({ delivered: 3, bounced: 1, complained: 1, sent: 0 });
      expect((await suppressionsFor(store(), people.bounce, cid)).map((s) => [s.scope, s.reason])).toEqual([
        ['GLOBAL', 'bounce'],
      ]);
      expect((await suppressionsFor(store(), people.complaint, cid)).map((s) => [s.scope, s.reason])).toEqual(
        [['GLOBAL', 'complaint']],
      );

      const second = `e2e-${runId}-second`;
      await mailing(second);
      await waitSettled(second, ['delivered']);
      expect(recipientsOf(second).sort()).toEqual([people.success, people.reader, people.other].sort());
    });

    it('still sends a confirmation to an address that complained: complaints stop bulk mail only', async () => {
      const event = fixture('registration.created');
      event.id = freshId('reg');
      event.time = '2022-09-25T10:00:00+05:00';
      event.data = {
        ...event.data,
        registrationId: registrationIds.complaint,
        person: { email: people.complaint, givenName: 'complaint', familyName: 'E2E', language: 'en' },
        sessions: ['opening-plenary'],
      };
      await sendAndWait(stack.current, event);
      const confirmation = `confirmation-${cid}-${registrationIds.complaint}`;
      await eventually(async () => (recipientsOf(confirmation).length > 0 ? true : undefined), {
        what: 'confirmation accepted',
      });
      expect(recipientsOf(confirmation)).toEqual([people.complaint]);
    });

    it('unsubscribes through the List-Unsubscribe URL of a delivered mail, and the next bulk mailing skips that contact', async () => {
      const first = `e2e-${runId}-first`;
      const mail = acceptedFor(first).find((m) => m.destinations.includes(people.reader));
      if (!mail) throw new Error('no mail to the reader');
      const parsed = await simpleParser(await readFile(mail.emlPath));
      const header = (name: string) =>
        parsed.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '');
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const url = /<(https?:[^>]+)>/.exec(header('list-unsubscribe')?.replace(/\r?\n\s+/g, '') ?? '')?.[1];
      if (!url) throw new Error('no List-Unsubscribe URL');

      // What a mailbox provider does for RFC 8058: POST the one-click body to the URL as it stands.
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      });
      expect(response.status).toBe(200);
      expect((await suppressionsFor(store(), people.reader, cid)).map((s) => [s.scope, s.reason])).toEqual([
        [`CONF#${cid}`, 'unsubscribe'],
      ]);

      const third = `e2e-${runId}-third`;
      await mailing(third);
      await waitSettled(third, ['delivered']);
      expect(recipientsOf(third).sort()).toEqual([people.success, people.other].sort());
    });
  });
});
