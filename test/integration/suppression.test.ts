/**
 * The suppression rule end to end (DESIGN.md): a hard bounce stops all mail to an address,
 * transactional included, until an organizer lifts it; a complaint or an unsubscribe stops bulk
 * mail only. Each case injects the suppression that would break the rule if it were applied the
 * other way, and reads the delivery the real sender recorded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { contactKeyOf } from '../../functions/events/email.js';
import { liftSuppressionEntry } from '../../functions/feedback/operations.js';
import { getDelivery, putSuppression, type StoreDeps } from '../../functions/store/store.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, freshId, sendAndWait, storeOf } from './support/pipeline.js';

const cid = 'dushanbe-2022';

describe('suppression on the embedded stack', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '2000' } });
  const store = (): StoreDeps => storeOf(stack.current);

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
  });

  async function register(registrationId: string, email: string): Promise<string> {
    const event = fixture('registration.created');
    event.id = freshId('reg');
    event.data.registrationId = registrationId;
    (event.data.person as Record<string, unknown>).email = email;
    await sendAndWait(stack.current, event);
    return `confirmation-${cid}-${registrationId}`;
  }

  const settled = (mailingId: string, email: string) =>
    eventually(
      async () => {
        const row = await getDelivery(store(), mailingId, contactKeyOf(email));
        return row && !['queued', 'sending'].includes(row.state) ? row : undefined;
      },
      { what: `${mailingId} settled` },
    );

  it('a hard bounce stops a confirmation (transactional), and lifting it lets mail through again', async () => {
    const email = 'hard.bounce@example.org';
    await putSuppression(store(), {
      contactKey: contactKeyOf(email),
      email,
      scope: 'GLOBAL',
      reason: 'bounce',
      detail: 'Permanent/General',
    });
    const blocked = await settled(await register('sup-bounce-1', email), email);
    expect(blocked.state).toBe('suppressed');
    expect(blocked.reason).toMatch(/bounce.*all mail/);
    expect(acceptedFor(stack.current, blocked.mailingId)).toHaveLength(0);

    await liftSuppressionEntry(store(), { email, scope: 'GLOBAL', by: 'test', why: 'address fixed' });
    const after = await settled(await register('sup-bounce-2', email), email);
    expect(after.state).not.toBe('suppressed');
    expect(acceptedFor(stack.current, after.mailingId).flatMap((m) => m.destinations)).toEqual([email]);
  });

  it.each(['complaint', 'unsubscribe', 'manual'] as const)(
    'a %s does not stop a confirmation (transactional)',
    async (reason) => {
      const email = `${reason}.only@example.org`;
      await putSuppression(store(), { contactKey: contactKeyOf(email), email, scope: 'GLOBAL', reason });
      const row = await settled(await register(`sup-${reason}`, email), email);
      expect(row.state).not.toBe('suppressed');
      expect(acceptedFor(stack.current, row.mailingId).flatMap((m) => m.destinations)).toEqual([email]);
    },
  );
});
