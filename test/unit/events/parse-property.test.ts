import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParseResult, PUBLIC_EVENT_TYPES, parseIntakeEvent } from '../../../functions/events/schemas.js';
import { fixtureBody, fixtureObject } from './fixtures.js';

const REJECTION_CODES = new Set([
  'body_too_large',
  'invalid_json',
  'not_an_object',
  'unsupported_specversion',
  'unknown_type',
  'missing_field',
  'invalid_field',
  'invalid_identifier',
  'invalid_email',
  'invalid_time_zone',
  'invalid_language',
  'invalid_country',
  'invalid_date',
  'invalid_url',
  'end_before_start',
  'duplicate',
  'too_long',
]);

/** The invariant every outcome must satisfy: an event, or a rejection that says something. */
function assertWellFormed(result: ParseResult): void {
  if (result.ok) {
    expect(PUBLIC_EVENT_TYPES).toContain(result.event.type);
    return;
  }
  const { rejection } = result;
  expect(rejection.reason.trim()).not.toBe('');
  expect(rejection.reason).not.toMatch(/[\r\n]/);
  expect(REJECTION_CODES.has(rejection.code)).toBe(true);
  expect(rejection.issues.length).toBeGreaterThan(0);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function pathsOf(value: Json, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

type Mutation =
  | { op: 'replace'; at: number; value: Json }
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; key: string; value: Json };

/** Applies `mutation` to a deep copy of `root`; `at` picks a path modulo the number of paths. */
function mutate(root: Json, mutation: Mutation): Json {
  const copy = structuredClone(root);
  const paths = pathsOf(copy);
  const path = paths[mutation.at % paths.length] ?? [];
  if (path.length === 0) return mutation.op === 'replace' ? mutation.value : copy;
  let parent: Json = copy;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] as Json;
  const last = path[path.length - 1] as string | number;
  const container = parent as Record<string | number, Json>;
  if (mutation.op === 'replace') container[last] = mutation.value;
  else if (mutation.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete container[last];
  } else {
    const target = container[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target))
      target[mutation.key] = mutation.value;
    else container[last] = { [mutation.key]: mutation.value };
  }
  return copy;
}

// Values a real producer gets wrong: near-miss strings and numbers, besides arbitrary JSON.
const suspiciousValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    '',
    ' ',
    '\r\n',
    '1.0',
    'UTC',
    'en',
    'XX',
    '2022-10-18',
    '2022-10-18T09:00',
    'a@b',
    -1,
    0,
    1e308,
  ),
  fc.string({ unit: 'binary' }),
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: suspiciousValue }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')),
    value: suspiciousValue,
  }),
);

describe('parseIntakeEvent under arbitrary input', () => {
  it('never throws on random text and always explains a rejection', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (raw) => {
        assertWellFormed(parseIntakeEvent(raw));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random JSON documents', () => {
    fc.assert(
      fc.property(fc.json(), (raw) => {
        assertWellFormed(parseIntakeEvent(raw));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any prefix of a valid event', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PUBLIC_EVENT_TYPES), fc.nat(), (type, cut) => {
        const body = fixtureBody(type);
        assertWellFormed(parseIntakeEvent(body.slice(0, cut % body.length)));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated valid events, and what it accepts is already normalized', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PUBLIC_EVENT_TYPES),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (type, mutations) => {
          const mutated = mutations.reduce<Json>((value, m) => mutate(value, m), fixtureObject(type) as Json);
          const result = parseIntakeEvent(JSON.stringify(mutated));
          assertWellFormed(result);
          if (result.ok) {
            // Normalization must be a fixpoint, or a redelivered normalized event could differ.
            const again = parseIntakeEvent(JSON.stringify(result.event));
            expect(again).toEqual(result);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects a mutation that breaks a rule it can name (sanity check of the generator)', () => {
    // Prepare: replacing the e-mail of the registration fixture (path found by search, not index).
    const fixture = fixtureObject('registration.created') as Json;
    const at = pathsOf(fixture).findIndex((p) => p.join('.') === 'data.person.email');

    // Act
    const result = parseIntakeEvent(JSON.stringify(mutate(fixture, { op: 'replace', at, value: 'jane@' })));

    // Assess
    expect(result).toMatchObject({ ok: false, rejection: { code: 'invalid_email' } });
  });
});
