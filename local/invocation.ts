import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { InvokeStore } from '@aws/lambda-invoke-store';

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

/**
 * The local runner runs several invocations of one function at once in one
 * process (one per poller), which a Lambda container only does in
 * multi-concurrency mode. In that mode the Lambda runtime keeps per-invocation
 * state in an AsyncLocalStorage-backed InvokeStore, and Powertools keeps its
 * BatchProcessor's records and failures there instead of on the shared
 * module-level processor. Without it, two concurrent invocations overwrite each
 * other's failures and a failed record is deleted as if it had succeeded. The
 * stack sets `AWS_LAMBDA_MAX_CONCURRENCY` (which makes Powertools use the store).
 *
 * The store is created here, when this module loads, before any AWS SDK call of the
 * process: the SDK's recursion-detection middleware asks for the store on its first
 * request, and without `AWS_LAMBDA_MAX_CONCURRENCY` set by then it creates the
 * single-context one, which holds one current context for the whole process and is
 * kept for good. With that one, an invocation that awaits sees whichever context
 * another invocation entered last, and a record's failure is counted in someone
 * else's batch (found by the chaos run: a failed registration deleted as done).
 */
const store = await InvokeStore.getInstanceAsync(true);
if (!('als' in store)) {
  throw new Error(
    'local/invocation.ts: the InvokeStore of this process keeps one context for all invocations (an AWS SDK call created it before this module loaded); import the local stack before making AWS calls',
  );
}

/** Runs a handler module's initialisation (its imports) in a context of its own, as the runtime's init phase. */
export function inInitContext<T>(fn: () => Promise<T>): Promise<T> {
  return store ? store.run({}, fn) : fn();
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
    const isolated = store
      ? () =>
          (store as NonNullable<typeof store>).run(
            { [Symbol.for('_AWS_LAMBDA_REQUEST_ID')]: invocation.invocationId },
            fn,
          )
      : fn;
    const run = invocations.run(invocation, isolated).then(
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
