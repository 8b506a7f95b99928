import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
