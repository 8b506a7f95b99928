import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { tick } from '../../functions/clock/tick.js';
import { type IntakeDeps, processIntakeRecord } from '../../functions/intake/process.js';
import type { Continuation } from '../../functions/mailing/internal.js';
import { INTERNAL_SOURCE } from '../../functions/mailing/internal.js';
import type { MailingState } from '../../functions/store/model.js';
import { openMailings } from '../../functions/store/open-mailings.js';
import { getDelivery, getMailing, transitionDelivery } from '../../functions/store/store.js';
import { DELIVERY_MOVES } from '../../functions/store/transitions.js';
import { useLocalStack } from './support/local-stack.js';
import { fixture, sendAndWait, storeOf } from './support/pipeline.js';
import { seedDelivery, seedMailing, seedRegistrations } from './support/seed.js';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** Issue 11, defect 9: finishing planning survives a crash, and the sweeper sees every open mailing. */
describe('planning and the lease sweeper', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  const cid = 'sweep-conf';

  function depsWith(db = store().db): IntakeDeps {
    return {
      ...store(),
      db,
      sqs: new SQSClient({ ...local, endpoint: stack.current.endpoints.sqs }),
      sendQueueUrl: stack.current.outputs.SendQueueUrl ?? '',
      intakeQueueUrl: stack.current.outputs.IntakeQueueUrl ?? '',
      intakeDlqUrl: stack.current.outputs.IntakeDlqUrl ?? '',
    };
  }

  const planMessage = (mailingId: string): string =>
    JSON.stringify({
      specversion: '1.0',
      id: `plan-${mailingId}`,
      source: INTERNAL_SOURCE,
      type: 'communique.mailing.continue',
      time: new Date().toISOString(),
      data: { mailingId, op: 'plan' },
    } satisfies Continuation);

  it('finishes planning on redelivery when the answer to the last cursor move was lost', async () => {
    const conference = fixture('conference.upserted');
    conference.data.conferenceId = cid;
    await sendAndWait(stack.current, conference);
    await seedRegistrations(store(), cid, 3, { prefix: 'plan' });
    const mailingId = 'plan-finish';
    await seedMailing(store(), {
      mailingId,
      conferenceId: cid,
      state: 'planning',
      plan: { phase: 'registrations', pages: 0 },
    });
    // The last page's cursor move reaches the table and takes effect; its answer never comes back.
    const raw = new DynamoDBClient({ ...local, endpoint: stack.current.endpoints.dynamodb });
    raw.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as {
          ExpressionAttributeValues?: Record<string, { M?: { phase?: { S?: string } } }>;
        };
        const result = await next(args);
        if (input.ExpressionAttributeValues?.[':next']?.M?.phase?.S === 'done') {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return result;
      },
      { step: 'build' },
    );
    const dying = depsWith(
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    );
    await expect(processIntakeRecord(dying, planMessage(mailingId), 'm-1')).rejects.toThrow('socket hang up');
    expect((await getMailing(store(), mailingId))?.plan.phase).toBe('done');
    // SQS redelivers the continuation: planning must end, not stay `planning` for ever.
    expect(await processIntakeRecord(depsWith(), planMessage(mailingId), 'm-1')).toBe('continued');
    const mailing = await getMailing(store(), mailingId);
    expect(mailing?.state).toBe('sending');
    expect(mailing?.total).toBe(3);
  });

  it.each<MailingState>(['planning', 'paused', 'cancelled', 'sending'])(
    'expires a dead send claim of a %s mailing',
    async (state) => {
      const mailingId = `sweep-${state}`;
      await seedMailing(store(), { mailingId, conferenceId: cid, state, plan: { phase: 'done', pages: 1 } });
      const contactKey = `dead-claim-${state}@example.org`;
      await seedDelivery(store(), { mailingId, conferenceId: cid }, contactKey, {
        givenName: 'Dead',
        familyName: 'Claim',
      });
      // A sender claimed it, got as far as SES (`submitting`) and died: the lease ran out long ago.
      await transitionDelivery(store(), mailingId, contactKey, DELIVERY_MOVES.claim, {
        set: { leaseUntil: Date.now() - 60_000, leaseOwner: 'a-sender-that-died', submitting: true },
      });
      const later = { ...depsWith(), now: () => new Date(Date.now() + 3_600_000) };
      const result = await tick(later, new Date(), { conference: [], session: [] });
      expect(result.leasesExpired).toBeGreaterThanOrEqual(1);
      expect((await getDelivery(store(), mailingId, contactKey))?.state).toBe('uncertain');
      // Still on the sweeper's list while it is not final (a paused one waits for `mailing resume`).
      if (state === 'paused')
        expect((await openMailings(store())).map((m) => m.mailingId)).toContain(mailingId);
    },
  );
});
