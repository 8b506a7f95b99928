import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createMailing, getMailing, listDeliveries, listRejections } from '../../functions/store/store.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { fixture, freshId, mailingRequest, sendAndWait, sendEvent, storeOf } from './support/pipeline.js';

/** Issue 11, defect 6: mailing ids the pipeline derives cannot be taken by a request; dry runs are never sent. */
describe('reserved mailing ids', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  const cid = 'dushanbe-2022';
  const dlqBodies: string[] = [];

  async function rejectionOf(eventId: string) {
    return eventually(async () => (await listRejections(store(), 1000)).find((r) => r.eventId === eventId), {
      what: `rejection of ${eventId}`,
    });
  }

  async function parked(eventId: string): Promise<void> {
    await eventually(
      async () => {
        const { Messages } = await stack.current.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: stack.current.outputs.IntakeDlqUrl,
            MaxNumberOfMessages: 10,
          }),
        );
        dlqBodies.push(...(Messages ?? []).map((m) => m.Body ?? ''));
        return dlqBodies.some((b) => b.includes(eventId)) ? true : undefined;
      },
      { what: `${eventId} parked in the intake DLQ` },
    );
  }

  it.each([
    `confirmation-${cid}-reg-squat`,
    `cancellation-${cid}-reg-squat`,
    `agenda-${cid}-v99`,
    `reminder-${cid}-conference-P1D`,
    `Confirmation-${cid}-reg-squat`,
  ])(
    'rejects a mailing.requested (dry run) that takes the derived id %s, with a reason',
    async (mailingId) => {
      await sendAndWait(stack.current, fixture('conference.upserted'));
      const squat = mailingRequest(mailingId, { roles: ['delegate'] }, { dryRun: true });
      await sendEvent(stack.current, squat);
      const rejection = await rejectionOf(squat.id);
      expect(rejection.code).toBe('reserved_mailing_id');
      expect(rejection.reason).toMatch(/data\.mailingId: .* reserved/);
      await parked(squat.id);
      expect(await getMailing(store(), mailingId)).toBeUndefined();
    },
  );

  it('confirms a registration with its own mailing after a squatting attempt', async () => {
    const squat = mailingRequest(`confirmation-${cid}-reg-squat2`, {}, { dryRun: true });
    await sendEvent(stack.current, squat);
    await rejectionOf(squat.id);
    const registration = fixture('registration.created');
    registration.id = freshId();
    Object.assign(registration.data, { registrationId: 'reg-squat2' });
    Object.assign(registration.data.person as object, { email: 'squat2@example.org' });
    await sendAndWait(stack.current, registration);
    const mailing = await getMailing(store(), `confirmation-${cid}-reg-squat2`);
    expect(mailing).toMatchObject({ kind: 'confirmation', conferenceId: cid, state: 'sending' });
    expect(mailing?.requestedBy).not.toBe('test@example.org');
  });

  it('rejects reusing a mailing id for another kind', async () => {
    const first = mailingRequest('reuse-kind', { roles: ['delegate'] }, { dryRun: true });
    await sendAndWait(stack.current, first);
    const other = mailingRequest(
      'reuse-kind',
      { roles: ['delegate'] },
      { kind: 'announcement', content: { subject: { en: 'S' }, body: { en: 'B' } } },
    );
    await sendEvent(stack.current, other);
    const rejection = await rejectionOf(other.id);
    expect(rejection.code).toBe('duplicate_mailing');
    expect(rejection.reason).toMatch(/invitation/);
    expect((await getMailing(store(), 'reuse-kind'))?.state).toBe('dry-run');
  });

  it('never attaches a delivery to a dry run holding a derived id (written before ids were reserved)', async () => {
    const mailingId = `confirmation-${cid}-reg-legacy`;
    await createMailing(store(), {
      mailingId,
      conferenceId: cid,
      kind: 'announcement',
      audience: {},
      state: 'dry-run',
      requestedBy: 'squatter@example.net',
      plan: { phase: 'registrations', pages: 0 },
    });
    const registration = fixture('registration.created');
    registration.id = freshId();
    Object.assign(registration.data, { registrationId: 'reg-legacy' });
    Object.assign(registration.data.person as object, { email: 'legacy@example.org' });
    await sendEvent(stack.current, registration);
    const rejection = await rejectionOf(registration.id);
    expect(rejection.code).toBe('mailing_id_taken');
    expect(await listDeliveries(store(), mailingId)).toEqual([]);
  });
});
