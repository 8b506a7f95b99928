import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/ses-events');

/** Names of the SES event fixtures (test/fixtures/ses-events/<name>.json). */
export const SES_FIXTURES = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

/** An SES event fixture as an object, deep-copied so a test may change it. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely by tests
export function sesFixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
}
