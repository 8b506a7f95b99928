/**
 * `npm run chaos -- --runs N [--seed S] [--path P] [--recipients R] [--per-process K] [--parallel P] [--shrink] [--keep-going]`
 *
 * Runs the chaos property (test/chaos/property.ts) for N random fault schedules
 * and prints the figures: schedules tried, faults injected by kind, violations.
 * Long runs go in chunks of `--per-process` schedules, each in a fresh process
 * (a fresh embedded stack) with seed S + chunk, up to `--parallel` chunks at a time; a failure prints the chunk's
 * seed and path, which `--seed S --path P --runs 1` replays (add `--shrink` to shrink it).
 * `--schedule "intake:DynamoDB.GetItem#4 error access-denied; sender:SES.SendRawEmail#3 lost"`
 * pins the faults a failure printed and draws only the flows' orders and batches.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { defaultConfig, synthTemplate } from '../../infra/synth.js';
import { parseFault } from '../../local/faults.js';
import { type ChaosFigures, noFigures, runChaos } from './property.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    seed: { type: 'string' },
    path: { type: 'string' },
    recipients: { type: 'string', default: '120' },
    'per-process': { type: 'string', default: '40' },
    parallel: { type: 'string', default: '1' },
    shrink: { type: 'boolean', default: false },
    'keep-going': { type: 'boolean', default: false },
    schedule: { type: 'string' },
    child: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const runs = Number(values.runs);
const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
const perProcess = Number(values['per-process']);

async function child(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const figures = await runChaos({
    runs,
    seed,
    path: values.path,
    recipients: Number(values.recipients),
    shrink: values.shrink,
    keepGoing: values['keep-going'],
    ...(values.schedule ? { schedule: values.schedule.split(';').map(parseFault) } : {}),
    template: synthTemplate(defaultConfig()),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`CHAOS-FIGURES ${JSON.stringify(figures)}\n`);
  process.exit(figures.failure ? 1 : 0);
}

/** One chunk of schedules in a fresh process: its figures, or why it ended without them. */
function runChunk(chunk: number, n: number): Promise<ChaosFigures | string> {
  const chunkSeed = seed + chunk;
  const args = [
    '--import',
    'tsx',
    process.argv[1] ?? 'test/chaos/run.ts',
    '--child',
    '--runs',
    String(n),
    '--seed',
    String(chunkSeed),
    '--recipients',
    String(values.recipients),
  ];
  if (values.path) args.push('--path', values.path);
  if (values.shrink) args.push('--shrink');
  if (values['keep-going']) args.push('--keep-going');
  if (values.schedule) args.push('--schedule', values.schedule);
  process.stderr.write(`chunk ${chunk + 1}: ${n} schedules, seed ${chunkSeed}\n`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  // Chunks run side by side: each line of a child's log says which chunk it came from.
  createInterface({ input: child.stderr }).on('line', (line) =>
    process.stderr.write(`[${chunk + 1}] ${line}\n`),
  );
  return new Promise((resolve) => {
    child.on('close', (status) => {
      const line = stdout.split('\n').find((l) => l.startsWith('CHAOS-FIGURES '));
      resolve(
        line
          ? (JSON.parse(line.slice('CHAOS-FIGURES '.length)) as ChaosFigures)
          : `chunk with seed ${chunkSeed} ended without figures (exit ${status})`,
      );
    });
  });
}

async function main(): Promise<void> {
  const total = noFigures(seed);
  const failures: string[] = [];
  const chunks: number[] = [];
  for (let left = runs; left > 0; left -= perProcess) chunks.push(Math.min(perProcess, left));
  // The schedules wait on leases, back-offs and quiet periods more than they compute, so chunks
  // can run side by side (`--parallel`); each has its own stack and its own seed either way.
  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < chunks.length) {
      const chunk = next++;
      const result = await runChunk(chunk, chunks[chunk] ?? 0);
      if (typeof result === 'string') {
        failures.push(result);
        stop = true;
        continue;
      }
      total.schedules += result.schedules;
      total.violations += result.violations;
      total.deliveries += result.deliveries;
      total.deadLetters += result.deadLetters ?? 0;
      for (const [k, v] of Object.entries(result.faults)) total.faults[k] = (total.faults[k] ?? 0) + v;
      for (const [k, v] of Object.entries(result.calls)) total.calls[k] = (total.calls[k] ?? 0) + v;
      if (result.failure) {
        failures.push(result.failure);
        if (!values['keep-going']) stop = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(values.parallel)) }, worker));
  const injected = Object.values(total.faults).reduce((a, b) => a + b, 0);
  console.log(`\nchaos: seed ${seed}, ${total.schedules} schedules, ${total.deliveries} deliveries planned`);
  console.log(
    `faults injected: ${injected} (${Object.entries(total.faults)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );
  console.log(
    `AWS calls seen: ${Object.entries(total.calls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(`dead letters (recorded, sent back once): ${total.deadLetters}`);
  console.log(`violations: ${total.violations}`);
  for (const f of failures) console.log(`\n${f}`);
  process.exit(failures.length > 0 || total.violations > 0 ? 1 : 0);
}

if (values.child) void child();
else void main();
