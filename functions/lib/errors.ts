/**
 * Error classes of the pipeline. Each subclass sets `name` and keeps `{ cause }`.
 * What a failed SES send means is decided in one place, `sending/ses-errors.ts`.
 */

/** The input can never succeed: record it, don't retry. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** Thrown for an event that is valid JSON and schema but cannot apply (e.g. an unknown conference). */
export class UnprocessableEventError extends PermanentError {
  override name = 'UnprocessableEventError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** A passing fault (throttling, network, 5xx): retry later. */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** A configuration value is missing or malformed; thrown at cold start. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

interface AwsLikeError {
  name?: string;
}

/** True when a DynamoDB conditional write lost (the expected outcome of a race or a repeat). */
export function isConditionFailed(error: unknown): boolean {
  return (error as AwsLikeError)?.name === 'ConditionalCheckFailedException';
}
