/**
 * `reminder` (bulk): before the conference opens, or before one registered session. The clock
 * derives them from the conference's reminder offsets; an organizer may also request one.
 */
import type { BulkMailBase, LeadTime, SessionInfo } from '../render/types.js';
import { defineKind } from './define.js';

/** A reminder before the conference opens. */
export interface ConferenceReminderData extends BulkMailBase {
  readonly variant: 'conference';
  readonly startsIn?: LeadTime | undefined;
  /** The recipient's own sessions, if any. */
  readonly sessions?: readonly SessionInfo[] | undefined;
}

/** A reminder before one registered session. */
export interface SessionReminderData extends BulkMailBase {
  readonly variant: 'session';
  readonly startsIn?: LeadTime | undefined;
  readonly session: SessionInfo;
}

/** The view data of a reminder: one of two variants. */
export type ReminderData = ConferenceReminderData | SessionReminderData;

export const reminder = defineKind<ReminderData>()({
  name: 'reminder',
  bulk: true,
  organizerMailing: true,
  organizerContent: false,
  derived: { prefix: 'reminder-', from: 'the clock' },
  listedByDefault: true,
  rsvpLink: false,
  viewData: (input): ReminderData => {
    const { base, unsubscribeUrl, mailing } = input;
    const target = mailing.reminder ?? { target: 'conference' as const, offset: 'P1D' };
    const session = input.sessions.find((s) => s.sessionId === target.sessionId);
    if (target.target === 'session' && session) {
      return {
        ...base,
        unsubscribeUrl,
        variant: 'session',
        startsIn: input.leadTime(target.offset),
        session,
      };
    }
    return {
      ...base,
      unsubscribeUrl,
      variant: 'conference',
      ...(mailing.reminder ? { startsIn: input.leadTime(target.offset) } : {}),
      sessions: input.mine,
    };
  },
  context: (data, ctx, h) => {
    const startsIn = h.leadTime(data.startsIn);
    const opensOn = h.dates.day(h.calendarDate(data.conference.start, 'conference start'));
    if (data.variant === 'session') {
      const session = h.sessionView(data.session);
      return {
        ...ctx,
        isSession: true,
        startsIn,
        opensOn,
        session: {
          title: session.title,
          when: session.when,
          at: h.dates.span(
            h.instant(data.session.start, 'session start'),
            h.instant(data.session.end, 'session end'),
            h.venueZone,
          ),
        },
        sessions: [session],
      };
    }
    return {
      ...ctx,
      isSession: false,
      startsIn,
      opensOn,
      session: null,
      sessions: h.sessionViews(data.sessions),
    };
  },
});
