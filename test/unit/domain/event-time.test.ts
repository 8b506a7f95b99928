import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventInstant, notLaterThan } from '../../../functions/domain/event-time.js';

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** An RFC 3339 text for an instant, written with an arbitrary offset and fraction. */
const written = fc
  .record({
    ms: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
    offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 }),
    fraction: fc.constantFrom('', '.5', '.500', '.123456'),
  })
  .map(({ ms, offsetMinutes, fraction }) => {
    const whole = Math.floor(ms / 1000) * 1000;
    const local = new Date(whole + offsetMinutes * 60_000);
    const zone =
      offsetMinutes === 0
        ? 'Z'
        : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
    const text = `${local.toISOString().slice(0, 19)}${fraction}${zone}`;
    return { text, at: whole + Math.floor(Number(`0${fraction || '.0'}`) * 1000) };
  });

describe('event times', () => {
  it('orders as text exactly as the instants they name', () => {
    fc.assert(
      fc.property(written, written, (a, b) => {
        expect(eventInstant(a.text) <= eventInstant(b.text)).toBe(a.at <= b.at);
        expect(notLaterThan(a.text, b.text)).toBe(a.at <= b.at);
      }),
    );
  });

  it('normalizes the two cases of issue 11 that sorted wrong as text', () => {
    expect(notLaterThan('2022-09-20T12:00:00+05:00', '2022-09-20T09:00:00Z')).toBe(true);
    expect(notLaterThan('2022-09-21T10:00:10.500Z', '2022-09-21T10:00:10Z')).toBe(false);
    expect(eventInstant('2022-09-20T12:00:00+05:00')).toBe('2022-09-20T07:00:00.000Z');
  });

  it('refuses text that is not a time', () => {
    expect(() => eventInstant('yesterday')).toThrow(/not a date-time/);
  });
});
