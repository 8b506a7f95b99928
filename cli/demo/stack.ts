/**
 * How `npm run demo` reaches a stack: the running one (`npm start`, found by its stack file), or
 * one it starts itself as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_CONFERENCE_ID } from '../../demo/data.js';
import { getConference } from '../../functions/store/store.js';
import { isNetworkError } from '../lib/errors.js';
import { defaultStackFile, localTarget, readStackFile, repoRoot, type Target } from '../lib/target.js';

export interface Connection {
  target: Target;
  outbox?: string;
  sesUrl: string;
  /** Set when the demo started the stack itself. */
  own?: { process: ChildProcess; stackFile: string };
}

/** The running stack's connection, from its stack file; undefined when none answers. */
async function running(file: string): Promise<Omit<Connection, 'own'> | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const stackFile = readStackFile(file);
    const target = localTarget(file, stackFile);
    await getConference(target.store, DEMO_CONFERENCE_ID);
    return {
      target,
      sesUrl: stackFile.endpoints.ses,
      ...(stackFile.outbox ? { outbox: stackFile.outbox } : {}),
    };
  } catch (error) {
    if (!isNetworkError(error) && !(error instanceof Error && error.name === 'UnreachableError')) throw error;
    return undefined;
  }
}

/**
 * Runs `npm start`'s entry (local/start.ts) as a child process, as a person would in another
 * terminal, and resolves once it prints its `ready` line; the CLI then finds it by its stack file.
 */
function startStack(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'local', 'start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/\bready\b/.test(seen)) resolve(child);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the local stack exited (code ${code}) before it was ready`)),
    );
  });
}

/** The running local stack, or one started for the demo. */
export async function connect(): Promise<Connection> {
  const file = defaultStackFile();
  const found = await running(file);
  if (found) {
    console.log(`Using the running local stack (${file}).`);
    return found;
  }
  console.log('No local stack is running: starting one for the demo (as `npm start` would)…');
  const child = await startStack();
  // While the demo's stack runs, the CLI can talk to it like to `npm start`'s.
  const started = await running(file);
  if (!started) {
    child.kill('SIGTERM');
    throw new Error(`the local stack started but ${file} does not lead to it`);
  }
  return { ...started, own: { process: child, stackFile: file } };
}

/** How many messages the local SES outbox holds; undefined when it does not answer. */
export async function outboxCount(sesUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${sesUrl}/store`);
    const body = (await response.json()) as { emails?: unknown[] };
    return body.emails?.length;
  } catch {
    return undefined;
  }
}
