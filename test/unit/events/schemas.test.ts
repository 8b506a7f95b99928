import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_BODY_BYTES,
  type IntakeEvent,
  type IntakeEventOf,
  type IntakeEventType,
  type ParseResult,
  PUBLIC_EVENT_TYPES,
  parseIntakeEvent,
  validateIntakeEvent,
} from '../../../functions/events/schemas.js';
import { fixtureBody, fixtureFiles, fixtureObject } from './fixtures.js';

function accepted(result: ParseResult): IntakeEvent {
  if (!result.ok) throw new Error(`expected acceptance, got rejection: ${result.rejection.reason}`);
  return result.event;
}

function acceptedAs<K extends IntakeEventType>(type: K, result: ParseResult): IntakeEventOf<K> {
  const event = accepted(result);
  expect(event.type).toBe(type);
  return event as IntakeEventOf<K>;
}

function rejected(result: ParseResult) {
  if (result.ok) throw new Error(`expected a rejection, got an event of type ${result.event.type}`);
  return result.rejection;
}

/** The fixture of `type` with `edit` applied to its `data`, as a queue body. */
function withData(type: IntakeEventType, edit: (data: Record<string, unknown>) => void): string {
  const event = fixtureObject(type);
  edit(event.data as Record<string, unknown>);
  return JSON.stringify(event);
}

function person(data: Record<string, unknown>): Record<string, unknown> {
  return data.person as Record<string, unknown>;
}

describe('fixtures', () => {
  it('has exactly one fixture per public event type', () => {
    // Prepare
    const expected = PUBLIC_EVENT_TYPES.map((type) => `${type}.json`).sort();

    // Act
    const files = fixtureFiles().sort();

    // Assess
    expect(files).toEqual(expected);
  });

  it.each(PUBLIC_EVENT_TYPES)('accepts the %s fixture as that type', (type) => {
    // Act
    const result = parseIntakeEvent(fixtureBody(type));

    // Assess
    const event = accepted(result);
    expect(event.type).toBe(type);
    expect(event.id).toBe(fixtureObject(type).id);
  });

  it.each(PUBLIC_EVENT_TYPES)('normalizes the %s fixture to a fixpoint', (type) => {
    // Prepare
    const once = accepted(parseIntakeEvent(fixtureBody(type)));

    // Act
    const twice = accepted(parseIntakeEvent(JSON.stringify(once)));

    // Assess
    expect(twice).toEqual(once);
  });

  it('reads the demo agenda with five sessions, two of them plenary, in Dushanbe time', () => {
    // Act
    const event = acceptedAs('agenda.changed', parseIntakeEvent(fixtureBody('agenda.changed')));

    // Assess
    expect(event.data.sessions).toHaveLength(5);
    expect(event.data.sessions.filter((s) => s.plenary).map((s) => s.sessionId)).toEqual([
      'opening-plenary',
      'closing-plenary',
    ]);
    expect(event.data.sessions.every((s) => s.start.endsWith('+05:00') && s.end.endsWith('+05:00'))).toBe(
      true,
    );
  });
});

describe('normalization', () => {
  it('trims the address and lower-cases only its domain', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      person(d).email = '  Farrukh.Karimov@Example.ORG \n';
    });

    // Act
    const event = acceptedAs('registration.created', parseIntakeEvent(body));

    // Assess
    expect(event.data.person.email).toBe('Farrukh.Karimov@example.org');
  });

  it('replaces CR/LF in single-line fields by a space instead of rejecting', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      person(d).givenName = 'Farrukh\r\nBcc: victim@example.net';
      person(d).organization = '  Ministry\tof\u2028Internal Affairs  ';
    });

    // Act
    const event = acceptedAs('registration.created', parseIntakeEvent(body));

    // Assess
    expect(event.data.person.givenName).toBe('Farrukh Bcc: victim@example.net');
    expect(event.data.person.organization).toBe('Ministry of Internal Affairs');
  });

  it('strips line breaks from localized subjects but keeps them in Markdown bodies', () => {
    // Prepare
    const body = withData('mailing.requested', (d) => {
      const content = d.content as { subject: Record<string, string>; body: Record<string, string> };
      content.subject.en = 'Media advisory\r\nX-Injected: yes';
      content.body.en = 'Line one\r\n\r\nLine two\rLine three\u0000';
    });

    // Act
    const event = acceptedAs('mailing.requested', parseIntakeEvent(body));

    // Assess
    expect(event.data.content?.subject.en).toBe('Media advisory X-Injected: yes');
    expect(event.data.content?.body.en).toBe('Line one\n\nLine two\nLine three');
  });

  it('canonicalizes country, language and time zone spellings', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      Object.assign(person(d), { country: 'uk', language: 'EN-us', timeZone: 'asia/dushanbe' });
    });

    // Act
    const event = acceptedAs('registration.created', parseIntakeEvent(body));

    // Assess
    expect(event.data.person).toMatchObject({ country: 'GB', language: 'en-US', timeZone: 'Asia/Dushanbe' });
  });

  it.each(['UTC', 'Etc/UTC', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires'])(
    'accepts the time zone %s',
    (zone) => {
      // Prepare
      const body = withData('conference.upserted', (d) => {
        d.timeZone = zone;
      });

      // Act
      const event = acceptedAs('conference.upserted', parseIntakeEvent(body));

      // Assess
      expect(event.data.timeZone).toBe(zone);
    },
  );

  it('treats optional fields sent as "" as absent', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      Object.assign(person(d), { honorific: '', organization: ' ', country: '', language: '', timeZone: '' });
    });

    // Act
    const event = acceptedAs('registration.created', parseIntakeEvent(body));

    // Assess
    for (const key of ['honorific', 'organization', 'country', 'language', 'timeZone']) {
      expect(event.data.person).not.toHaveProperty(key);
    }
  });

  it('accepts an empty family name (people with one name) but not an empty given name', () => {
    // Prepare
    const mononym = withData('registration.created', (d) => {
      person(d).familyName = '';
    });
    const nameless = withData('registration.created', (d) => {
      person(d).givenName = ' ';
    });

    // Act
    const ok = parseIntakeEvent(mononym);
    const notOk = parseIntakeEvent(nameless);

    // Assess
    expect(acceptedAs('registration.created', ok).data.person.familyName).toBe('');
    expect(rejected(notOk).reason).toBe('data.person.givenName must not be empty');
  });

  it('reads plain-string organizers as English localized text', () => {
    // Prepare
    const body = withData('conference.upserted', (d) => {
      d.organizers = ['OSCE', { en: 'European Union', ru: 'Европейский союз' }];
    });

    // Act
    const event = acceptedAs('conference.upserted', parseIntakeEvent(body));

    // Assess
    expect(event.data.organizers).toEqual([{ en: 'OSCE' }, { en: 'European Union', ru: 'Европейский союз' }]);
  });

  it('accepts other canonical BCP 47 keys in localized text', () => {
    // Prepare
    const body = withData('conference.upserted', (d) => {
      (d.name as Record<string, string>)['tg-Cyrl'] = 'Конфронси байналмилалӣ';
    });

    // Act
    const event = acceptedAs('conference.upserted', parseIntakeEvent(body));

    // Assess
    expect(event.data.name['tg-Cyrl']).toBe('Конфронси байналмилалӣ');
  });

  it('refuses a non-canonical language key and says how to write it', () => {
    // Prepare
    const body = withData('conference.upserted', (d) => {
      (d.name as Record<string, string>).RU = 'x';
    });

    // Act
    const rejection = rejected(parseIntakeEvent(body));

    // Assess
    expect(rejection.code).toBe('invalid_language');
    expect(rejection.reason).toBe('data.name has a key "RU"; write it as "ru"');
  });

  it('removes repeated session ids from a registration', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      d.sessions = ['opening-plenary', 'opening-plenary', 'closing-plenary'];
    });

    // Act
    const event = acceptedAs('registration.created', parseIntakeEvent(body));

    // Assess
    expect(event.data.sessions).toEqual(['opening-plenary', 'closing-plenary']);
  });

  it('drops unknown data fields but keeps CloudEvents extension attributes', () => {
    // Prepare
    const event = fixtureObject('mailing.cancelled');
    event.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    (event.data as Record<string, unknown>).futureField = 42;

    // Act
    const parsed = accepted(parseIntakeEvent(JSON.stringify(event)));

    // Assess
    expect(parsed).toHaveProperty('traceparent', event.traceparent);
    expect(parsed.data).not.toHaveProperty('futureField');
  });

  it('does not let a "__proto__" key reach an object prototype', () => {
    // Prepare: JSON.parse makes "__proto__" an own key; copying it naively would set a prototype.
    const body = fixtureBody('conference.upserted').replace(
      '"name": {',
      '"name": { "__proto__": { "polluted": "yes" },',
    );

    // Act
    const event = acceptedAs('conference.upserted', parseIntakeEvent(body));

    // Assess: the key is dropped, and nothing is reachable through the prototype chain.
    expect(body).toContain('"__proto__"');
    const name = event.data.name as Record<string, unknown>;
    expect(Object.getPrototypeOf(name)).toBe(Object.prototype);
    expect(name.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a body that starts with a byte-order mark', () => {
    // Act
    const result = parseIntakeEvent(`\uFEFF${fixtureBody('mailing.cancelled')}`);

    // Assess
    expect(accepted(result).type).toBe('mailing.cancelled');
  });
});

describe('contract rules', () => {
  it('accepts a cancellation that carries only the ids', () => {
    // Prepare
    const body = JSON.stringify({
      ...fixtureObject('registration.cancelled'),
      data: { conferenceId: 'dushanbe-2022', registrationId: 'reg-0001' },
    });

    // Act
    const event = acceptedAs('registration.cancelled', parseIntakeEvent(body));

    // Assess
    expect(event.data).toEqual({ conferenceId: 'dushanbe-2022', registrationId: 'reg-0001' });
  });

  it('accepts a press-contact removal that carries only the ids', () => {
    // Prepare
    const body = JSON.stringify({
      ...fixtureObject('press-contact.removed'),
      data: { conferenceId: 'dushanbe-2022', contactId: 'press-0001' },
    });

    // Act
    const result = parseIntakeEvent(body);

    // Assess
    expect(acceptedAs('press-contact.removed', result).data.contactId).toBe('press-0001');
  });

  it('accepts a one-day conference (end equal to start)', () => {
    // Prepare
    const body = withData('conference.upserted', (d) => {
      d.end = d.start;
    });

    // Act
    const result = parseIntakeEvent(body);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('compares session times as instants, whatever their offsets', () => {
    // Prepare: 05:30Z is 10:30 in Dushanbe, after a 10:00+05:00 start; 04:30Z is before it.
    const session = (end: string) =>
      withData('agenda.changed', (d) => {
        const [first] = d.sessions as Record<string, unknown>[];
        Object.assign(first ?? {}, { start: '2022-10-18T10:00:00+05:00', end });
      });

    // Act
    const later = parseIntakeEvent(session('2022-10-18T05:30:00Z'));
    const earlier = parseIntakeEvent(session('2022-10-18T04:30:00Z'));

    // Assess
    expect(later.ok).toBe(true);
    expect(rejected(earlier).code).toBe('end_before_start');
  });

  it('requires content for an announcement but not for an invitation', () => {
    // Prepare
    const body = (kind: string) =>
      withData('mailing.requested', (d) => {
        d.kind = kind;
        delete d.content;
      });

    // Act
    const invitation = parseIntakeEvent(body('invitation'));
    const announcement = parseIntakeEvent(body('announcement'));

    // Assess
    expect(invitation.ok).toBe(true);
    expect(rejected(announcement).reason).toBe('data.content is required when kind is "announcement"');
  });

  it('reports every problem of an event, each naming its field', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      Object.assign(person(d), { email: 'jane@', timeZone: 'Mars/Olympus' });
      d.role = 'vip';
    });

    // Act
    const rejection = rejected(parseIntakeEvent(body));

    // Assess
    expect(rejection.issues.map((i) => i.path)).toEqual([
      'data.person.email',
      'data.person.timeZone',
      'data.role',
    ]);
    expect(rejection.code).toBe('invalid_email');
    expect(rejection.reason).toBe(
      'data.person.email: "jane@" is not a valid e-mail address; ' +
        'data.person.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. Asia/Dushanbe, UTC); ' +
        'data.role must be one of delegate, speaker, observer, press, staff (got "vip")',
    );
  });

  it('caps the reason at five problems and counts the rest', () => {
    // Prepare
    const body = withData('agenda.changed', (d) => {
      d.sessions = Array.from({ length: 8 }, (_, i) => ({ sessionId: `s${i}` }));
    });

    // Act
    const rejection = rejected(parseIntakeEvent(body));

    // Assess
    expect(rejection.issues.length).toBeGreaterThan(5);
    expect(rejection.reason).toMatch(/; and \d+ more problems$/);
    expect(rejection.reason.split('; ').length).toBe(6);
  });

  it('labels a rejection with the event id and type it could read', () => {
    // Prepare
    const body = withData('registration.created', (d) => {
      person(d).email = 'jane@';
    });

    // Act
    const rejection = rejected(parseIntakeEvent(body));

    // Assess
    expect(rejection.eventId).toBe(fixtureObject('registration.created').id);
    expect(rejection.type).toBe('registration.created');
  });

  it('validates an already-decoded object the same way', () => {
    // Act
    const result = validateIntakeEvent(fixtureObject('agenda.changed'));
    const notObject = validateIntakeEvent(null);

    // Assess
    expect(accepted(result).type).toBe('agenda.changed');
    expect(rejected(notObject).code).toBe('not_an_object');
  });
});

describe('size limit', () => {
  /** A valid event padded with insignificant whitespace to exactly `bytes` UTF-8 bytes. */
  function bodyOfSize(bytes: number): string {
    const body = fixtureBody('agenda.changed').trimEnd();
    const pad = bytes - Buffer.byteLength(body, 'utf8');
    if (pad < 0) throw new Error('fixture larger than requested size');
    return body + ' '.repeat(pad);
  }

  it('accepts a body of exactly the limit', () => {
    // Act
    const result = parseIntakeEvent(bodyOfSize(DEFAULT_MAX_BODY_BYTES));

    // Assess
    expect(result.ok).toBe(true);
  });

  it('rejects a body one byte over the limit, saying both numbers', () => {
    // Act
    const rejection = rejected(parseIntakeEvent(bodyOfSize(DEFAULT_MAX_BODY_BYTES + 1)));

    // Assess
    expect(rejection.code).toBe('body_too_large');
    expect(rejection.reason).toBe(
      `body is ${DEFAULT_MAX_BODY_BYTES + 1} bytes; the limit is ${DEFAULT_MAX_BODY_BYTES}`,
    );
  });

  it('counts UTF-8 bytes, not characters', () => {
    // Prepare: Cyrillic letters take two bytes each.
    const body = fixtureBody('agenda.changed');
    const limit = Buffer.byteLength(body, 'utf8') - 1;

    // Act
    const rejection = rejected(parseIntakeEvent(body, { maxBytes: limit }));

    // Assess
    expect(body.length).toBeLessThan(limit);
    expect(rejection.code).toBe('body_too_large');
  });
});
