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
import { seedRegistrations } from './support/seed.js';

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
});
