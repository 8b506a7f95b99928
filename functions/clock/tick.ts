import { instantOf } from '../events/schemas.js';
import { durationMs } from '../lib/duration.js';
import { derivedMailingId } from '../mailing/derived-ids.js';
import { continueLater, type PipelineDeps } from '../mailing/plan.js';
import type { CountMetric } from '../sending/lease.js';
import type { ConferenceRow } from '../store/model.js';
import {
  createMailing,
  dueScheduledMailings,
  getAgenda,
  listConferences,
  setMailingState,
} from '../store/store.js';
import { MAILING_MOVES } from '../store/transitions.js';
import { sweepOpenMailings } from './sweep.js';

export { durationMs };

export interface ReminderOffsets {
  conference: string[];
  session: string[];
}

/** Midnight at the start of an ISO date in a time zone, as an instant. */
export function zonedMidnight(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(
    utcMidnight,
  );
  const offset = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return utcMidnight - minutes * 60_000;
}

export interface DueReminder {
  mailingId: string;
  target: 'conference' | 'session';
  sessionId?: string;
  offset: string;
}

/**
 * The reminders due at `now`, computed from the current agenda (so a moved
 * session moves its reminder). A reminder is due from `start − offset` until
 * the start; when several conference reminders are due at once (the clock
 * jumped), only the nearest goes — nobody needs "in a week" and "tomorrow"
 * in the same minute. Ids are deterministic, so each is planned once.
 */
export function dueReminders(
  conference: Pick<ConferenceRow, 'conferenceId' | 'start' | 'timeZone'>,
  sessions: { sessionId: string; start: string; status: string }[],
  offsets: ReminderOffsets,
  now: number,
): DueReminder[] {
  const out: DueReminder[] = [];
  const scheduled = sessions.filter((s) => s.status !== 'cancelled');
  const starts = scheduled.map((s) => instantOf(s.start)).filter((t): t is number => t !== undefined);
  const opening =
    starts.length > 0 ? Math.min(...starts) : zonedMidnight(conference.start, conference.timeZone);
  const conferenceDue = offsets.conference
    .map((offset) => ({ offset, ms: durationMs(offset) }))
    .filter(({ ms }) => opening - ms <= now && now < opening)
    .sort((a, b) => a.ms - b.ms)[0];
  if (conferenceDue) {
    out.push({
      mailingId: derivedMailingId('reminder', conference.conferenceId, 'conference', conferenceDue.offset),
      target: 'conference',
      offset: conferenceDue.offset,
    });
  }
  for (const session of scheduled) {
    const start = instantOf(session.start);
    if (start === undefined) continue;
    const due = offsets.session
      .map((offset) => ({ offset, ms: durationMs(offset) }))
      .filter(({ ms }) => start - ms <= now && now < start)
      .sort((a, b) => a.ms - b.ms)[0];
    if (due) {
      out.push({
        mailingId: derivedMailingId('reminder', conference.conferenceId, session.sessionId, due.offset),
        target: 'session',
        sessionId: session.sessionId,
        offset: due.offset,
      });
    }
  }
  return out;
}

export interface TickResult {
  scheduledStarted: string[];
  remindersPlanned: string[];
  leasesExpired: number;
  completed: string[];
}

/**
 * The clock's work at `now` (once a minute in AWS; every few seconds on the
 * local stack, where `now` can be set): start scheduled mailings whose time has
 * come, plan due reminders, and sweep every mailing that is not final
 * (clock/sweep.ts): expired send claims become `uncertain`, finished mailings `complete`.
 * `deps.count` counts each delivery that became `uncertain` (the alarm's metric).
 */
export async function tick(
  deps: PipelineDeps & { count?: CountMetric; staleQueuedMs?: number; countersQuietMs?: number },
  now: Date,
  offsets: ReminderOffsets,
): Promise<TickResult> {
  const result: TickResult = { scheduledStarted: [], remindersPlanned: [], leasesExpired: 0, completed: [] };

  for (const { mailingId } of await dueScheduledMailings(deps, now)) {
    if (await setMailingState(deps, mailingId, MAILING_MOVES.start)) {
      await continueLater(deps, { mailingId, op: 'plan' });
      result.scheduledStarted.push(mailingId);
    }
  }

  for (const conference of await listConferences(deps)) {
    const agenda = await getAgenda(deps, conference.conferenceId);
    for (const due of dueReminders(conference, agenda?.sessions ?? [], offsets, now.getTime())) {
      const created = await createMailing(deps, {
        mailingId: due.mailingId,
        conferenceId: conference.conferenceId,
        kind: 'reminder',
        audience: due.sessionId ? { sessions: [due.sessionId] } : {},
        state: 'planning',
        requestedBy: 'clock',
        plan: { phase: 'registrations', pages: 0 },
        reminder: {
          target: due.target,
          offset: due.offset,
          ...(due.sessionId ? { sessionId: due.sessionId } : {}),
        },
      });
      if (created) {
        await continueLater(deps, { mailingId: due.mailingId, op: 'plan' });
        result.remindersPlanned.push(due.mailingId);
      }
    }
  }

  const swept = await sweepOpenMailings(deps);
  result.leasesExpired = swept.leasesExpired;
  result.completed = swept.completed;
  return result;
}
