/**
 * Writes the published JSON Schemas of the intake-queue events: `schemas/<type>.json` (draft
 * 2020-12, one per public event type) and `schemas/README.md`, all generated from the zod schemas
 * in `schemas.ts` so that what upstream teams validate against cannot drift from what intake
 * accepts. Run with `npx tsx functions/events/export-json-schema.ts`; a unit test fails when the
 * files on disk differ from what this would write.
 *
 * The schemas describe the input side (what a producer may send: defaults make fields optional).
 * Rules JSON Schema cannot express — end not before start, real IANA zones and BCP 47 tags,
 * "content is required for announcements" — are enforced by intake and named in descriptions.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { OUTBOUND_EVENT_TYPES, outboundEventSchemas } from './outbound.js';
import { PUBLIC_EVENT_TYPES, publicEventSchemas } from './schemas.js';

/** Where the generated files live: `schemas/` at the repository root. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

const README = [
  '# Intake event schemas',
  '',
  'JSON Schema (draft 2020-12) for each CloudEvents `type` the intake queue accepts, generated from',
  '`functions/events/schemas.ts` by `npx tsx functions/events/export-json-schema.ts` — do not edit by hand;',
  'examples are in `test/fixtures/events/`.',
  '',
  '## Outbound',
  '',
  'communiqué also publishes CloudEvents on its answers topic (`InvitationAnswersTopicArn`), generated',
  'from `functions/events/outbound.ts`: ' +
    'invitation.accepted, invitation.declined, invitation.delegated (RSVP answers, see README "Invitations").',
  '',
].join('\n');

/**
 * The generated files, by file name, with their exact contents. Pure: the test compares this with
 * the disk, and {@link writeJsonSchemas} writes it.
 */
export function renderJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const type of PUBLIC_EVENT_TYPES) {
    const { $schema, title, description, ...rest } = z.toJSONSchema(publicEventSchemas[type], {
      io: 'input',
      target: 'draft-2020-12',
    });
    // Title and description first: they are what a person opening the file reads.
    const ordered = { $schema, title, description, ...rest };
    files.set(`${type}.json`, `${JSON.stringify(ordered, null, 2)}\n`);
  }
  for (const type of OUTBOUND_EVENT_TYPES) {
    const { $schema, title, description, ...rest } = z.toJSONSchema(outboundEventSchemas[type], {
      io: 'output',
      target: 'draft-2020-12',
    });
    files.set(`${type}.json`, `${JSON.stringify({ $schema, title, description, ...rest }, null, 2)}\n`);
  }
  files.set('README.md', README);
  return files;
}

/**
 * Writes {@link renderJsonSchemas} into `dir`, removing JSON files of types that no longer exist.
 *
 * @returns the names of the files written.
 */
export async function writeJsonSchemas(dir: string = SCHEMAS_DIR): Promise<string[]> {
  const files = renderJsonSchemas();
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.endsWith('.json') && !files.has(name)) await rm(path.join(dir, name));
  }
  for (const [name, content] of files) await writeFile(path.join(dir, name), content, 'utf8');
  return [...files.keys()];
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const written = await writeJsonSchemas();
  console.log(`wrote ${written.length} files to ${path.relative(process.cwd(), SCHEMAS_DIR) || '.'}`);
}
