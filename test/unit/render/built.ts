/**
 * Makes sure templates/dist matches the sources before a test imports the render API (which
 * imports the compiled module statically). `npm test` builds first; this covers `npx vitest run
 * test/unit/render` after an edit. Concurrent workers may both rebuild: the build writes with a
 * rename, so a reader never sees half a file.
 */
import { buildTemplates, isBuildFresh } from '../../../templates/build.js';

if (!(await isBuildFresh())) await buildTemplates();

export const renderApi = await import('../../../functions/render/index.js');
export const compiledApi = await import('../../../functions/render/compiled.js');
