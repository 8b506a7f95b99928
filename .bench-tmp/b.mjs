import { build } from 'esbuild';
const r = await build({ entryPoints: ['functions/sender.ts'], outfile: '/tmp/hperf-sender.mjs', bundle: true, minify: true, platform: 'node', format: 'esm', target: 'node20', external: ['@aws-sdk/*'], metafile: true, logLevel: 'error',
 banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" } });
const by = new Map();
for (const [f, i] of Object.entries(Object.values(r.metafile.outputs)[0].inputs)) { const n = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? f; by.set(n, (by.get(n) ?? 0) + i.bytesInOutput); }
console.log([...by].sort((a,b)=>b[1]-a[1]).slice(0,20).map(([n,b])=>`${n} ${(b/1024).toFixed(1)}`).join('\n'));
