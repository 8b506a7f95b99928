import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * One local Lambda invocation, as the runner sees it. The local runner runs
 * every handler call inside `invocations.run(...)`, so anything below it on the
 * same async path (the fault layer's SDK middleware) knows which function and
 * which invocation a call belongs to.
 *
 * `freeze` models the process dying (a timeout, out of memory, a crash at a
 * step): the runner stops waiting and fails the batch, and the fault layer
 * makes every later AWS call of this invocation hang for ever, so nothing after
 * that point takes effect.
 */
export interface Invocation {
  /** The function's short name: its entry file without folder and extension (`sender`, `intake`…). */
  readonly functionName: string;
  readonly invocationId: string;
  /** Why it died, once frozen. */
  frozenBy: string | undefined;
  freeze(reason: string): void;
  /** Settles (never rejects) with the reason when the invocation is frozen. */
  readonly frozen: Promise<string>;
}

export const invocations = new AsyncLocalStorage<Invocation>();

export function newInvocation(functionName: string): Invocation {
  let resolveFrozen: (reason: string) => void = () => undefined;
  const frozen = new Promise<string>((resolve) => {
    resolveFrozen = resolve;
  });
  const invocation: Invocation = {
    functionName,
    invocationId: randomUUID(),
    frozenBy: undefined,
    frozen,
    freeze(reason) {
      if (invocation.frozenBy !== undefined) return;
      invocation.frozenBy = reason;
      resolveFrozen(reason);
    },
  };
  return invocation;
}

/** How an invocation ended. */
export type InvocationResult<T> =
  | { kind: 'returned'; value: T }
  | { kind: 'threw'; error: unknown }
  | { kind: 'died'; reason: string };

/**
 * Runs `fn` as one invocation of `functionName`, racing it against its death:
 * a freeze from inside (a crash the fault layer injected) or the function's
 * timeout, as Lambda stops an invocation at its timeout whatever it is doing.
 */
export async function runInvocation<T>(
  functionName: string,
  timeoutSeconds: number,
  fn: () => Promise<T>,
): Promise<InvocationResult<T>> {
  const invocation = newInvocation(functionName);
  const timer = setTimeout(
    () => invocation.freeze(`timed out after ${timeoutSeconds} s`),
    timeoutSeconds * 1000,
  );
  try {
    const run = invocations.run(invocation, fn).then(
      (value): InvocationResult<T> => ({ kind: 'returned', value }),
      (error: unknown): InvocationResult<T> => ({ kind: 'threw', error }),
    );
    const died = invocation.frozen.then((reason): InvocationResult<T> => ({ kind: 'died', reason }));
    const result = await Promise.race([run, died]);
    // A handler that finished after its invocation died did so as a ghost: its result is void.
    return invocation.frozenBy !== undefined ? { kind: 'died', reason: invocation.frozenBy } : result;
  } finally {
    clearTimeout(timer);
  }
}
