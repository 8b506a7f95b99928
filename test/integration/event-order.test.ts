import { describe, expect, it } from 'vitest';
import type { ConferenceRow, RegistrationRow } from '../../functions/store/model.js';
import {
  getConference,
  getMailing,
  getRegistrationById,
  listRejections,
} from '../../functions/store/store.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, freshId, mailingRequest, sendAndWait, storeOf } from './support/pipeline.js';

/** Issue 11, defects 7 and 8: "latest event wins" by instant, and mail follows only what the store accepted. */
describe('out-of-order events', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  const cid = 'dushanbe-2022';

  function registration(
    type: 'registration.created' | 'registration.updated' | 'registration.cancelled',
    registrationId: string,
    time: string,
    givenName = 'Given',
  ) {
    const event = fixture(type);
    event.id = freshId(type);
    event.time = time;
    Object.assign(event.data, { registrationId, sessions: ['opening-plenary'] });
    Object.assign(event.data.person as object, { email: `${registrationId}@example.org`, givenName });
    return event;
  }

  it('compares event times as instants, not as strings (offsets and fractions)', async () => {
    const later = { ...fixture('conference.upserted'), id: freshId(), time: '2022-09-20T09:00:00Z' };
    later.data = { ...later.data, website: 'https://later.example.org' };
    // 12:00 at UTC+5 is 07:00Z: two hours earlier, though it sorts later as text.
    const earlier = { ...fixture('conference.upserted'), id: freshId(), time: '2022-09-20T12:00:00+05:00' };
    earlier.data = { ...earlier.data, website: 'https://earlier.example.org' };
    await sendAndWait(stack.current, later);
    await sendAndWait(stack.current, earlier);
    expect(((await getConference(store(), cid)) as ConferenceRow).website).toBe('https://later.example.org');

    // 10:00:10.500Z is half a second after 10:00:10Z, though "." sorts before "Z".
    await sendAndWait(
      stack.current,
      registration('registration.created', 'reg-fraction', '2022-09-21T10:00:00Z', 'First'),
    );
    await sendAndWait(
      stack.current,
      registration('registration.updated', 'reg-fraction', '2022-09-21T10:00:10.500Z', 'Newest'),
    );
    await sendAndWait(
      stack.current,
      registration('registration.updated', 'reg-fraction', '2022-09-21T10:00:10Z', 'Older'),
    );
    const row = (await getRegistrationById(store(), cid, 'reg-fraction')) as RegistrationRow;
    expect(row.givenName).toBe('Newest');
    expect(row.eventTime).toBe('2022-09-21T10:00:10.500Z');
  });

  it('sends no cancellation when the cancellation is older than the registration’s latest update', async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    const created = registration('registration.created', 'reg-late-cancel', '2022-09-21T10:00:00Z');
    await sendAndWait(stack.current, created);
    await eventually(
      async () =>
        acceptedFor(stack.current, `confirmation-${cid}-reg-late-cancel`).length > 0 ? true : undefined,
      { what: 'the confirmation' },
    );
    await sendAndWait(
      stack.current,
      registration('registration.updated', 'reg-late-cancel', '2022-09-23T10:00:00Z', 'Updated'),
    );
    // Produced before the update, delivered after it: the update wins, so nothing is cancelled.
    await sendAndWait(
      stack.current,
      registration('registration.cancelled', 'reg-late-cancel', '2022-09-22T10:00:00Z'),
    );
    const row = (await getRegistrationById(store(), cid, 'reg-late-cancel')) as RegistrationRow;
    expect(row.status).toBe('active');
    expect(row.givenName).toBe('Updated');
    expect(await getMailing(store(), `cancellation-${cid}-reg-late-cancel`)).toBeUndefined();
  });

  it('sends no confirmation for a registration.created that arrives after a newer cancellation', async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    const created = registration('registration.created', 'reg-cancel-first', '2022-09-21T10:00:00Z');
    // The registration system's cancellation overtook its creation on the queue.
    const cancelled = registration('registration.cancelled', 'reg-cancel-first', '2022-09-22T10:00:00Z');
    const updated = registration('registration.updated', 'reg-cancel-first', '2022-09-21T11:00:00Z');
    await sendAndWait(stack.current, updated);
    await sendAndWait(stack.current, cancelled);
    await sendAndWait(stack.current, created);
    const row = (await getRegistrationById(store(), cid, 'reg-cancel-first')) as RegistrationRow;
    expect(row.status).toBe('cancelled');
    expect(await getMailing(store(), `confirmation-${cid}-reg-cancel-first`)).toBeUndefined();
  });

  it('keeps a mailing cancelled whose cancellation overtook its request (nothing is sent)', async () => {
    // Found by a hostile review: the cancel was rejected as "unknown mailing", and the request
    // that arrived after it sent the whole mailing.
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(
      stack.current,
      registration('registration.created', 'reg-early', '2022-09-21T10:00:00Z'),
    );
    const mailingId = freshId('cancel-first');
    const cancel = fixture('mailing.cancelled');
    cancel.id = freshId('cancel');
    cancel.data = { conferenceId: cid, mailingId, requestedBy: 'organizer@example.org' };
    await sendAndWait(stack.current, cancel);
    const request = mailingRequest(
      mailingId,
      { roles: ['delegate'] },
      {
        kind: 'announcement',
        content: { subject: { en: 'Practical information' }, body: { en: 'Badges at the **venue**.' } },
      },
    );
    await sendAndWait(stack.current, request);
    const mailing = (await getMailing(store(), mailingId)) as Record<string, unknown> | undefined;
    expect(mailing?.state).toBe('cancelled');
    expect(mailing?.cancelledBy).toBe('organizer@example.org');
    expect(mailing?.cancelledBeforeRequest).toBe(true);
    expect(mailing?.total).toBe(0);
    const rejected = await listRejections(store(), 100);
    expect(rejected.filter((r) => r.eventId === cancel.id || r.eventId === request.id)).toEqual([]);
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(0);
  });
});
