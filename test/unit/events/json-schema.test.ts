import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas, SCHEMAS_DIR } from '../../../functions/events/export-json-schema.js';
import { OUTBOUND_EVENT_TYPES } from '../../../functions/events/outbound.js';
import { PUBLIC_EVENT_TYPES } from '../../../functions/events/schemas.js';

const REGENERATE = 'run `npx tsx functions/events/export-json-schema.ts` and commit schemas/';

describe('published JSON Schemas', () => {
  const generated = renderJsonSchemas();

  it('has one schema per public event type plus the README', () => {
    // Act
    const names = [...generated.keys()].sort();

    // Assess
    expect(names).toEqual(
      [...PUBLIC_EVENT_TYPES, ...OUTBOUND_EVENT_TYPES]
        .map((t) => `${t}.json`)
        .concat('README.md')
        .sort(),
    );
  });

  it.each([...generated.keys()])('schemas/%s on disk equals what the script generates now', (name) => {
    // Prepare
    const file = path.join(SCHEMAS_DIR, name);

    // Act
    const onDisk = existsSync(file) ? readFileSync(file, 'utf8') : undefined;

    // Assess
    expect(onDisk, `schemas/${name} is stale or missing: ${REGENERATE}`).toBe(generated.get(name));
  });

  it('has no stale schema files for types that no longer exist', () => {
    // Act
    const extra = readdirSync(SCHEMAS_DIR).filter((name) => !generated.has(name));

    // Assess
    expect(extra, REGENERATE).toEqual([]);
  });

  it.each([...PUBLIC_EVENT_TYPES, ...OUTBOUND_EVENT_TYPES])(
    'pins the type and the CloudEvents version in %s',
    (type) => {
      // Act
      const schema = JSON.parse(generated.get(`${type}.json`) ?? '{}') as {
        title?: string;
        required?: string[];
        properties?: Record<string, { const?: string }>;
      };

      // Assess
      expect(schema.title).toBe(type);
      expect(schema.properties?.type?.const).toBe(type);
      expect(schema.properties?.specversion?.const).toBe('1.0');
      expect(schema.required).toEqual(
        expect.arrayContaining(['specversion', 'id', 'source', 'type', 'time', 'data']),
      );
    },
  );
});
