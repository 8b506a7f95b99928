/**
 * Error classes of the pipeline, and the one place that decides whether an
 * error is worth retrying. Each subclass sets `name` and keeps `{ cause }`.
 */

/** The input can never succeed: record it, don't retry. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** A passing fault (throttling, network, 5xx): retry later. */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** The account cannot send at all right now (sending paused): stop the mailing, keep deliveries queued. */
export class AccountSendingPausedError extends Error {
  override name = 'AccountSendingPausedError';
}

/** A configuration value is missing or malformed; thrown at cold start. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'TimeoutError',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** True for throttling: SES "Maximum sending rate exceeded", `Throttling`, `TooManyRequestsException`. */
export function isThrottling(error: unknown): boolean {
  const e = error as AwsLikeError;
  return (
    e?.name === 'Throttling' ||
    e?.name === 'ThrottlingException' ||
    e?.name === 'TooManyRequestsException' ||
    /maximum sending rate exceeded/i.test(e?.message ?? '')
  );
}

/**
 * The single retry decision. Retryable: our TransientError, throttling, 5xx,
 * network errors and anything the SDK marks `$retryable`. Everything else —
 * validation, MessageRejected, conditional-check failures handled by callers —
 * is permanent.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (error instanceof PermanentError) return false;
  const e = error as AwsLikeError;
  if (!e || typeof e !== 'object') return false;
  if (isThrottling(error)) return true;
  if (
    THROTTLING_CODES.has(e.name ?? '') ||
    NETWORK_CODES.has(e.code ?? '') ||
    NETWORK_CODES.has(e.name ?? '')
  ) {
    return true;
  }
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  // Connection failures surface from the HTTP handler without a status.
  if (status === undefined && /socket|network|ECONN|timeout/i.test(e.message ?? '')) return true;
  return false;
}

/** True when a DynamoDB conditional write lost (the expected outcome of a race or a repeat). */
export function isConditionFailed(error: unknown): boolean {
  return (error as AwsLikeError)?.name === 'ConditionalCheckFailedException';
}
