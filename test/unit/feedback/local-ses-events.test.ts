import { describe, expect, it } from 'vitest';
import { parseSesEvent, type SesEvent } from '../../../functions/feedback/ses-event.js';
import { planFeedback } from '../../../functions/feedback/state.js';
import type { AcceptedMail } from '../../../local/ses.js';
import { sesEventsFor, simulatorScenario } from '../../../local/ses-events.js';

function accepted(destinations: string[], overrides: Partial<AcceptedMail> = {}): AcceptedMail {
  const raw = Buffer.from(
    [
      'From: Conference Secretariat <noreply@mail.example.org>',
      `To: ${destinations.join(', ')}`,
      'Subject: Invitation',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello',
    ].join('\r\n'),
  );
  return {
    messageId: '0100018c-local-message-id-000000',
    raw,
    source: 'noreply@mail.example.org',
    destinations,
    configurationSet: 'communique',
    tags: { mailing: 'm-1', delivery: 'd-1' },
    emlPath: '/tmp/x.eml',
    timestamp: new Date('2022-09-20T06:00:00.000Z'),
    ...overrides,
  };
}

function parsed(mail: AcceptedMail): SesEvent[] {
  return sesEventsFor(mail).map((e) => {
    const result = parseSesEvent(JSON.stringify(e));
    if (!result.ok) throw new Error(result.reason);
    return result.event;
  });
}

describe('local SES events', () => {
  it.each([
    ['success@simulator.amazonses.com', ['Send', 'Delivery'], 'delivered'],
    ['bounce@simulator.amazonses.com', ['Send', 'Bounce'], 'bounced'],
    ['ooto@simulator.amazonses.com', ['Send', 'Delivery'], 'delivered'],
    ['complaint@simulator.amazonses.com', ['Send', 'Delivery', 'Complaint'], 'complained'],
    ['suppressionlist@simulator.amazonses.com', ['Send', 'Bounce'], 'bounced'],
    ['f.karimov@example.org', ['Send', 'Delivery'], 'delivered'],
  ])('mirror the mailbox simulator for %s', (recipient, types, finalState) => {
    const events = parsed(accepted([recipient]));
    expect(events.map((e) => e.eventType)).toEqual(types);
    const last = events.at(-1) as SesEvent;
    expect(planFeedback(last).target).toBe(finalState);
  });

  it('bounce bounce@ permanently as an unknown user, and suppressionlist@ as on the suppression list', () => {
    const [bounce] = parsed(accepted(['bounce@simulator.amazonses.com'])).filter(
      (e) => e.eventType === 'Bounce',
    );
    const [listed] = parsed(accepted(['suppressionlist@simulator.amazonses.com'])).filter(
      (e) => e.eventType === 'Bounce',
    );
    expect(bounce?.outcome).toMatchObject({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'General',
    });
    expect(listed?.outcome).toMatchObject({
      kind: 'bounce',
      bounceType: 'Permanent',
      bounceSubType: 'Suppressed',
    });
  });

  it('carry the message id, the configuration set, the message tags and the recipients', () => {
    const raw = sesEventsFor(accepted(['success@simulator.amazonses.com'])) as {
      mail: { messageId: string; tags: Record<string, string[]>; destination: string[] };
    }[];
    for (const event of raw) {
      expect(event.mail.messageId).toBe('0100018c-local-message-id-000000');
      expect(event.mail.destination).toEqual(['success@simulator.amazonses.com']);
      expect(event.mail.tags).toMatchObject({
        'ses:configuration-set': ['communique'],
        mailing: ['m-1'],
        delivery: ['d-1'],
      });
    }
  });

  it('accept simulator labels, as SES does', () => {
    expect(simulatorScenario('bounce+run-42@simulator.amazonses.com')).toBe('bounce');
    expect(simulatorScenario('Complaint+x@Simulator.AmazonSES.com')).toBe('complaint');
    expect(simulatorScenario('bounce@example.org')).toBeUndefined();
    expect(simulatorScenario('"Bounce" <bounce@simulator.amazonses.com>')).toBe('bounce');
  });

  it('combine the bounces of one request by subtype, and deliver the rest', () => {
    const events = parsed(
      accepted([
        'bounce+a@simulator.amazonses.com',
        'bounce+b@simulator.amazonses.com',
        'suppressionlist@simulator.amazonses.com',
        'a@example.org',
      ]),
    );
    expect(events.map((e) => e.eventType)).toEqual(['Send', 'Delivery', 'Bounce', 'Bounce']);
    const general = events.find((e) => e.outcome.kind === 'bounce' && e.outcome.bounceSubType === 'General');
    expect(general?.outcome.kind === 'bounce' && general.outcome.recipients.length).toBe(2);
  });

  it('give a repeated bounce the same feedback id, so the feedback loop sees one event', () => {
    const once = parsed(accepted(['bounce@simulator.amazonses.com']));
    const again = parsed(accepted(['bounce@simulator.amazonses.com']));
    expect(once.map((e) => e.sourceId)).toEqual(again.map((e) => e.sourceId));
  });

  it('publish nothing for mail sent without a configuration set, like SES', () => {
    expect(
      sesEventsFor(accepted(['success@simulator.amazonses.com'], { configurationSet: undefined })),
    ).toEqual([]);
  });

  it('read the configuration set and tags from headers when the call did not carry them', () => {
    const mail = accepted(['a@example.org'], { configurationSet: undefined, tags: {} });
    mail.raw = Buffer.from(
      `X-SES-CONFIGURATION-SET: communique\r\nX-SES-MESSAGE-TAGS: mailing=m-2, delivery=d-2\r\n${mail.raw.toString()}`,
    );
    const [send] = parsed(mail);
    expect(send?.tags).toMatchObject({
      'ses:configuration-set': 'communique',
      mailing: 'm-2',
      delivery: 'd-2',
    });
  });
});
