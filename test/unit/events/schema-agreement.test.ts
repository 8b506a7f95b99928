/**
 * The published JSON Schemas (schemas/*.json) and the intake parser must agree on what is an event.
 * An independent validator (Ajv, strict mode, draft 2020-12, with ajv-formats) is run on every valid
 * fixture and every case of the malformed-event corpus next to the intake parser; where the two
 * differ, the difference must be listed below with the reason JSON Schema cannot express the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR } from '../../../functions/events/export-json-schema.js';
import { PUBLIC_EVENT_TYPES, parseIntakeEvent } from '../../../functions/events/schemas.js';
import { FIXTURES_DIR, fixtureFiles, fixtureObject, INVALID_DIR } from './fixtures.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * Invalid cases that the published schemas accept, and why JSON Schema cannot say what intake checks.
 * Every entry must really be a difference (a test below fails on a stale one).
 */
const ACCEPTED_BY_SCHEMA_ONLY: Readonly<Record<string, string>> = {
  'bad-country.json': 'a two-letter code that is no ISO 3166 country is told apart with Intl region data',
  'conference-end-before-start.json': 'JSON Schema compares no two values of an instance',
  'duplicate-session.json': 'uniqueItems compares whole items, not one field (sessionId) of each',
  'session-end-before-start.json': 'JSON Schema compares no two values of an instance',
  'unknown-time-zone.json': 'the IANA zone list is checked with Intl, not enumerated in the schema',
};

interface InvalidCase {
  readonly file: string;
  readonly code: string;
}

function validators(): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const byType = new Map<string, ValidateFunction>();
  for (const type of PUBLIC_EVENT_TYPES) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${type}.json`), 'utf8')) as object;
    byType.set(type, ajv.compile(schema));
  }
  return byType;
}

/** Whether any published schema accepts the body (a body that is not JSON is accepted by none). */
function schemaAccepts(byType: Map<string, ValidateFunction>, body: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  return [...byType.values()].some((validate) => validate(value));
}

const corpus = JSON.parse(readFileSync(path.join(INVALID_DIR, 'cases.json'), 'utf8')) as InvalidCase[];

describe('published JSON Schemas and the intake parser', () => {
  it.each(PUBLIC_EVENT_TYPES)('schemas/%s.json compiles in Ajv strict mode', (type) => {
    // Prepare
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, `${type}.json`), 'utf8')) as object;

    // Act
    const compile = () => ajv.compile(schema);

    // Assess
    expect(compile).not.toThrow();
  });

  const byType = validators();

  it.each(fixtureFiles())('both accept the fixture %s', (file) => {
    // Prepare
    const body = readFileSync(path.join(FIXTURES_DIR, file), 'utf8');
    const validate = byType.get(file.replace(/\.json$/, '')) as ValidateFunction;

    // Act
    const intake = parseIntakeEvent(body);
    const schema = validate(JSON.parse(body));

    // Assess
    expect(intake.ok, JSON.stringify(intake.ok ? '' : intake.rejection.reason)).toBe(true);
    expect(schema, JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(corpus.map((c) => c.file))('both reject %s, or the difference is listed', (file) => {
    // Prepare
    const body = readFileSync(path.join(INVALID_DIR, file), 'utf8');

    // Act
    const intake = parseIntakeEvent(body);
    const schema = schemaAccepts(byType, body);

    // Assess
    expect(intake.ok).toBe(false);
    expect(schema, `${file}: ${ACCEPTED_BY_SCHEMA_ONLY[file] ?? 'not a listed difference'}`).toBe(
      file in ACCEPTED_BY_SCHEMA_ONLY,
    );
  });

  it('lists differences only for files in the corpus', () => {
    // Act
    const unknown = Object.keys(ACCEPTED_BY_SCHEMA_ONLY).filter((f) => !corpus.some((c) => c.file === f));

    // Assess
    expect(unknown).toEqual([]);
    expect(readdirSync(INVALID_DIR)).toEqual(expect.arrayContaining(Object.keys(ACCEPTED_BY_SCHEMA_ONLY)));
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8'])(
    'both accept datacontenttype %j',
    (datacontenttype) => {
      // Prepare: the CloudEvents SDK's own default carries a charset parameter.
      const event = { ...fixtureObject('mailing.cancelled'), datacontenttype };

      // Act
      const intake = parseIntakeEvent(JSON.stringify(event));
      const schema = byType.get('mailing.cancelled')?.(event);

      // Assess
      expect(intake.ok).toBe(true);
      expect(schema).toBe(true);
    },
  );

  it.each(['application/xml', 'application/jsonp', 'text/json', 'application/json\n; x=y'])(
    'both reject datacontenttype %j',
    (datacontenttype) => {
      // Prepare
      const event = { ...fixtureObject('mailing.cancelled'), datacontenttype };

      // Act
      const intake = parseIntakeEvent(JSON.stringify(event));
      const schema = byType.get('mailing.cancelled')?.(event);

      // Assess
      expect(intake).toMatchObject({ ok: false, rejection: { issues: [{ path: 'datacontenttype' }] } });
      expect(schema).toBe(false);
    },
  );
});
