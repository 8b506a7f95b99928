import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processFeedbackRecord } from '../../functions/feedback/process.js';
import { dynamoSlotClaims, FleetPacer } from '../../functions/sending/fleet-pacer.js';
import { CounterBatch, repairCounters } from '../../functions/store/counters.js';
import type { MailingRow } from '../../functions/store/model.js';
import {
  countPlanned,
  deliveryIdOf,
  getDelivery,
  getMailing,
  putSuppression,
  type StoreDeps,
  suppressedAmong,
  transitionDelivery,
} from '../../functions/store/store.js';
import type { DeliveryMove } from '../../functions/store/transitions.js';

/** Sets a row up as sent without a send: a shortcut no code takes, so it is not a named move. */
const SHORTCUT_TO_SENT: Pick<DeliveryMove, 'from' | 'to'> = { from: ['queued'], to: 'sent' };

import { sesFixture } from '../unit/feedback/fixtures.js';
import { useLocalStack } from './support/local-stack.js';
import { storeOf } from './support/pipeline.js';
import { seedDelivery, seedMailing } from './support/seed.js';

const cid = 'dushanbe-2022';
let run = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++run}`;

describe('the cheap paths keep their guarantees', () => {
  const stack = useLocalStack({ sesEvents: false });
  const store = (): StoreDeps => storeOf(stack.current);

  async function dynamoCalls(): Promise<number> {
    let n = 0;
    for (const [op, count] of await stack.current.requestCounts()) if (op.startsWith('dynamodb:')) n += count;
    return n;
  }

  /** A mailing with `n` deliveries, all sent (each with its SES message id). */
  async function sentMailing(n: number) {
    const mailingId = unique('cost');
    await seedMailing(store(), { mailingId, conferenceId: cid });
    const deliveries = [];
    for (let i = 0; i < n; i++) {
      const contactKey = `${unique('p')}@example.org`;
      const deliveryId = deliveryIdOf(mailingId, contactKey);
      const messageId = `0100${randomUUID().replace(/-/g, '')}-000000`;
      await seedDelivery(store(), { mailingId, conferenceId: cid }, contactKey);
      deliveries.push({ mailingId, contactKey, deliveryId, messageId });
    }
    await countPlanned(store(), mailingId, n);
    return { mailingId, deliveries };
  }

  function deliveryEvent(d: {
    mailingId: string;
    contactKey: string;
    deliveryId: string;
    messageId: string;
  }) {
    const event = sesFixture('delivery');
    event.mail.messageId = d.messageId;
    event.mail.destination = [d.contactKey];
    event.mail.tags.mailing = [d.mailingId];
    event.mail.tags.delivery = [d.deliveryId];
    event.delivery.recipients = [d.contactKey];
    return JSON.stringify(event);
  }

  it('a tagged Delivery event moves its delivery with one DynamoDB call; its counters move once per batch', async () => {
    const { mailingId, deliveries } = await sentMailing(3);
    for (const d of deliveries) {
      await transitionDelivery(store(), mailingId, d.contactKey, SHORTCUT_TO_SENT, {
        set: { sesMessageId: d.messageId },
      });
    }
    const counters = new CounterBatch();
    const before = await dynamoCalls();
    for (const d of deliveries) {
      const outcome = await processFeedbackRecord({ ...store(), counters }, deliveryEvent(d), {
        sqsMessageId: randomUUID(),
        receiveCount: 1,
      });
      expect(outcome).toBe('applied');
    }
    expect((await dynamoCalls()) - before).toBe(3);
    await counters.flush(store());
    expect((await dynamoCalls()) - before).toBe(4);
    const mailing = (await getMailing(store(), mailingId)) as MailingRow;
    expect([mailing.count_sent, mailing.count_delivered]).toEqual([0, 3]);
    for (const d of deliveries)
      expect((await getDelivery(store(), mailingId, d.contactKey))?.state).toBe('delivered');
    // A repeat moves nothing and counts nothing.
    const again = await processFeedbackRecord(
      { ...store(), counters },
      deliveryEvent(deliveries[0] as never),
      {
        sqsMessageId: randomUUID(),
        receiveCount: 1,
      },
    );
    expect(again).toBe('unchanged');
    expect(counters.pending).toBe(0);
  });

  it('a delivery tag that does not hash from the mailing and address never addresses a row', async () => {
    const { mailingId, deliveries } = await sentMailing(2);
    const [victim, other] = deliveries as [(typeof deliveries)[0], (typeof deliveries)[0]];
    await transitionDelivery(store(), mailingId, victim.contactKey, SHORTCUT_TO_SENT, {
      set: { sesMessageId: victim.messageId },
    });
    // The event names the victim's address but another delivery's id: it is looked up by its
    // message id instead, which no delivery has, so it is recorded as unmatched.
    const forged = { ...victim, deliveryId: other.deliveryId, messageId: `0100${randomUUID()}-000000` };
    const outcome = await processFeedbackRecord(store(), deliveryEvent(forged), {
      sqsMessageId: randomUUID(),
      receiveCount: 9,
    });
    expect(outcome).toBe('unmatched');
    expect((await getDelivery(store(), mailingId, victim.contactKey))?.state).toBe('sent');
  });

  it('counters a crash left short are recounted from the rows, only once two looks prove the mailing quiet', async () => {
    const { mailingId, deliveries } = await sentMailing(3);
    // A batch moves every row, then dies before writing its counter moves.
    const lost = new CounterBatch();
    for (const d of deliveries) {
      await transitionDelivery({ ...store(), counters: lost }, mailingId, d.contactKey, SHORTCUT_TO_SENT);
    }
    const read = async () => (await getMailing(store(), mailingId)) as MailingRow;
    expect((await read()).count_queued).toBe(3);
    // First look: the drift is noted, nothing written.
    expect(await repairCounters(store(), await read(), 0)).toBeUndefined();
    expect((await read()).count_queued).toBe(3);
    // A batch that was still running flushes between the looks: the second look sees other
    // counters, so it starts over instead of overwriting them.
    const late = new CounterBatch();
    late.add(mailingId, 'queued', 'sent');
    await late.flush(store());
    expect(await repairCounters(store(), await read(), 0)).toBeUndefined();
    // Two looks with nothing moving in between: repaired from the rows.
    const repaired = await repairCounters(store(), await read(), 0);
    expect(repaired?.sent).toBe(3);
    const after = await read();
    expect([after.count_queued, after.count_sent]).toEqual([0, 3]);
    // Nothing left to repair.
    expect(await repairCounters(store(), after, 0)).toBeUndefined();
  });

  it('the page suppression check finds exactly what the per-address check finds', async () => {
    const a = `${unique('sa')}@example.org`;
    const b = `${unique('sb')}@example.org`;
    const c = `${unique('sc')}@example.org`;
    await putSuppression(store(), { contactKey: a, email: a, scope: 'GLOBAL', reason: 'bounce' });
    await putSuppression(store(), { contactKey: b, email: b, scope: `CONF#${cid}`, reason: 'unsubscribe' });
    await putSuppression(store(), {
      contactKey: c,
      email: c,
      scope: 'CONF#elsewhere',
      reason: 'unsubscribe',
    });
    const many = Array.from({ length: 120 }, (_, i) => `${unique(`n${i}`)}@example.org`);
    const found = await suppressedAmong(store(), [...many, a, b, c], cid);
    expect([...found].sort()).toEqual([a, b].sort());
  });

  it('senders in separate environments take disjoint send slots, 1/rate apart, from the shared schedule', async () => {
    const claims = dynamoSlotClaims(store());
    const rate = 20;
    const base = Date.now() + 60_000; // ahead of any schedule an earlier test left
    const times: number[] = [];
    // A frozen clock and a sleep that returns at once: the slots are checked, not the waiting.
    const pacer = () =>
      new FleetPacer(
        claims,
        rate,
        10,
        () => base,
        async () => undefined,
      );
    const environments = [pacer(), pacer(), pacer()];
    for (const p of environments) p.plan(7);
    await Promise.all(
      environments.map(async (p) => {
        for (let i = 0; i < 7; i++) times.push(await p.acquire());
      }),
    );
    const sorted = [...times].sort((x, y) => x - y);
    expect(sorted).toHaveLength(21);
    const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
    for (const gap of gaps) expect(gap).toBeCloseTo(1000 / rate, 3);
    // Slots a batch did not use go back when nobody claimed after them.
    const short = pacer();
    short.plan(10);
    const shortFirst = await short.acquire();
    await short.finish();
    const next = pacer();
    next.plan(1);
    expect((await next.acquire()) - shortFirst).toBeCloseTo(1000 / rate, 3);
  });
});
