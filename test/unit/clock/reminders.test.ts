import { describe, expect, it } from 'vitest';
import { dueReminders, durationMs, zonedMidnight } from '../../../functions/clock/tick.js';

const conference = { conferenceId: 'dushanbe-2022', start: '2022-10-18', timeZone: 'Asia/Dushanbe' };
const sessions = [
  { sessionId: 'opening', start: '2022-10-18T09:00:00+05:00', status: 'scheduled' },
  { sessionId: 'panel', start: '2022-10-18T14:00:00+05:00', status: 'scheduled' },
  { sessionId: 'dropped', start: '2022-10-18T16:00:00+05:00', status: 'cancelled' },
];
const offsets = { conference: ['P7D', 'P1D'], session: ['PT1H'] };
const at = (iso: string) => Date.parse(iso);

describe('durationMs', () => {
  it('reads days, hours and minutes', () => {
    expect(durationMs('P7D')).toBe(7 * 86_400_000);
    expect(durationMs('PT1H')).toBe(3_600_000);
    expect(durationMs('P1DT2H30M')).toBe(86_400_000 + 9_000_000);
  });
  it('refuses what it cannot read', () => {
    expect(() => durationMs('1 hour')).toThrow(RangeError);
    expect(() => durationMs('P')).toThrow(RangeError);
  });
});

describe('zonedMidnight', () => {
  it('is 19:00 UTC the day before in Dushanbe (UTC+5)', () => {
    expect(new Date(zonedMidnight('2022-10-18', 'Asia/Dushanbe')).toISOString()).toBe(
      '2022-10-17T19:00:00.000Z',
    );
  });
});

describe('dueReminders', () => {
  it('is quiet before the first offset', () => {
    expect(dueReminders(conference, sessions, offsets, at('2022-10-10T00:00:00+05:00'))).toEqual([]);
  });

  it('sends the 7-day reminder a week before the opening session, in the venue time zone', () => {
    const due = dueReminders(conference, sessions, offsets, at('2022-10-11T09:00:00+05:00'));
    expect(due).toEqual([
      { mailingId: 'reminder-dushanbe-2022-conference-P7D', target: 'conference', offset: 'P7D' },
    ]);
  });

  it('sends only the nearest conference reminder when the clock jumps past several', () => {
    const due = dueReminders(conference, sessions, offsets, at('2022-10-17T10:00:00+05:00'));
    expect(due.map((d) => d.mailingId)).toEqual(['reminder-dushanbe-2022-conference-P1D']);
  });

  it('reminds an hour before each scheduled session, never for a cancelled one or after the start', () => {
    const due = dueReminders(conference, sessions, offsets, at('2022-10-18T13:30:00+05:00'));
    expect(due.map((d) => d.mailingId)).toEqual(['reminder-dushanbe-2022-panel-PT1H']);
    const late = dueReminders(conference, sessions, offsets, at('2022-10-18T15:30:00+05:00'));
    expect(late).toEqual([]);
  });

  it('follows a session that moved', () => {
    const moved = sessions.map((s) =>
      s.sessionId === 'panel' ? { ...s, start: '2022-10-18T17:00:00+05:00' } : s,
    );
    expect(dueReminders(conference, moved, offsets, at('2022-10-18T13:30:00+05:00'))).toEqual([]);
    expect(
      dueReminders(conference, moved, offsets, at('2022-10-18T16:15:00+05:00')).map((d) => d.sessionId),
    ).toEqual(['panel']);
  });
});
