import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IntakeQueue, IntakeRecord } from '../functions/events/producer.js';
import { type LocalStack, startLocalStack } from './stack.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where `npm start` keeps its state: the outbox folder and the stack file the CLI reads. */
export function localStateDir(): string {
  return path.resolve(process.env.COMMUNIQUE_STATE_DIR ?? path.join(root, '.local'));
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return value;
}

/**
 * The local stack as `npm start` runs it (and `npm run demo` when nothing is
 * running): fixed ports unless overridden, a fresh outbox, a 5-second clock and
 * the stack file the CLI finds it by.
 */
export async function startDefaultLocalStack(
  log?: (message: string, detail?: unknown) => void,
): Promise<{ stack: LocalStack; outbox: string; stackFile: string }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stateDir = localStateDir();
  const outbox = path.resolve(process.env.COMMUNIQUE_OUTBOX_DIR ?? path.join(stateDir, 'outbox'));
  // State lives in memory for the life of the process: queues (fauxqs) cannot persist, and a
  // table that outlived its queues would hold deliveries no queue will ever deliver.
  await rm(outbox, { recursive: true, force: true });
  await mkdir(outbox, { recursive: true });
  await mkdir(stateDir, { recursive: true });
  const stack = await startLocalStack({
    ports: {
      sqs: port('COMMUNIQUE_SQS_PORT', 4566),
      dynamodb: port('COMMUNIQUE_DYNAMODB_PORT', 8000),
      ses: port('COMMUNIQUE_SES_PORT', 8005),
      unsubscribe: port('COMMUNIQUE_UNSUBSCRIBE_PORT', 8010),
      rsvp: port('COMMUNIQUE_RSVP_PORT', 8011),
    },
    emlDir: outbox,
    failedVisibilitySeconds: 5,
    scheduleEverySeconds: Number(process.env.COMMUNIQUE_TICK_SECONDS ?? 5),
    ...(log ? { log } : {}),
  });
  const stackFile = path.join(stateDir, 'stack.json');
  await writeFile(
    stackFile,
    `${JSON.stringify({ endpoints: stack.endpoints, outputs: stack.outputs, outbox, pid: process.pid }, null, 2)}\n`,
  );
  return { stack, outbox, stackFile };
}

/** The stack's intake queue and table as a producer sees them (for loading the demo in-process). */
export function inProcessProducer(
  stack: Pick<LocalStack, 'clients' | 'outputs'>,
): IntakeQueue & IntakeRecord {
  const output = (name: string): string => {
    const value = stack.outputs[name];
    if (value === undefined) throw new Error(`the local stack has no ${name} output`);
    return value;
  };
  return {
    sqs: stack.clients.sqs,
    outputs: { IntakeQueueUrl: output('IntakeQueueUrl') },
    store: {
      db: DynamoDBDocumentClient.from(stack.clients.dynamodb, {
        marshallOptions: { removeUndefinedValues: true },
      }),
      table: output('TableName'),
      now: () => new Date(),
      retentionDays: 1,
    },
    label: 'the local stack',
  };
}
