/** `agenda-change` (transactional, derived from `agenda.changed`): what changed for this registrant. */
import type { SessionChange as AgendaChange } from '../domain/agenda.js';
import type { MailBase, SessionInfo } from '../render/types.js';
import { defineKind } from './define.js';

/** One changed session: `before` is absent for a session added to the agenda. */
export interface SessionChange {
  readonly before?: SessionInfo | undefined;
  readonly after: SessionInfo;
}

/** The view data of an agenda change: old and new. */
export interface AgendaChangeData extends MailBase {
  /** The agenda version the change belongs to (also the iCalendar SEQUENCE). */
  readonly version: number;
  readonly changes: readonly SessionChange[];
}

/** "Closing plenary" or "Closing plenary (+2)": the first changed session names the notice. */
function changeHeadline(titles: readonly string[]): string {
  const first = titles[0] ?? '';
  return titles.length > 1 ? `${first} (+${titles.length - 1})` : first;
}

export const agendaChange = defineKind<AgendaChangeData>()({
  name: 'agenda-change',
  bulk: false,
  organizerMailing: false,
  organizerContent: false,
  derived: { prefix: 'agenda-', from: 'agenda.changed' },
  listedByDefault: true,
  rsvpLink: false,
  // The changed sessions republished at the new SEQUENCE (CANCEL for a cancelled one).
  calendars: (data, agenda) => ({
    agendaVersion: data.version ?? agenda?.version ?? 1,
    includeConference: false,
    sessions: data.changes.map((c) => c.after),
  }),
  viewData: (input) => {
    const { sessionInfo } = input;
    const changes = ((input.delivery.payload?.changes ?? []) as AgendaChange[]).map((c) =>
      c.kind === 'added'
        ? { after: sessionInfo(c.after) }
        : c.kind === 'removed'
          ? {
              before: sessionInfo(c.before),
              after: { ...sessionInfo(c.before), status: 'cancelled' as const },
            }
          : { before: sessionInfo(c.before), after: sessionInfo(c.after) },
    );
    return { ...input.base, version: input.mailing.agendaVersion ?? input.agenda?.version ?? 1, changes };
  },
  context: (data, ctx, h) => {
    const changes = [...data.changes]
      .sort((a, b) => Date.parse(a.after.start) - Date.parse(b.after.start))
      .map((change) => {
        const after = h.sessionView(change.after);
        const before = change.before === undefined ? null : h.sessionView(change.before);
        const timeChanged =
          before !== null &&
          (Date.parse(change.before?.start ?? '') !== Date.parse(change.after.start) ||
            Date.parse(change.before?.end ?? '') !== Date.parse(change.after.end));
        const roomChanged = before !== null && before.room !== after.room && before.room !== null;
        return {
          title: after.title,
          added: before === null,
          cancelled: after.cancelled,
          when: after.when,
          localWhen: after.localWhen,
          timeChanged,
          previousWhen: before?.when ?? null,
          room: after.room,
          roomChanged,
          previousRoom: before?.room ?? null,
        };
      });
    return {
      ...ctx,
      version: String(data.version),
      // The subject leads with the session that changed: what a delegate scans an inbox for.
      changeHeadline: changeHeadline(changes.map((change) => change.title)),
      changes,
    };
  },
});
