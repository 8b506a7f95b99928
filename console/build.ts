/**
 * Builds the console (`npm run build:console`): one esbuild bundle of the Preact app, minified,
 * with the page and the stylesheet beside it in console/dist/. Fails when the compressed script
 * of the first page goes over its budget of 150 KB.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.join(here, 'dist');
export const BUDGET_BYTES = 150 * 1024;

const OPTIONS: BuildOptions = {
  entryPoints: [path.join(here, 'src', 'main.ts')],
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  outfile: path.join(DIST, 'app.js'),
  logLevel: 'warning',
  legalComments: 'none',
};

export async function buildConsole(): Promise<{ jsBytes: number; gzipBytes: number }> {
  await mkdir(DIST, { recursive: true });
  await build(OPTIONS);
  await copyFile(path.join(here, 'index.html'), path.join(DIST, 'index.html'));
  await copyFile(path.join(here, 'app.css'), path.join(DIST, 'app.css'));
  const js = await readFile(path.join(DIST, 'app.js'));
  const gzipBytes = gzipSync(js, { level: 9 }).length;
  if (gzipBytes > BUDGET_BYTES) {
    throw new Error(`console bundle is ${gzipBytes} bytes gzipped, over the ${BUDGET_BYTES}-byte budget`);
  }
  return { jsBytes: js.length, gzipBytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { jsBytes, gzipBytes } = await buildConsole();
  if (!process.argv.includes('--quiet'))
    console.log(
      `console built: app.js ${(jsBytes / 1024).toFixed(1)} KB, ${(gzipBytes / 1024).toFixed(1)} KB gzipped`,
    );
}
