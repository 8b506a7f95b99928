import { inInitContext } from './invocation.js';
import type { AnyHandler } from './runner.js';

export interface ExecutionEnvironment {
  /** Resolves once the entry module is loaded (its init ran). */
  ready(): Promise<AnyHandler>;
  /** Invokes the current environment's handler. */
  handler: AnyHandler;
  /** Starts a fresh environment for the invocations that follow. */
  reset(): void;
}

/**
 * A function's execution environment: its entry module and the state it holds at module level
 * (caches, the send pacer). Lambda resets an environment whose invocation timed out or crashed,
 * so nothing a dead invocation left half-done there is seen by the next; here, the entry module
 * is imported again under a new URL, which gives it new module state (the clients below it, and
 * the fault layer installed on them, stay).
 */
export function executionEnvironment(href: string): ExecutionEnvironment {
  let generation = 0;
  const load = () =>
    inInitContext(
      () =>
        import(generation === 0 ? href : `${href}?environment=${generation}`) as Promise<{
          handler: AnyHandler;
        }>,
    ).then((m) => m.handler);
  let current = load();
  return {
    ready: () => current,
    handler: async (event, context) => (await current)(event, context),
    reset: () => {
      generation++;
      current = load();
    },
  };
}
