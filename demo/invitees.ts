/**
 * The demo's invitation list: the people in `demo/invitees.csv`, as `invitee.upserted` events
 * with the same stable ids the CSV import gives them (`inviteeIdFor`), so `npm start` opens with
 * invitees to invite and importing the CSV again changes nothing.
 */
import { inviteeIdFor } from '../functions/events/email.js';
import { cloudEvent, type OutgoingEvent } from '../functions/events/producer.js';
import { DEMO_CONFERENCE_ID } from './data.js';

interface DemoInvitee {
  email: string;
  givenName: string;
  familyName: string;
  honorific: string;
  gender: 'female' | 'male';
  organization: string;
  language: string;
  country: string;
  group: string;
  mayDesignate: boolean;
}

/** Kept in step with demo/invitees.csv (a test checks the two agree). */
export const DEMO_INVITEES: readonly DemoInvitee[] = [
  {
    email: 'm.nazarova@example.org',
    givenName: 'Malika',
    familyName: 'Nazarova',
    honorific: 'H.E. Ms.',
    gender: 'female',
    organization: 'Ministry of Foreign Affairs',
    language: 'ru',
    country: 'TJ',
    group: 'heads of delegation',
    mayDesignate: true,
  },
  {
    email: 'a.alkuwari@example.org',
    givenName: 'Ahmed',
    familyName: 'Al-Kuwari',
    honorific: 'H.E. Mr.',
    gender: 'male',
    organization: 'Ministry of Interior',
    language: 'ar',
    country: 'QA',
    group: 'heads of delegation',
    mayDesignate: true,
  },
  {
    email: 's.omarov@example.org',
    givenName: 'Serik',
    familyName: 'Omarov',
    honorific: 'Mr.',
    gender: 'male',
    organization: 'Border Service',
    language: 'ru',
    country: 'KZ',
    group: 'heads of delegation',
    mayDesignate: true,
  },
  {
    email: 'e.lindqvist@example.net',
    givenName: 'Elin',
    familyName: 'Lindqvist',
    honorific: 'Dr.',
    gender: 'female',
    organization: 'Office of the High Representative',
    language: 'en',
    country: 'SE',
    group: 'heads of organizations',
    mayDesignate: false,
  },
  {
    email: 'j.moreau@example.net',
    givenName: 'Julien',
    familyName: 'Moreau',
    honorific: 'Mr.',
    gender: 'male',
    organization: 'Delegation of the European Union',
    language: 'en',
    country: 'FR',
    group: 'observers',
    mayDesignate: true,
  },
  {
    email: 'f.alharbi@example.org',
    givenName: 'Fatimah',
    familyName: 'Al-Harbi',
    honorific: 'Dr.',
    gender: 'female',
    organization: 'Ministry of Foreign Affairs',
    language: 'ar',
    country: 'SA',
    group: 'observers',
    mayDesignate: true,
  },
];

/** The invitation list as events, in a fixed order with fixed ids and times. */
export function demoInviteeEvents(): OutgoingEvent[] {
  return DEMO_INVITEES.map((p, i) => {
    const { group, mayDesignate, ...person } = p;
    const inviteeId = inviteeIdFor(p.email);
    return cloudEvent(
      'invitee.upserted',
      { conferenceId: DEMO_CONFERENCE_ID, inviteeId, person, group, mayDesignate },
      {
        id: `demo-${DEMO_CONFERENCE_ID}-${inviteeId}`,
        time: new Date(Date.UTC(2022, 7, 15, 4, i)).toISOString(),
        source: 'https://protocol.example.org/dushanbe-2022',
      },
    );
  });
}
