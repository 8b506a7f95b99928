import { describe, expect, it } from 'vitest';
import { processIntakeRecord } from '../../functions/intake/process.js';
import { getRegistrationById, listRejections } from '../../functions/store/store.js';
import { hookedDb } from './support/hooked-db.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { fixture, freshId, intakeDepsOf, sendAndWait, storeOf } from './support/pipeline.js';

/**
 * Issue 11: every DLQ entry has a recorded reason. The intake's DLQ parks rejected events (each
 * recorded with its reason); what the intake gave up on after its last receive is recorded too,
 * before that receive runs, since an invocation that times out records nothing after.
 */
describe('the intake’s last receive', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  const cid = 'dushanbe-2022';
  const last = { count: 5, max: 5 };

  const depsWith = (db = store().db) => intakeDepsOf(stack.current, db);
  const registration = (name: string) => {
    const event = fixture('registration.created');
    event.id = freshId(name);
    Object.assign(event.data, { registrationId: `reg-${name}` });
    Object.assign(event.data.person as object, { email: `${name}@example.org` });
    return event;
  };
  const gaveUp = async (eventId: string) =>
    (await listRejections(store(), 1000)).filter((r) => r.eventId === eventId && r.code === 'gave_up');

  it('records why a last receive failed, before the queue parks the event in its DLQ', async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    const event = registration('last-denied');
    const denied = hookedDb(stack.current, async ({ name, input, next }) => {
      if (name === 'GetItemCommand' && input.includes('"CONF#'))
        throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
      return next();
    });
    await expect(
      processIntakeRecord(depsWith(denied), JSON.stringify(event), 'm-last-denied', last),
    ).rejects.toThrow('not authorized');
    const [record, ...more] = await gaveUp(event.id);
    expect(more).toEqual([]);
    expect(record?.reason).toMatch(
      /^the intake did not finish it in 4 receives; its last receive began at .* and failed: AccessDeniedException: User is not authorized$/,
    );
    expect(record?.sqsMessageId).toBe('m-last-denied');
  });

  it('has the reason recorded while a last receive is still running (it may time out)', async () => {
    const event = registration('last-hung');
    let hung = false;
    const hanging = hookedDb(stack.current, async ({ name, input, next }) => {
      if (name === 'GetItemCommand' && input.includes('"CONF#')) {
        hung = true;
        return new Promise(() => undefined);
      }
      return next();
    });
    void processIntakeRecord(depsWith(hanging), JSON.stringify(event), 'm-last-hung', last);
    const [record] = await eventually(
      async () => ((await gaveUp(event.id)).length > 0 && hung ? gaveUp(event.id) : undefined),
      {
        what: 'the last receive recorded',
      },
    );
    expect(record?.reason).toMatch(
      /its last receive began at .*\. If it is in the intake DLQ, that one did not finish either: it timed out or the function died/,
    );
  });

  it('keeps the record of the receive before the last when the last dies writing its own', async () => {
    const event = registration('last-died');
    const failing = hookedDb(stack.current, async ({ name, input, next }) => {
      if (name === 'GetItemCommand' && input.includes('"CONF#'))
        throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
      return next();
    });
    await expect(
      processIntakeRecord(depsWith(failing), JSON.stringify(event), 'm-last-died', { count: 4, max: 5 }),
    ).rejects.toThrow('Internal server error');
    // The last receive: the function dies at its first write, the record (nothing comes back).
    let died = false;
    const dying = hookedDb(stack.current, async ({ name, input, next }) => {
      if (name === 'PutItemCommand' && input.includes('REJECTION#')) {
        died = true;
        return new Promise(() => undefined);
      }
      return next();
    });
    void processIntakeRecord(depsWith(dying), JSON.stringify(event), 'm-last-died', last);
    await eventually(async () => died || undefined, { what: 'the last receive died writing' });
    const [record, ...more] = await gaveUp(event.id);
    expect(more).toEqual([]);
    expect(record?.reason).toMatch(
      /^the intake did not finish it in 3 receives; receive 4 of 5 began at .* and failed: InternalServerError: Internal server error$/,
    );
  });

  it('takes its record back when the last receive applies the event after all', async () => {
    const event = registration('last-applied');
    expect(await processIntakeRecord(depsWith(), JSON.stringify(event), 'm-last-applied', last)).toBe(
      'applied',
    );
    expect((await getRegistrationById(store(), cid, 'reg-last-applied'))?.status).toBe('active');
    expect(await gaveUp(event.id)).toEqual([]);
  });
});
