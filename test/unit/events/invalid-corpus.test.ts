import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_BODY_BYTES,
  MAILING_KINDS,
  parseIntakeEvent,
} from '../../../functions/events/schemas.js';
import { fixtureObject, INVALID_DIR, invalidCases } from './fixtures.js';

const cases = invalidCases();

function eventIdOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { id?: unknown } | null)?.id;
  } catch {
    return undefined;
  }
}

describe('malformed-event corpus', () => {
  it('lists every body file in cases.json, and only those', () => {
    // Prepare
    const onDisk = readdirSync(INVALID_DIR)
      .filter((name) => name !== 'cases.json')
      .sort();

    // Act
    const listed = cases.map((c) => c.file).sort();

    // Assess
    expect(listed).toEqual(onDisk);
  });

  it.each(cases.map((c) => [c.file, c] as const))('rejects %s with a readable reason', (_file, testCase) => {
    // Prepare
    const body = readFileSync(`${INVALID_DIR}${testCase.file}`, 'utf8');

    // Act
    const result = parseIntakeEvent(body);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe(testCase.code);
    expect(result.rejection.reason).toContain(
      testCase.reason.replace('{MAILING_KINDS}', MAILING_KINDS.join(', ')),
    );
    // Reasons are shown on one line by the CLI and may end up in mail headers.
    expect(result.rejection.reason).not.toMatch(/[\r\n]/);
    const id = eventIdOf(body);
    if (typeof id === 'string') expect(result.rejection.eventId).toBe(id);
  });

  it('rejects an over-size body before parsing it', () => {
    // Prepare: a valid event grown past the limit, so only the size can be the reason.
    const event = fixtureObject('mailing.requested');
    const data = event.data as { content: { body: { en: string } } };
    data.content.body.en = 'x'.repeat(300_000);
    const body = JSON.stringify(event);

    // Act
    const result = parseIntakeEvent(body);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      rejection: {
        code: 'body_too_large',
        reason: `body is ${Buffer.byteLength(body)} bytes; the limit is ${DEFAULT_MAX_BODY_BYTES}`,
      },
    });
  });

  it('honours a smaller configured limit', () => {
    // Prepare
    const body = JSON.stringify(fixtureObject('mailing.cancelled'));

    // Act
    const result = parseIntakeEvent(body, { maxBytes: 100 });

    // Assess
    expect(result).toMatchObject({
      ok: false,
      rejection: {
        code: 'body_too_large',
        reason: `body is ${Buffer.byteLength(body)} bytes; the limit is 100`,
      },
    });
  });
});
