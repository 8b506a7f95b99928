import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affectedRegistrants,
  diffAgenda,
  EMPTY_AGENDA,
  mergeAgenda,
  type RegistrantRef,
  type Session,
  type SessionChange,
  type StoredAgenda,
} from '../../../functions/domain/agenda.js';
import { parseIntakeEvent } from '../../../functions/events/schemas.js';

/** The demo agenda (five sessions, two plenary), read through the real parser. */
function demoSessions(): Session[] {
  const body = readFileSync(new URL('../../fixtures/events/agenda.changed.json', import.meta.url), 'utf8');
  const result = parseIntakeEvent(body);
  if (!result.ok || result.event.type !== 'agenda.changed') throw new Error('agenda fixture does not parse');
  return result.event.data.sessions;
}

function edit(sessions: Session[], sessionId: string, changes: Partial<Session>): Session[] {
  return sessions.map((s) => (s.sessionId === sessionId ? { ...s, ...changes } : s));
}

function session(sessionId: string, overrides: Partial<Session> = {}): Session {
  return {
    sessionId,
    title: { en: `Session ${sessionId}` },
    start: '2022-10-18T09:00:00+05:00',
    end: '2022-10-18T10:00:00+05:00',
    room: 'Hall A',
    speakers: [],
    plenary: false,
    status: 'scheduled',
    ...overrides,
  };
}

const panelOnly: RegistrantRef = {
  contactKey: 'panel@example.org',
  sessions: ['panel-small-arms'],
  status: 'active',
};
const otherPanel: RegistrantRef = {
  contactKey: 'other@example.org',
  sessions: ['panel-border-cooperation'],
  status: 'active',
};
const cancelled: RegistrantRef = {
  contactKey: 'gone@example.org',
  sessions: ['panel-small-arms'],
  status: 'cancelled',
};
const registrants = [panelOnly, otherPanel, cancelled];

describe('diffAgenda', () => {
  it('finds no change between an agenda and itself', () => {
    // Prepare
    const sessions = demoSessions();

    // Act
    const changes = diffAgenda(sessions, structuredClone(sessions));

    // Assess
    expect(changes).toEqual([]);
  });

  it('reports a moved panel with its old and new times', () => {
    // Prepare
    const before = demoSessions();
    const after = edit(before, 'panel-small-arms', {
      start: '2022-10-19T11:30:00+05:00',
      end: '2022-10-19T13:00:00+05:00',
    });

    // Act
    const changes = diffAgenda(before, after);

    // Assess
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: 'updated',
      sessionId: 'panel-small-arms',
      fields: [
        { field: 'start', before: '2022-10-19T09:30:00+05:00', after: '2022-10-19T11:30:00+05:00' },
        { field: 'end', before: '2022-10-19T11:00:00+05:00', after: '2022-10-19T13:00:00+05:00' },
      ],
    });
  });

  it('reports room, status and title changes field by field', () => {
    // Prepare
    const before = demoSessions();
    const original = before.find((s) => s.sessionId === 'panel-foreign-terrorist-fighters');
    const after = edit(before, 'panel-foreign-terrorist-fighters', {
      room: 'Hall D',
      status: 'cancelled',
      title: { ...original?.title, en: original?.title.en ?? '', ru: 'Панель 2 (отменена)' },
    });

    // Act
    const [change] = diffAgenda(before, after);

    // Assess
    expect(change?.kind).toBe('updated');
    if (change?.kind !== 'updated') return;
    expect(change.fields.map((f) => f.field)).toEqual(['status', 'room', 'title']);
    expect(change.fields[0]).toEqual({ field: 'status', before: 'scheduled', after: 'cancelled' });
    expect(change.fields[1]).toEqual({ field: 'room', before: 'Hall C', after: 'Hall D' });
  });

  it('does not report the same instant written with another offset', () => {
    // Prepare: 09:30 in Dushanbe is 04:30 UTC.
    const before = demoSessions();
    const after = edit(before, 'opening-plenary', { start: '2022-10-18T04:30:00Z' });

    // Act
    const changes = diffAgenda(before, after);

    // Assess
    expect(changes).toEqual([]);
  });

  it('treats speakers as a set: reordering is not a change, replacing one is', () => {
    // Prepare
    const before = demoSessions();
    const speakers = before.find((s) => s.sessionId === 'opening-plenary')?.speakers ?? [];
    const reordered = edit(before, 'opening-plenary', { speakers: [...speakers].reverse() });
    const replaced = edit(before, 'opening-plenary', {
      speakers: [speakers[0] ?? '', 'Minister of Foreign Affairs'],
    });

    // Act
    const afterReorder = diffAgenda(before, reordered);
    const afterReplace = diffAgenda(before, replaced);

    // Assess
    expect(speakers.length).toBeGreaterThan(1);
    expect(afterReorder).toEqual([]);
    expect(afterReplace).toMatchObject([{ kind: 'updated', fields: [{ field: 'speakers' }] }]);
  });

  it('reports added and removed sessions, in chronological order', () => {
    // Prepare
    const before = [session('early', { start: '2022-10-18T08:00:00+05:00' }), session('late')];
    const after = [session('late'), session('new', { start: '2022-10-18T08:30:00+05:00' })];

    // Act
    const changes = diffAgenda(before, after);

    // Assess
    expect(changes.map((c) => [c.kind, c.sessionId])).toEqual([
      ['removed', 'early'],
      ['added', 'new'],
    ]);
  });
});

describe('affectedRegistrants', () => {
  it('tells only the registrants of a moved panel', () => {
    // Prepare
    const before = demoSessions();
    const changes = diffAgenda(
      before,
      edit(before, 'panel-small-arms', {
        start: '2022-10-19T10:00:00+05:00',
        end: '2022-10-19T11:30:00+05:00',
      }),
    );

    // Act
    const affected = affectedRegistrants(changes, registrants);

    // Assess
    expect([...affected.keys()]).toEqual(['panel@example.org']);
    expect(affected.get('panel@example.org')).toEqual(changes);
  });

  it('tells every active registrant about a plenary change, never a cancelled one', () => {
    // Prepare
    const before = demoSessions();
    const changes = diffAgenda(before, edit(before, 'closing-plenary', { room: 'Main hall' }));

    // Act
    const affected = affectedRegistrants(changes, registrants);

    // Assess
    expect([...affected.keys()].sort()).toEqual(['other@example.org', 'panel@example.org']);
  });

  it('tells registrants of a cancelled session', () => {
    // Prepare
    const before = demoSessions();
    const changes = diffAgenda(before, edit(before, 'panel-border-cooperation', { status: 'cancelled' }));

    // Act
    const affected = affectedRegistrants(changes, registrants);

    // Assess
    expect([...affected.keys()]).toEqual(['other@example.org']);
    expect(affected.get('other@example.org')?.[0]).toMatchObject({
      kind: 'updated',
      fields: [{ field: 'status', after: 'cancelled' }],
    });
  });

  it('tells nobody when nothing changed', () => {
    // Act
    const affected = affectedRegistrants(diffAgenda(demoSessions(), demoSessions()), registrants);

    // Assess
    expect(affected.size).toBe(0);
  });

  it('gives each person every change that concerns them, once, in agenda order', () => {
    // Prepare
    const before = demoSessions();
    let after = edit(before, 'panel-small-arms', { room: 'Hall E' });
    after = edit(after, 'opening-plenary', { room: 'Hall E' });
    after = edit(after, 'panel-border-cooperation', { room: 'Hall E' });
    const changes = diffAgenda(before, after);
    // The same person registered twice (two addresses casings, one contact key) is one person.
    const duplicate: RegistrantRef = { ...panelOnly, sessions: ['panel-small-arms', 'opening-plenary'] };

    // Act
    const affected = affectedRegistrants(changes, [panelOnly, duplicate, otherPanel]);

    // Assess
    expect(affected.get('panel@example.org')?.map((c) => c.sessionId)).toEqual([
      'opening-plenary',
      'panel-small-arms',
    ]);
    expect(affected.get('other@example.org')?.map((c) => c.sessionId)).toEqual([
      'opening-plenary',
      'panel-border-cooperation',
    ]);
  });

  it('tells everyone about a new plenary, registrants about a new panel, nobody about one born cancelled', () => {
    // Prepare
    const changes: SessionChange[] = [
      { kind: 'added', sessionId: 'press-briefing', after: session('press-briefing', { plenary: true }) },
      { kind: 'added', sessionId: 'side-event', after: session('side-event') },
      {
        kind: 'added',
        sessionId: 'dropped',
        after: session('dropped', { plenary: true, status: 'cancelled' }),
      },
    ];
    const early: RegistrantRef = {
      contactKey: 'early@example.org',
      sessions: ['side-event'],
      status: 'active',
    };

    // Act
    const affected = affectedRegistrants(changes, [early, otherPanel]);

    // Assess
    expect(affected.get('early@example.org')?.map((c) => c.sessionId)).toEqual([
      'press-briefing',
      'side-event',
    ]);
    expect(affected.get('other@example.org')?.map((c) => c.sessionId)).toEqual(['press-briefing']);
  });

  it('tells nobody about edits to a session that was and stays cancelled', () => {
    // Prepare
    const before = edit(demoSessions(), 'panel-small-arms', { status: 'cancelled' });
    const changes = diffAgenda(before, edit(before, 'panel-small-arms', { room: 'Hall Z' }));

    // Act
    const affected = affectedRegistrants(changes, registrants);

    // Assess
    expect(changes).toHaveLength(1);
    expect(affected.size).toBe(0);
  });

  it('tells everyone when a panel becomes plenary', () => {
    // Prepare
    const before = demoSessions();
    const changes = diffAgenda(before, edit(before, 'panel-small-arms', { plenary: true }));

    // Act
    const affected = affectedRegistrants(changes, registrants);

    // Assess
    expect([...affected.keys()].sort()).toEqual(['other@example.org', 'panel@example.org']);
  });
});

describe('mergeAgenda', () => {
  it('adds every session of the first version and reports them as added', () => {
    // Act
    const merge = mergeAgenda(EMPTY_AGENDA, demoSessions(), 1);

    // Assess
    expect(merge.agenda.version).toBe(1);
    expect(merge.agenda.sessions.map((s) => [s.sessionId, s.version])).toEqual([
      ['opening-plenary', 1],
      ['panel-border-cooperation', 1],
      ['panel-foreign-terrorist-fighters', 1],
      ['panel-small-arms', 1],
      ['closing-plenary', 1],
    ]);
    expect(merge.changes.every((c) => c.kind === 'added')).toBe(true);
  });

  it('keeps sessions a newer version does not list (upsert), and replaces those it lists', () => {
    // Prepare
    const v1 = mergeAgenda(EMPTY_AGENDA, demoSessions(), 1).agenda;
    const moved = session('panel-small-arms', { room: 'Hall E' });

    // Act
    const merge = mergeAgenda(v1, [moved], 2);

    // Assess
    expect(merge.agenda.version).toBe(2);
    expect(merge.agenda.sessions).toHaveLength(5);
    expect(merge.agenda.sessions.find((s) => s.sessionId === 'panel-small-arms')).toEqual({
      ...moved,
      version: 2,
    });
    expect(merge.changes.map((c) => c.sessionId)).toEqual(['panel-small-arms']);
  });

  it('ignores a session from a version older than the stored one', () => {
    // Prepare
    const v2 = mergeAgenda(EMPTY_AGENDA, [session('a', { room: 'Hall B' })], 2).agenda;

    // Act
    const merge = mergeAgenda(v2, [session('a', { room: 'Hall A' })], 1);

    // Assess
    expect(merge.stale).toEqual(['a']);
    expect(merge.changes).toEqual([]);
    expect(merge.agenda).toEqual(v2);
  });

  it('changes nothing when the same version is delivered again', () => {
    // Prepare
    const once = mergeAgenda(EMPTY_AGENDA, demoSessions(), 3).agenda;

    // Act
    const twice = mergeAgenda(once, demoSessions(), 3);

    // Assess
    expect(twice.agenda).toEqual(once);
    expect(twice.changes).toEqual([]);
  });

  it("converges to the same agenda for v1 {A, B} and v2 {A'} in either order", () => {
    // Prepare
    const v1 = [session('a'), session('b')];
    const v2 = [session('a', { room: 'Hall B' })];

    // Act
    const inOrder = mergeAgenda(mergeAgenda(EMPTY_AGENDA, v1, 1).agenda, v2, 2).agenda;
    const reversed = mergeAgenda(mergeAgenda(EMPTY_AGENDA, v2, 2).agenda, v1, 1).agenda;

    // Assess
    expect(reversed).toEqual(inOrder);
    expect(inOrder.sessions.map((s) => [s.sessionId, s.room])).toEqual([
      ['a', 'Hall B'],
      ['b', 'Hall A'],
    ]);
  });

  it('converges whatever the delivery order, duplicates and version ties (property)', () => {
    const sessionArb = fc.record({
      sessionId: fc.constantFrom('a', 'b', 'c', 'd'),
      hour: fc.integer({ min: 9, max: 16 }),
      room: fc.constantFrom('Hall A', 'Hall B'),
      plenary: fc.boolean(),
      status: fc.constantFrom('scheduled' as const, 'cancelled' as const),
    });
    const eventArb = fc.record({
      version: fc.integer({ min: 1, max: 5 }),
      sessions: fc.uniqueArray(sessionArb, { selector: (s) => s.sessionId, maxLength: 4 }),
    });
    const toSessions = (event: { sessions: { sessionId: string; hour: number; room: string }[] }) =>
      event.sessions.map(({ hour, ...fields }) => {
        const hh = String(hour).padStart(2, '0');
        return session(fields.sessionId, {
          ...fields,
          start: `2022-10-18T${hh}:00:00+05:00`,
          end: `2022-10-18T${hh}:45:00+05:00`,
        });
      });
    const scenario = fc
      .array(eventArb, { minLength: 1, maxLength: 6 })
      .chain((events) =>
        fc.tuple(
          fc.constant(events),
          fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }),
        ),
      );

    fc.assert(
      fc.property(scenario, ([events, delivered]) => {
        const apply = (list: typeof events): StoredAgenda =>
          list.reduce((agenda, e) => mergeAgenda(agenda, toSessions(e), e.version).agenda, EMPTY_AGENDA);
        expect(apply(delivered)).toEqual(apply(events));
      }),
      { numRuns: 500 },
    );
  });
});
