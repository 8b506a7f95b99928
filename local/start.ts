/**
 * `npm start`: the embedded stack in the foreground on fixed ports, the stack's
 * handlers running against it, and the demo conference loaded.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack } from './stack.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number (0-65535), got "${raw}"`);
    process.exit(2);
  }
  return value;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const stateDir = path.resolve(process.env.COMMUNIQUE_STATE_DIR ?? path.join(root, '.local'));
const outbox = path.resolve(process.env.COMMUNIQUE_OUTBOX_DIR ?? path.join(stateDir, 'outbox'));
const started = Date.now();
// State lives in memory for the life of the process: queues (fauxqs) cannot persist, and a
// table that outlived its queues would hold deliveries no queue will ever deliver.
await rm(outbox, { recursive: true, force: true });
await mkdir(outbox, { recursive: true });

const stack = await startLocalStack({
  ports: {
    sqs: port('COMMUNIQUE_SQS_PORT', 4566),
    dynamodb: port('COMMUNIQUE_DYNAMODB_PORT', 8000),
    ses: port('COMMUNIQUE_SES_PORT', 8005),
    unsubscribe: port('COMMUNIQUE_UNSUBSCRIBE_PORT', 8010),
  },
  emlDir: outbox,
  failedVisibilitySeconds: 5,
  scheduleEverySeconds: Number(process.env.COMMUNIQUE_TICK_SECONDS ?? 5),
  log: (message, detail) =>
    console.error(`[local] ${message}`, detail instanceof Error ? detail.message : (detail ?? '')),
});

// The CLI finds the local stack through this file.
await writeFile(
  path.join(stateDir, 'stack.json'),
  `${JSON.stringify({ endpoints: stack.endpoints, outputs: stack.outputs, outbox, pid: process.pid }, null, 2)}\n`,
);

let demo = '';
if (process.env.COMMUNIQUE_DEMO !== '0') {
  const { loadDemo, DEMO_NEXT_STEPS } = await import('../cli/demo-data.js');
  const loadStarted = Date.now();
  await loadDemo(stack, { quiet: true });
  demo = `  demo conference dushanbe-2022 loaded in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s (200 delegates in en/ru/ar, 20 press contacts)\n\n${DEMO_NEXT_STEPS}`;
}

console.log(
  [
    `communiqué local stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  SQS/SNS   ${stack.endpoints.sqs}`,
    `  DynamoDB  ${stack.endpoints.dynamodb}`,
    `  SES       ${stack.endpoints.ses}   outbox: ${stack.endpoints.ses}/  (GET /store lists sent mail)`,
    `  .eml      ${outbox}`,
    `  unsubscribe ${stack.endpoints.unsubscribe}`,
    demo,
    'Ctrl-C stops it; state lives in memory and the next start begins afresh.',
  ]
    .filter((line) => line !== '')
    .join('\n'),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  await stack.stop();
  await rm(path.join(stateDir, 'stack.json'), { force: true });
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
