/**
 * Exit codes and the errors that carry them. Every failure the CLI reports ends in one of these,
 * so a script can tell "fix your input" from "start the stack" without parsing text.
 */

/** Process exit codes, documented in docs/cli.md. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Refused: invalid input, an unknown id, an empty audience, an event the stack rejected. */
  refused: 1,
  /** Usage: unknown command or option, missing argument (commander's own errors). */
  usage: 2,
  /** The stack cannot be reached: not running, wrong endpoints, no credentials, timed out. */
  unreachable: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure to report to the person at the terminal, with the exit code it ends in. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.refused,
    /** Machine-readable detail for `--json` (e.g. the issues of a refused event). */
    readonly detail?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Refused input or an unknown id (exit 1). */
export class RefusedError extends CliError {
  override name = 'RefusedError';
  constructor(message: string, detail?: Record<string, unknown>) {
    super(message, ExitCode.refused, detail);
  }
}

/** The stack is not reachable (exit 3). */
export class UnreachableError extends CliError {
  override name = 'UnreachableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.unreachable, undefined, options);
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Whether an SDK error means "could not talk to the service at all" rather than "it said no". */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; name?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return true;
    // Node's happy-eyeballs connect throws an AggregateError holding the per-address failures.
    if (Array.isArray(e.errors) && e.errors.some((inner) => isNetworkError(inner))) return true;
    current = e.cause;
  }
  return false;
}

/** Whether an SDK error means there are no usable AWS credentials. */
export function isCredentialsError(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return (
    name === 'CredentialsProviderError' ||
    name === 'ExpiredTokenException' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidClientTokenId' ||
    name === 'ExpiredToken'
  );
}
