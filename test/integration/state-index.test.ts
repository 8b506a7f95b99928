import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deliveriesPage } from '../../functions/api/mailings.js';
import { countRows } from '../../functions/store/counters.js';
import { deliveryStateIndex, keys } from '../../functions/store/model.js';
import { listDeliveries, transitionDelivery } from '../../functions/store/store.js';
import { DELIVERY_MOVES } from '../../functions/store/transitions.js';
import { localApiDeps } from '../../local/console.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { fixture, mailingRequest, sendAndWait, storeOf } from './support/pipeline.js';
import { seedDelivery, seedMailing, seedRegistrations } from './support/seed.js';

const cid = 'dushanbe-2022';

/**
 * Issue 15 (cost): gsi2 lists deliveries by state except `sent` and `delivered`, where almost every
 * mail ends. Whoever reads those states (the organizer's listing, the console, the recount) reads
 * the mailing's partition; a delivery that moves on from them (a bounce) is listed again.
 */
describe('the by-state index leaves sent and delivered out', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '1000' } });
  const store = () => storeOf(stack.current);
  const onIndex = async (mailingId: string, state: 'queued' | 'sent' | 'delivered' | 'bounced') => {
    const page = await store().db.send(
      new QueryCommand({
        TableName: store().table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': deliveryStateIndex(mailingId, state) },
      }),
    );
    return (page.Items ?? []).map((i) => String(i.contactKey)).sort();
  };

  it('lists, counts and pages delivered mail from the partition, and a bounce back on the index', async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    const people = await seedRegistrations(store(), cid, 4, { prefix: 'indexed' });
    const mailingId = 'state-index-invitation';
    await sendAndWait(
      stack.current,
      mailingRequest(mailingId, { contactIds: people.map((p) => p.registrationId) }),
    );
    const delivered = await eventually(
      async () => {
        const rows = await listDeliveries(store(), mailingId);
        return rows.length === people.length && rows.every((r) => r.state === 'delivered') ? rows : undefined;
      },
      { what: 'every delivery delivered' },
    );
    const addresses = delivered.map((d) => d.contactKey).sort();
    for (const state of ['queued', 'sent', 'delivered'] as const)
      expect(await onIndex(mailingId, state)).toEqual([]);
    const raw = await store().db.send(
      new GetCommand({ TableName: store().table, Key: keys.delivery(mailingId, addresses[0] as string) }),
    );
    expect(raw.Item?.gsi2pk).toBeUndefined();

    expect((await listDeliveries(store(), mailingId, 'delivered')).map((d) => d.contactKey).sort()).toEqual(
      addresses,
    );
    expect(await listDeliveries(store(), mailingId, 'sent')).toEqual([]);
    expect(await countRows(store(), mailingId)).toMatchObject({
      delivered: 4,
      sent: 0,
      queued: 0,
      sending: 0,
    });

    // The console's list of delivered mail, one row a page, and by address prefix.
    const api = localApiDeps(stack.current);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deliveriesPage(api, mailingId, {
        state: 'delivered',
        limit: '1',
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((i) => i.email));
      cursor = page.next;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(addresses);
    const one = addresses[1] as string;
    expect(
      (await deliveriesPage(api, mailingId, { state: 'delivered', q: one })).items.map((i) => i.email),
    ).toEqual([one]);

    // A bounce after the delivery: back on the index, under its new state.
    await transitionDelivery(store(), mailingId, one, DELIVERY_MOVES.sesBounced, {
      set: { reason: 'test bounce' },
    });
    expect(await onIndex(mailingId, 'bounced')).toEqual([one]);
    expect((await listDeliveries(store(), mailingId, 'bounced')).map((d) => d.contactKey)).toEqual([one]);
    expect(await countRows(store(), mailingId)).toMatchObject({ delivered: 3, bounced: 1 });
  });

  /** Moves a seeded, queued delivery through the sender's own moves to `sent`. */
  async function sendByHand(mailingId: string, contactKey: string): Promise<void> {
    await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.claim, {
      set: { leaseOwner: 'test', leaseUntil: Date.now() + 60_000, submitting: true },
    });
    await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.recordSent, {
      set: { sesMessageId: `by-hand-${contactKey}` },
      remove: ['leaseOwner', 'leaseUntil'],
    });
  }

  it('keeps a `sent` delivery off the index, and pages a few of them out of many others', async () => {
    const mailing = { mailingId: 'state-index-paging', conferenceId: cid };
    await seedMailing(store(), mailing);
    const addresses = Array.from({ length: 120 }, (_, i) => `page-${String(i).padStart(3, '0')}@example.org`);
    for (let i = 0; i < addresses.length; i += 40)
      await Promise.all(addresses.slice(i, i + 40).map((a) => seedDelivery(store(), mailing, a)));
    // The last three in key order: a page must read past the 117 queued ones before them.
    const sent = addresses.slice(-3);
    for (const address of sent) await sendByHand(mailing.mailingId, address);

    expect(await onIndex(mailing.mailingId, 'sent')).toEqual([]);
    expect(await onIndex(mailing.mailingId, 'queued')).toHaveLength(117);
    expect((await listDeliveries(store(), mailing.mailingId, 'sent')).map((d) => d.contactKey)).toEqual(sent);
    expect(await countRows(store(), mailing.mailingId)).toMatchObject({ queued: 117, sending: 0, sent: 3 });

    const api = localApiDeps(stack.current);
    const first = await deliveriesPage(api, mailing.mailingId, { state: 'sent', limit: '2' });
    expect(first.items.map((i) => i.email)).toEqual(sent.slice(0, 2));
    expect(first.next).toBeDefined();
    const second = await deliveriesPage(api, mailing.mailingId, {
      state: 'sent',
      limit: '2',
      cursor: first.next,
    });
    expect(second.items.map((i) => i.email)).toEqual(sent.slice(2));
    expect(second.next).toBeUndefined();

    // The address search is a key condition on each side of the index, and on the partition.
    const search = async (state: string | undefined, q: string) =>
      (
        await deliveriesPage(api, mailing.mailingId, { ...(state ? { state } : {}), q, limit: '200' })
      ).items.map((i) => i.email);
    expect(await search('queued', 'PAGE-00')).toEqual(addresses.slice(0, 10));
    expect(await search('sent', 'page-11')).toEqual(sent);
    expect(await search(undefined, 'page-11')).toEqual(addresses.slice(110));
    expect(await search('queued', 'nobody')).toEqual([]);

    // A cursor from another state (on the other side of the index or not), another mailing,
    // another search, or edited: a 400 that says so, never a DynamoDB validation error (a 500).
    const queuedPage = await deliveriesPage(api, mailing.mailingId, { state: 'queued', limit: '2' });
    const elsewhere = Buffer.from(
      JSON.stringify({ pk: 'MAILING#another', sk: `DELIVERY#${addresses[0]}` }),
    ).toString('base64url');
    const unfiltered = await deliveriesPage(api, mailing.mailingId, { limit: '2' });
    const encode = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const edited = encode({ pk: `MAILING#${mailing.mailingId}`, sk: 'REG#x' });
    const queuedKey = JSON.parse(Buffer.from(String(queuedPage.next), 'base64url').toString('utf8'));
    const otherState = encode({
      ...queuedKey,
      gsi2pk: String(queuedKey.gsi2pk).replace(/queued$/, 'failed'),
    });
    for (const [state, cursor, q] of [
      ['sent', queuedPage.next, ''],
      ['queued', first.next, ''],
      [undefined, queuedPage.next, ''],
      ['sent', elsewhere, ''],
      ['queued', Buffer.from('[1,2]').toString('base64url'), ''],
      [undefined, edited, ''],
      ['failed', queuedPage.next, ''],
      ['queued', otherState, ''],
      // From outside the search: DynamoDB refuses a start key outside the key condition.
      [undefined, unfiltered.next, 'page-11'],
      ['queued', queuedPage.next, 'page-11'],
    ] as const) {
      const page = deliveriesPage(api, mailing.mailingId, {
        ...(state ? { state } : {}),
        ...(q ? { q } : {}),
        limit: '2',
        cursor,
      });
      await expect(page).rejects.toMatchObject({
        status: 400,
        message: expect.stringContaining('cursor is not one this listing handed out'),
      });
    }
  });
});
