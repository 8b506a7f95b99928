import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSesEvent } from '../../../functions/feedback/ses-event.js';
import { SES_FIXTURES, sesFixture } from './fixtures.js';

const MESSAGE_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

describe('parseSesEvent', () => {
  it('has a fixture for every event type the configuration set publishes', () => {
    const types = new Set(SES_FIXTURES.map((name) => sesFixture(name).eventType));
    for (const type of [
      'Send',
      'Delivery',
      'Bounce',
      'Complaint',
      'Reject',
      'DeliveryDelay',
      'Rendering Failure',
    ]) {
      expect(types).toContain(type);
    }
  });

  it.each(SES_FIXTURES)('parses the %s fixture with its message id, recipients and tags', (name) => {
    const result = parseSesEvent(JSON.stringify(sesFixture(name)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.messageId).toBe(MESSAGE_ID);
    expect(result.event.destinations).toEqual(['f.karimov@example.org']);
    expect(result.event.tags).toMatchObject({ mailing: 'fixture-mailing', delivery: 'fixture-delivery' });
    expect(Number.isNaN(Date.parse(result.event.time))).toBe(false);
  });

  it('reads a permanent bounce with its subtype, recipients, DSN and feedback id', () => {
    const result = parseSesEvent(JSON.stringify(sesFixture('bounce-permanent')));
    expect(result).toMatchObject({
      ok: true,
      event: {
        eventType: 'Bounce',
        time: '2022-09-20T06:01:02.669Z',
        sourceId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
        outcome: {
          kind: 'bounce',
          bounceType: 'Permanent',
          bounceSubType: 'General',
          recipients: [{ emailAddress: 'f.karimov@example.org', status: '5.1.1' }],
        },
      },
    });
  });

  it('reads a complaint with its feedback type and complained recipients', () => {
    const result = parseSesEvent(JSON.stringify(sesFixture('complaint')));
    expect(result).toMatchObject({
      ok: true,
      event: { outcome: { kind: 'complaint', recipients: ['f.karimov@example.org'], feedbackType: 'abuse' } },
    });
  });

  it('reads the event time of a delivery and a delay from their own objects, not the send time', () => {
    const delivery = parseSesEvent(JSON.stringify(sesFixture('delivery')));
    const delay = parseSesEvent(JSON.stringify(sesFixture('delivery-delay')));
    expect(delivery.ok && delivery.event.time).toBe('2022-09-20T06:00:13.905Z');
    expect(delay.ok && delay.event.time).toBe('2022-09-20T06:10:40.095Z');
    expect(delay.ok && delay.event.outcome).toMatchObject({
      kind: 'delay',
      delayType: 'TransientCommunicationFailure',
    });
  });

  it('treats an unknown bounce type as undetermined', () => {
    const event = sesFixture('bounce-permanent');
    event.bounce.bounceType = 'Something New';
    const result = parseSesEvent(JSON.stringify(event));
    expect(result.ok && result.event.outcome).toMatchObject({ kind: 'bounce', bounceType: 'Undetermined' });
  });

  it('unwraps an SNS envelope, in case raw message delivery is switched off', () => {
    const envelope = {
      Type: 'Notification',
      MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
      Message: JSON.stringify(sesFixture('delivery')),
    };
    const result = parseSesEvent(JSON.stringify(envelope));
    expect(result.ok && result.event.outcome.kind).toBe('delivery');
  });

  it('reads identity notifications, which say notificationType instead of eventType', () => {
    const event = sesFixture('bounce-permanent');
    event.notificationType = event.eventType;
    delete event.eventType;
    expect(parseSesEvent(JSON.stringify(event)).ok).toBe(true);
  });

  it('marks engagement events as ignored rather than failing them', () => {
    const result = parseSesEvent(JSON.stringify(sesFixture('open')));
    expect(result.ok && result.event.outcome.kind).toBe('ignored');
  });

  it.each([
    ['not JSON', '{"eventType":'],
    ['an array', '[]'],
    ['no eventType', JSON.stringify({ mail: sesFixture('send').mail })],
    ['no mail', JSON.stringify({ eventType: 'Send' })],
    ['no message id', JSON.stringify({ eventType: 'Send', mail: { timestamp: '2022-09-20T06:00:00Z' } })],
    ['an unknown type', JSON.stringify({ ...sesFixture('send'), eventType: 'Teleport' })],
    ['a bounce without its bounce object', JSON.stringify({ ...sesFixture('send'), eventType: 'Bounce' })],
  ])('rejects %s with a reason', (_what, body) => {
    const result = parseSesEvent(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (body) => {
          const result = parseSesEvent(body);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on a fixture with any one field replaced', () => {
    const base = sesFixture('bounce-permanent');
    const paths: string[][] = [];
    const walk = (v: unknown, p: string[]) => {
      paths.push(p);
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.jsonValue(), (i, value) => {
        const copy = structuredClone(base);
        const p = paths[i] ?? [];
        if (p.length === 0) return;
        let parent: Record<string, unknown> = copy;
        for (const k of p.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
        parent[p[p.length - 1] as string] = value;
        const result = parseSesEvent(JSON.stringify(copy));
        if (result.ok) expect(result.event.messageId.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
