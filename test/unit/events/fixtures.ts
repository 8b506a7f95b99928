import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAILING_KINDS } from '../../../functions/kinds/index.js';

/** `test/fixtures/events/`: one valid example per public event type. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/events/', import.meta.url));
/** `test/fixtures/events/invalid/`: the malformed-event corpus and its `cases.json`. */
export const INVALID_DIR = fileURLToPath(new URL('../../fixtures/events/invalid/', import.meta.url));

/** Raw body of the valid fixture for `type`. */
export function fixtureBody(type: string): string {
  return readFileSync(`${FIXTURES_DIR}${type}.json`, 'utf8');
}

/** The valid fixture for `type`, decoded, for tests that mutate it. */
export function fixtureObject(type: string): Record<string, unknown> {
  return JSON.parse(fixtureBody(type)) as Record<string, unknown>;
}

/** Names of the valid fixture files. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR).filter((name) => name.endsWith('.json'));
}

/** A case of the malformed-event corpus (`invalid/cases.json`). */
export interface InvalidCase {
  /** Body file in `test/fixtures/events/invalid/`; `.txt` when it is not JSON on purpose. */
  file: string;
  /** Expected `rejection.code`. */
  code: string;
  /** A substring the `rejection.reason` must contain. */
  reason: string;
  /** Why this case is in the corpus. */
  why: string;
}

/** The corpus, with `{MAILING_KINDS}` in a reason replaced by the kind registry's list. */
export function invalidCases(): InvalidCase[] {
  const cases = JSON.parse(readFileSync(`${INVALID_DIR}cases.json`, 'utf8')) as InvalidCase[];
  return cases.map((c) => ({ ...c, reason: c.reason.replace('{MAILING_KINDS}', MAILING_KINDS.join(', ')) }));
}
