/**
 * An organizer's resend of failed deliveries runs a page (100) per intake message. Found by a
 * hostile review: each page read the first failed rows again, so a delivery resent on the first
 * page that failed again before the second was resent twice by one request. Pages run here
 * straight from their continuations, on queues of the test's own, so that nothing else sends.
 */
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { continuationSchema } from '../../functions/mailing/internal.js';
import { resendDeliveries } from '../../functions/mailing/operations.js';
import { type PipelineDeps, requeuePage } from '../../functions/mailing/plan.js';
import { countPlanned, listDeliveries, transitionDelivery } from '../../functions/store/store.js';
import { DELIVERY_MOVES } from '../../functions/store/transitions.js';
import { useLocalStack } from './support/local-stack.js';
import { storeOf } from './support/pipeline.js';
import { seedDelivery, seedMailing } from './support/seed.js';

const cid = 'resend-conf';

describe('`mailing resend` over more than one page', () => {
  const stack = useLocalStack({ sesEvents: false });

  async function queue(name: string): Promise<string> {
    const { QueueUrl } = await stack.current.clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`no queue ${name}`);
    return QueueUrl;
  }

  /** Every message on `url` now, removed from it. */
  async function drain(url: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await stack.current.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return bodies;
      for (const m of Messages) {
        bodies.push(m.Body ?? '');
        await stack.current.clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }),
        );
      }
    }
  }

  it('resends each failed delivery once per request, also when a page is redelivered', async () => {
    const deps: PipelineDeps = {
      ...storeOf(stack.current),
      sqs: stack.current.clients.sqs,
      sendQueueUrl: await queue('resend-jobs'),
      intakeQueueUrl: await queue('resend-continuations'),
    };
    const mailingId = 'resend-150';
    await seedMailing(deps, { mailingId, conferenceId: cid, state: 'complete' });
    const keys = Array.from({ length: 150 }, (_, i) => `resend-${String(i).padStart(3, '0')}@example.org`);
    for (const key of keys) {
      await seedDelivery(deps, { mailingId, conferenceId: cid }, key);
      await transitionDelivery(deps, mailingId, key, DELIVERY_MOVES.fail, { set: { reason: 'test' } });
    }
    await countPlanned(deps, mailingId, keys.length);
    const resentKeys: string[] = [];
    const jobs = async () => {
      for (const body of await drain(deps.sendQueueUrl)) resentKeys.push(JSON.parse(body).contactKey);
    };
    const continuation = async () => {
      const [body, ...others] = await drain(deps.intakeQueueUrl);
      expect(others).toEqual([]);
      return continuationSchema.parse(JSON.parse(body ?? '')).data;
    };
    const run = (c: Awaited<ReturnType<typeof continuation>>) =>
      requeuePage(deps, mailingId, c.states ?? ['failed'], c.requestedBy, c.cursor, c.resendId);

    await resendDeliveries(deps, mailingId, ['failed'], 'organizer@example.org');
    const first = await continuation();
    expect(await run(first)).toBe('more');
    await jobs();
    expect(resentKeys).toHaveLength(100);
    // One of them is sent and fails again before the next page runs.
    const again = resentKeys[0] ?? '';
    await transitionDelivery(deps, mailingId, again, DELIVERY_MOVES.fail, {
      set: { reason: 'failed again' },
    });
    const second = await continuation();
    expect(await run(second)).toBe('done');
    await jobs();
    // The second page's message comes again (its invocation died after its work), and one of the
    // deliveries it resent has failed again meanwhile: this request does not resend it either.
    const late = resentKeys[100] ?? '';
    await transitionDelivery(deps, mailingId, late, DELIVERY_MOVES.fail, { set: { reason: 'failed again' } });
    expect(await run(second)).toBe('done');
    await jobs();

    expect(resentKeys.sort()).toEqual(keys);
    const rows = await listDeliveries(deps, mailingId, 'failed');
    expect(rows.map((r) => r.contactKey).sort()).toEqual([again, late].sort());
  });
});
