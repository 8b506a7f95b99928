/**
 * Loads the demo conference (demo/data.ts) through whatever sends events: the loader only orders
 * them and hands each group to `send`, which must resolve once the group is applied and reject if
 * any event was refused. `npm start` passes one that writes to its in-process stack, `npm run demo`
 * one that writes through the CLI's target; both use `applyEvents` (functions/events/producer.ts).
 */
import type { OutgoingEvent } from '../functions/events/producer.js';
import { DEMO_CONFERENCE_ID, DEMO_PRESS_CONTACTS, DEMO_REGISTRATIONS, demoEvents } from './data.js';
import { DEMO_INVITEES, demoInviteeEvents } from './invitees.js';

/** Applies a group of events; resolves when all are applied, rejects when one is refused. */
export type SendEvents = (events: readonly OutgoingEvent[], what: string) => Promise<void>;

/** The commands `npm start` suggests once the demo is loaded. */
export const DEMO_NEXT_STEPS = [
  'Try it (in another terminal):',
  '  npx communique mailing create --kind invitation --audience "groups=heads of delegation"   # the invitees',
  '  npx communique mailings list',
  '  npx communique mailing status <ID> --watch',
  '  npx communique deliveries <ID>',
  '  npm run demo            # the whole story: registrations, invitations, an agenda change, press, reminders, bounces',
  'Sent mail: the outbox at the SES address above (GET /store lists it as JSON). Guide: docs/cli.md',
].join('\n');

/** One line saying what was loaded and how long it took. */
export function demoLoadedLine(ms: number): string {
  return (
    `demo conference ${DEMO_CONFERENCE_ID} loaded in ${(ms / 1000).toFixed(1)} s ` +
    `(${DEMO_REGISTRATIONS} delegates in en/ru/ar, ${DEMO_PRESS_CONTACTS} press contacts, ${DEMO_INVITEES.length} invitees)`
  );
}

/**
 * Loads the demo conference with `send` and returns how long it took. Repeatable: fixed ids make a
 * second load a no-op.
 */
export async function loadDemo(send: SendEvents): Promise<number> {
  const started = Date.now();
  const { conference, agenda, people } = demoEvents();
  // The conference must exist before anything that names it, and the agenda before registrations
  // so that sessions resolve from the start.
  await send([conference], 'conference');
  await send([agenda], 'agenda');
  await send(people, 'registration and press');
  await send(demoInviteeEvents(), 'invitees');
  return Date.now() - started;
}
