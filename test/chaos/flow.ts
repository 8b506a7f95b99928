import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import type { StoreDeps } from '../../functions/store/store.js';
import type { LocalStack } from '../../local/stack.js';
import { fixture, sendAndWait } from '../integration/support/pipeline.js';
import { seedRegistrations } from '../integration/support/seed.js';

/** How the flow's events are ordered and batched on the intake queue (drawn by fast-check). */
export interface FlowShape {
  /** One sort key per event: the order they go on the queue. */
  order: number[];
  /** Messages per SendMessageBatch (a batch is what lands two copies of one id in one receive). */
  batch: number;
}

/** The number of events in a flow (fixed, so `order` has one key per event). */
export const FLOW_EVENTS = 22;

export function flowArbitrary(): fc.Arbitrary<FlowShape> {
  return fc.record({
    order: fc.array(fc.nat({ max: 1000 }), { minLength: FLOW_EVENTS, maxLength: FLOW_EVENTS }),
    batch: fc.integer({ min: 2, max: 10 }),
  });
}

/** What the checker must find at the end: who must have a row in which mailing. */
export interface Intended {
  conferenceId: string;
  /** mailingId → contact keys that must have a delivery row there. */
  rows: Map<string, string[]>;
}

const person = (run: string, i: number) => ({
  email: `p${i}-${run}@example.net`,
  givenName: `Given${i}`,
  familyName: `Family${i}`,
  honorific: i % 2 ? 'Dr.' : 'H.E. Ms.',
  country: 'TJ',
  language: ['en', 'ru', 'ar'][i % 3],
});

/**
 * Sets up a conference with `recipients` registered delegates (written straight
 * into the projection, as an import would), then returns the flow's events:
 * registrations with confirmations, each sent twice with the same id;
 * cancellations, one before its registration; a stale update; a bulk
 * announcement to every delegate; an agenda change to a plenary session (a
 * notice to everyone) sent twice, plus a stale agenda version; and a second
 * mailing cancelled right after it was requested.
 */
export async function prepareFlow(
  stack: LocalStack,
  store: StoreDeps,
  run: string,
  recipients: number,
): Promise<{ events: Record<string, unknown>[]; intended: Intended }> {
  const cid = `chaos-${run}`;
  const conference = fixture('conference.upserted');
  conference.id = `${run}-conference`;
  conference.data.conferenceId = cid;
  await sendAndWait(stack, conference);
  const agenda = fixture('agenda.changed');
  agenda.id = `${run}-agenda-v3`;
  agenda.data.conferenceId = cid;
  await sendAndWait(stack, agenda);
  const seeded = await seedRegistrations(store, cid, recipients, { prefix: `d-${run}` });

  const events: Record<string, unknown>[] = [];
  const registration = (i: number, type: string, time: string) => {
    const e = fixture('registration.created');
    e.id = `${run}-${type}-${i}`;
    e.type = type;
    e.time = time;
    e.data = {
      ...e.data,
      conferenceId: cid,
      registrationId: `p${i}`,
      person: person(run, i),
      sessions: ['opening-plenary'],
    };
    return e;
  };
  // Four registrations, each twice with the same id (one applies, one confirmation each).
  for (let i = 1; i <= 4; i++) {
    const e = registration(i, 'registration.created', '2022-09-20T10:00:00Z');
    events.push(e, structuredClone(e));
  }
  // A stale update of p1 (older than its creation): ignored.
  events.push(registration(1, 'registration.updated', '2022-09-19T10:00:00.500Z'));
  // p5 registers and cancels; p6's cancellation is newer than its registration, whatever the order.
  events.push(registration(5, 'registration.created', '2022-09-20T10:00:00Z'));
  events.push(registration(5, 'registration.cancelled', '2022-09-21T10:00:00+05:00'));
  events.push(registration(6, 'registration.cancelled', '2022-09-21T10:00:00Z'));
  events.push(registration(6, 'registration.created', '2022-09-20T10:00:00Z'));
  events.push(structuredClone(events.at(-1) as Record<string, unknown>));

  const announcement = (mailingId: string, audience: Record<string, unknown>) => {
    const e = fixture('mailing.requested');
    e.id = `${run}-${mailingId}`;
    e.data = {
      conferenceId: cid,
      mailingId,
      kind: 'announcement',
      audience,
      content: {
        subject: { en: 'Practical information', ru: 'Практическая информация' },
        body: { en: 'Badges are collected at the **venue** entrance.', ru: 'Бейджи выдаются у входа.' },
      },
      requestedBy: 'organizer@example.org',
    };
    return e;
  };
  const bulk = `${cid}-bulk`;
  const cancelled = `${cid}-cancelled`;
  events.push(announcement(bulk, { roles: ['delegate'] }));
  events.push(structuredClone(events.at(-1) as Record<string, unknown>));
  events.push(announcement(cancelled, { countries: ['QA'] }));
  const cancel = fixture('mailing.cancelled');
  cancel.id = `${run}-cancel-${cancelled}`;
  cancel.data = { conferenceId: cid, mailingId: cancelled, requestedBy: 'organizer@example.org' };
  events.push(cancel);

  // The opening plenary moves to another room (version 4): a notice to every registrant.
  const change = fixture('agenda.changed');
  change.id = `${run}-agenda-v4`;
  change.data.conferenceId = cid;
  change.data.version = 4;
  change.data.sessions = (change.data.sessions as { sessionId: string; room: string }[])
    .filter((s) => s.sessionId === 'opening-plenary')
    .map((s) => ({ ...s, room: 'Hall A' }));
  events.push(change, structuredClone(change));
  // Version 3 again, under a new id, after version 4: stale, ignored.
  const stale = structuredClone(agenda);
  stale.id = `${run}-agenda-v3-again`;
  events.push(stale);
  // One more registration whose only copy arrives anywhere in the stream.
  events.push(registration(7, 'registration.created', '2022-09-22T10:00:00Z'));
  if (events.length !== FLOW_EVENTS) throw new Error(`flow has ${events.length} events, not ${FLOW_EVENTS}`);

  const everyone = seeded.map((r) => r.contactKey);
  const confirmed = [1, 2, 3, 4, 7].map(
    (i) => [`confirmation-${cid}-p${i}`, [person(run, i).email]] as [string, string[]],
  );
  return {
    events,
    intended: {
      conferenceId: cid,
      rows: new Map<string, string[]>([[bulk, everyone], [`agenda-${cid}-v4`, everyone], ...confirmed]),
    },
  };
}

/** Puts the events on the intake queue in the drawn order and batches. */
export async function sendFlow(
  stack: LocalStack,
  events: Record<string, unknown>[],
  shape: FlowShape,
): Promise<void> {
  const ordered = events
    .map((event, i) => ({ event, key: shape.order[i] ?? i, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.event);
  for (let i = 0; i < ordered.length; i += shape.batch) {
    const chunk = ordered.slice(i, i + shape.batch);
    await stack.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.outputs.IntakeQueueUrl,
        Entries: chunk.map((event, j) => ({ Id: String(j), MessageBody: JSON.stringify(event) })),
      }),
    );
  }
}
