/**
 * The kind registry is the one place a kind is declared (README, "Adding a mail kind"): every kind
 * it lists has its template, its catalog sections and its samples, and every list derived
 * elsewhere agrees with it. Adding a kind that misses one of the four steps fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../cli/main.js';
import { minimalSamplesFor, sampleRecipient, samplesFor } from '../../../demo/samples.js';
import { capabilities } from '../../../functions/api/access.js';
import { mailingKindSchema } from '../../../functions/events/schemas.js';
import {
  BULK_KINDS,
  DERIVED_KINDS,
  hasOrganizerContent,
  isBulkKind,
  isListedByDefault,
  isMailingKind,
  KINDS_WITH_CONTENT,
  kindDefinition,
  MAIL_KINDS,
  MAILING_KINDS,
} from '../../../functions/kinds/index.js';
import { isBulk, phasesFor } from '../../../functions/mailing/audience.js';
import { RESERVED_MAILING_ID_PREFIXES, reservedFamilyOf } from '../../../functions/mailing/derived-ids.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TEMPLATES = path.join(ROOT, 'templates');
const CATALOGS = path.join(TEMPLATES, 'catalogs');
const catalogs = readdirSync(CATALOGS)
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) => [f, JSON.parse(readFileSync(path.join(CATALOGS, f), 'utf8')) as Record<string, unknown>] as const,
  );

describe('kind registry: what every kind brings', () => {
  it('lists each kind once, with the name its module declares', () => {
    expect(new Set(MAIL_KINDS).size).toBe(MAIL_KINDS.length);
    for (const kind of MAIL_KINDS) expect(kindDefinition(kind).name).toBe(kind);
  });

  it.each(MAIL_KINDS)('%s has an MJML template', (kind) => {
    expect(existsSync(path.join(TEMPLATES, `${kind}.mjml`))).toBe(true);
  });

  it('has a kind for every MJML template (no orphan template)', () => {
    const templates = readdirSync(TEMPLATES)
      .filter((f) => f.endsWith('.mjml'))
      .map((f) => f.replace(/\.mjml$/, ''));
    expect(templates.sort()).toEqual([...MAIL_KINDS].sort());
  });

  it.each(MAIL_KINDS)('%s has a catalog section with a subject in every language', (kind) => {
    expect(catalogs.length).toBeGreaterThan(0);
    for (const [file, catalog] of catalogs) {
      const section = catalog[kind];
      expect(section, `${file} has no "${kind}" section`).toBeTypeOf('object');
      // One subject, or one per variant (`subject-conference`, `subject-session`).
      const subjects = Object.keys(section ?? {}).filter((key) => /^subject(-|$)/.test(key));
      expect(subjects.length, `${file}: ${kind}.subject…`).toBeGreaterThan(0);
    }
  });

  it.each(MAIL_KINDS)('%s has a realistic and a minimal sample', (kind) => {
    const recipient = sampleRecipient('en');
    expect(samplesFor(recipient).some((s) => s.kind === kind)).toBe(true);
    expect(minimalSamplesFor(recipient).some((s) => s.kind === kind)).toBe(true);
  });
});

describe('kind registry: lists derived elsewhere agree with it', () => {
  it('bulk is one rule: the renderer, the suppression rule and the list agree', () => {
    for (const kind of MAIL_KINDS) {
      expect(isBulkKind(kind), kind).toBe(kindDefinition(kind).bulk);
      expect(isBulk(kind), kind).toBe(kindDefinition(kind).bulk);
      expect((BULK_KINDS as readonly string[]).includes(kind), kind).toBe(kindDefinition(kind).bulk);
    }
  });

  it('the intake accepts exactly the organizer-mailing kinds in mailing.requested', () => {
    for (const kind of MAIL_KINDS) {
      expect(mailingKindSchema.safeParse(kind).success, kind).toBe(kindDefinition(kind).organizerMailing);
      expect(isMailingKind(kind), kind).toBe(kindDefinition(kind).organizerMailing);
    }
    expect([...MAILING_KINDS].sort()).toEqual(
      MAIL_KINDS.filter((k) => kindDefinition(k).organizerMailing).sort(),
    );
  });

  it('a mailing with no role filter reads the contact list its kind names', () => {
    for (const kind of MAIL_KINDS) {
      const reads = kindDefinition(kind).audience ?? 'registrations';
      expect(phasesFor(kind, {}), kind).toEqual([reads]);
    }
  });

  it('organizer content is asked for exactly where the kind says', () => {
    for (const kind of MAIL_KINDS)
      expect(hasOrganizerContent(kind), kind).toBe(kindDefinition(kind).organizerContent);
    for (const kind of KINDS_WITH_CONTENT) expect(kindDefinition(kind).organizerMailing, kind).toBe(true);
  });

  it('reserves the id prefix of every derived kind, and only those', () => {
    const derived = MAIL_KINDS.filter((k) => kindDefinition(k).derived !== undefined);
    expect(DERIVED_KINDS.map((d) => d.kind).sort()).toEqual(derived.sort());
    for (const kind of derived) {
      const prefix = kindDefinition(kind).derived?.prefix ?? '';
      expect(RESERVED_MAILING_ID_PREFIXES).toContain(prefix);
      expect(reservedFamilyOf(`${prefix}x`)?.kind).toBe(kind);
    }
    expect(RESERVED_MAILING_ID_PREFIXES).toHaveLength(derived.length);
  });

  it('the CLI offers the registry’s kinds (mailing create --kind, preview <kind>)', () => {
    const program = buildProgram();
    const create = program.commands
      .find((c) => c.name() === 'mailing')
      ?.commands.find((c) => c.name() === 'create');
    const kindOption = create?.options.find((o) => o.long === '--kind');
    expect(kindOption?.description).toBe(`kind of mailing: ${MAILING_KINDS.join(', ')}`);
    const preview = program.commands.find((c) => c.name() === 'preview');
    expect(preview?.registeredArguments[0]?.description).toBe(MAIL_KINDS.join(', '));
  });

  it('the console composes the organizer-mailing kinds, with content fields for the content kinds', () => {
    const can = capabilities({ user: 'o', groups: ['organizers'] });
    expect(can.composeKinds).toEqual([...MAILING_KINDS]);
    expect(can.contentKinds).toEqual([...KINDS_WITH_CONTENT]);
    // A press officer composes the kinds that go to the press, and only those.
    const press = capabilities({ user: 'p', groups: ['press-office'] });
    expect(press.composeKinds).toEqual(MAILING_KINDS.filter((k) => kindDefinition(k).audience === 'press'));
    expect(press.composeKinds.length).toBeGreaterThan(0);
  });

  it('one-person transactional mail is the only mail hidden from mailing lists', () => {
    for (const kind of MAIL_KINDS) {
      const hidden = !isListedByDefault(kind);
      if (hidden) expect(isBulkKind(kind) || kindDefinition(kind).organizerMailing, kind).toBe(false);
    }
  });
});

describe('kind registry: light enough for every function', () => {
  it('bundles from its own folder alone (no renderer, no schema library, no package)', async () => {
    // Act: what a function that imports the registry gets from it.
    const result = await build({
      entryPoints: [path.join(ROOT, 'functions/kinds/index.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });

    // Assess
    const inputs = Object.keys(result.metafile.inputs).map((f) => path.relative(ROOT, path.resolve(f)));
    expect(inputs.length).toBeGreaterThanOrEqual(MAIL_KINDS.length);
    for (const input of inputs) expect(input).toMatch(/^functions\/kinds\/[a-z-]+\.ts$/);
  });
});
