import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { AgendaRow, ConferenceRow, PressRow, RegistrationRow } from '../../functions/store/model.js';
import {
  getAgenda,
  getConference,
  getRegistration,
  listRejections,
  sessionMembers,
} from '../../functions/store/store.js';
import { invalidCases } from '../unit/events/fixtures.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { fixture, freshId, sendAndWait, sendEvent, storeOf } from './support/pipeline.js';

describe('intake on the embedded stack', () => {
  const stack = useLocalStack();
  const store = () => storeOf(stack.current);
  const cid = 'dushanbe-2022';

  it('projects the conference, the agenda, registrations and press contacts from the fixtures', async () => {
    for (const type of [
      'conference.upserted',
      'agenda.changed',
      'registration.created',
      'press-contact.upserted',
    ]) {
      await sendAndWait(stack.current, fixture(type));
    }
    const conference = (await getConference(store(), cid)) as ConferenceRow;
    expect(conference.timeZone).toBe('Asia/Dushanbe');
    expect(conference.name.ru).toBeTruthy();
    const agenda = (await getAgenda(store(), cid)) as AgendaRow;
    expect(agenda.version).toBe(fixture('agenda.changed').data.version);
    expect(agenda.sessions.map((s) => s.sessionId)).toContain('opening-plenary');
    const reg = (await getRegistration(store(), cid, 'f.karimov@example.org')) as RegistrationRow;
    expect(reg).toMatchObject({
      registrationId: 'reg-0001',
      role: 'delegate',
      language: 'ru',
      status: 'active',
    });
    expect(await sessionMembers(store(), cid, 'panel-border-cooperation')).toEqual(['f.karimov@example.org']);
    const press = fixture('press-contact.upserted');
    const { Item } = await store().db.send(
      new GetCommand({
        TableName: store().table,
        Key: { pk: `CONF#${cid}`, sk: `PRESS#${String(press.data.email).toLowerCase()}` },
      }),
    );
    expect((Item as PressRow).role).toBe('press');
  });

  it('applies a redelivered event once', async () => {
    const event = fixture('registration.updated');
    await sendAndWait(stack.current, event);
    const before = (await getRegistration(store(), cid, 'f.karimov@example.org')) as RegistrationRow & {
      updatedAt: string;
    };
    await sendEvent(stack.current, event);
    // A later event proves the redelivery was consumed before we look again.
    const marker = { ...fixture('press-contact.upserted'), id: freshId() };
    await sendAndWait(stack.current, marker);
    const after = (await getRegistration(store(), cid, 'f.karimov@example.org')) as RegistrationRow & {
      updatedAt: string;
    };
    expect(after.updatedAt).toBe(before.updatedAt);
  });

  it('treats two registrations differing only in address case as one contact', async () => {
    const a = fixture('registration.created');
    a.id = freshId();
    Object.assign(a.data, { registrationId: 'reg-case-1' });
    Object.assign(a.data.person as object, { email: 'Case.Person@Example.ORG' });
    const b = fixture('registration.created');
    b.id = freshId();
    b.time = '2022-09-21T10:00:00+05:00';
    Object.assign(b.data, { registrationId: 'reg-case-2' });
    Object.assign(b.data.person as object, { email: 'case.person@example.org', givenName: 'Later' });
    await sendAndWait(stack.current, a);
    await sendAndWait(stack.current, b);
    const { Items } = await store().db.send(
      new QueryCommand({
        TableName: store().table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': `CONF#${cid}`, ':p': 'REG#case.person@' },
      }),
    );
    expect(Items).toHaveLength(1);
    expect((Items ?? [])[0]).toMatchObject({ givenName: 'Later' });
  });

  it('converges to the same agenda whatever order versions arrive in', async () => {
    const base = fixture('agenda.changed');
    const sessions = base.data.sessions as { sessionId: string; room: string }[];
    const v10 = {
      ...base,
      id: freshId(),
      data: { ...base.data, version: 10, sessions: sessions.map((s) => ({ ...s, room: 'Room v10' })) },
    };
    const v11 = {
      ...base,
      id: freshId(),
      data: {
        ...base.data,
        version: 11,
        sessions: sessions.slice(0, 1).map((s) => ({ ...s, room: 'Room v11' })),
      },
    };
    await sendAndWait(stack.current, v11);
    await sendAndWait(stack.current, v10);
    const agenda = (await getAgenda(store(), cid)) as AgendaRow;
    expect(agenda.version).toBe(11);
    const rooms = Object.fromEntries(agenda.sessions.map((s) => [s.sessionId, s.room]));
    expect(rooms[sessions[0]?.sessionId ?? '']).toBe('Room v11');
    for (const s of sessions.slice(1)) expect(rooms[s.sessionId]).toBe('Room v10');
  });

  it('records one readable rejection per malformed event and applies none of them', async () => {
    const dir = path.resolve('test/fixtures/events/invalid');
    // SQS refuses an empty body, so that case cannot reach the queue at all.
    const cases = invalidCases().filter((c) => readFileSync(path.join(dir, c.file), 'utf8').length > 0);
    const before = (await listRejections(store(), 1000)).length;
    for (const c of cases) await sendEvent(stack.current, readFileSync(path.join(dir, c.file), 'utf8'));
    const unknownConference = fixture('registration.created');
    unknownConference.id = freshId();
    unknownConference.data.conferenceId = 'no-such-conference';
    await sendEvent(stack.current, unknownConference);
    const rejections = await eventually(
      async () => {
        const all = await listRejections(store(), 1000);
        return all.length - before >= cases.length + 1 ? all : undefined;
      },
      { what: 'all rejections recorded', timeoutMs: 30_000 },
    );
    expect(rejections.length - before).toBe(cases.length + 1);
    for (const c of cases) {
      expect(
        rejections.some((r) => r.reason.includes(c.reason)),
        `${c.file}: ${c.reason}`,
      ).toBe(true);
    }
    const unknown = rejections.find((r) => r.eventId === unknownConference.id);
    expect(unknown?.reason).toMatch(/conference "no-such-conference" is unknown/);
    expect(await getConference(store(), 'no-such-conference')).toBeUndefined();
  });
});
