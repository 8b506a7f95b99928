import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { pipelineActivity } from '../../../local/runner.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../../local/stack.js';

export type TestStackOptions = Partial<Omit<LocalStackOptions, 'emlDir'>> & {
  /** Rewrites the synthesized template before the stack starts (e.g. swap a handler for a probe). */
  transformTemplate?: (template: Record<string, unknown>) => void;
};

/** The synthesized template shared by the run (see test/global-setup.ts). */
export function sharedTemplate(): Record<string, unknown> {
  const template = JSON.parse(inject('template')) as Record<string, unknown>;
  if (typeof template.synthError === 'string') throw new Error(`cdk synth failed: ${template.synthError}`);
  return template;
}

/**
 * Starts the embedded stack on free ports for this test file and stops it
 * afterwards. Failed records come back after 1 s rather than the queue's
 * minutes-long visibility timeout, and the clock ticks only when a test says so.
 */
export function useLocalStack(options: TestStackOptions = {}): { readonly current: LocalStack } {
  const holder: { current?: LocalStack; dir?: string } = {};
  beforeAll(async () => {
    holder.dir = await mkdtemp(path.join(tmpdir(), 'communique-test-'));
    const template = options.template ?? sharedTemplate();
    options.transformTemplate?.(template);
    holder.current = await startLocalStack({
      failedVisibilitySeconds: 1,
      scheduleEverySeconds: 3600,
      ...options,
      template,
      emlDir: path.join(holder.dir, 'outbox'),
    });
  });
  afterAll(async () => {
    await holder.current?.stop();
    if (holder.dir) await rm(holder.dir, { recursive: true, force: true });
  });
  return {
    get current(): LocalStack {
      if (!holder.current) throw new Error('local stack not started');
      return holder.current;
    },
  };
}

/**
 * Polls until `check` returns a value other than undefined. Fails once `timeoutMs` passed with
 * no progress: the window starts again whenever the embedded stacks of this process hand records
 * to a handler, so a slow, loaded machine that is still working is waited for, and a pipeline
 * that stopped moving fails after `timeoutMs`.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  let seen = pipelineActivity();
  let deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = pipelineActivity();
    if (now !== seen) {
      seen = now;
      deadline = Date.now() + timeoutMs;
    }
  }
  throw new Error(
    `timed out waiting for ${what}: the pipeline handled nothing for ${timeoutMs} ms${last ? `; last error: ${String(last)}` : ''}`,
  );
}
