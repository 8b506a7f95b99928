/**
 * What is deployed (functions/) imports nothing from the tooling around it: the CLI (cli/) and the
 * embedded stack (local/) are not in any Lambda bundle. Every import specifier of every source
 * file is resolved against its folder and checked, static and dynamic alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve('.');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative specifiers of `import … from '…'`, `export … from '…'` and `import('…')`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.[^'"]+)['"]/g)) {
    if (m[1]) found.push(m[1]);
  }
  return found;
}

describe('layering', () => {
  it('functions/ imports nothing from cli/ or local/', () => {
    const offending: string[] = [];
    const files = sources(path.join(ROOT, 'functions'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const target = path.relative(ROOT, path.resolve(path.dirname(file), spec));
        if (/^(cli|local)[/\\]/.test(target)) offending.push(`${path.relative(ROOT, file)} → ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('sees a forbidden import when there is one (the check itself works)', () => {
    const spec = importsOf(path.join(ROOT, 'cli', 'lib', 'samples.ts'));
    expect(spec.some((s) => s.startsWith('../../functions/'))).toBe(true);
  });
});
