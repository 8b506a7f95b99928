/**
 * The demo conference `npm start` loads: the Dushanbe high-level conference of 18–19 October 2022
 * (its name, dates, city and co-organizers; everything else is invented), an agenda, about 200
 * synthetic delegates in English, Russian and Arabic, and 20 press contacts — every address at
 * example.org or example.net.
 *
 * Everything is generated from a fixed seed, and every event has a fixed id, so a run is
 * repeatable and loading twice into the same stack changes nothing (the intake applies an id once).
 * Pure data: `demo/load.ts` sends it through the intake queue like any producer's events, not
 * straight into the table, so the demo exercises the real path.
 */
import { cloudEvent, type OutgoingEvent } from '../functions/events/producer.js';
import { DEMO_CONFERENCE_ID, demoAgenda, demoConference } from './conference.js';
import { demoPressContacts, demoRegistrations } from './people.js';

export { DEMO_CONFERENCE_ID, demoAgenda, demoConference, ROOMS, SESSIONS } from './conference.js';
export {
  DEMO_PRESS_CONTACTS,
  DEMO_REGISTRATIONS,
  type DemoPressContact,
  type DemoRegistration,
  demoPressContacts,
  demoRegistrations,
} from './people.js';
export { seededRandom } from './random.js';

/** Producer of the demo's events. */
const DEMO_SOURCE = 'https://registration.example.org/dushanbe-2022';

// ---------------------------------------------------------------------------------------------------
// Events

/** Every demo event, in the order they must be applied (conference, agenda, then people). */
export function demoEvents(): { conference: OutgoingEvent; agenda: OutgoingEvent; people: OutgoingEvent[] } {
  // Fixed ids and times, minutes after the registration desk opened: loading twice changes nothing.
  const event = (
    type: Parameters<typeof cloudEvent>[0],
    data: Record<string, unknown>,
    id: string,
    minutes: number,
    source = DEMO_SOURCE,
  ): OutgoingEvent =>
    cloudEvent(type, data, {
      id: `demo-${DEMO_CONFERENCE_ID}-${id}`,
      time: new Date(Date.UTC(2022, 8, 14, 4, 0) + minutes * 60_000).toISOString(),
      source,
    });
  const conference = event('conference.upserted', demoConference(), 'conference', 0);
  const agenda = event('agenda.changed', demoAgenda(), 'agenda-v1', 1);
  // Registrations arrive as `registration.updated`: they stand for registrations taken before the
  // demo starts, so `npm start` does not open with 200 confirmations in the outbox. The demo story
  // (`npm run demo`) sends `registration.created` for new ones, and those get their confirmation.
  const registrations = demoRegistrations().map((r, i) =>
    event('registration.updated', { ...r }, r.registrationId, 10 + i),
  );
  const press = demoPressContacts().map((p, i) =>
    event(
      'press-contact.upserted',
      { ...p },
      p.contactId,
      300 + i,
      'https://press.example.org/accreditation',
    ),
  );
  return { conference, agenda, people: [...registrations, ...press] };
}
