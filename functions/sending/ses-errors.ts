/**
 * The one place that decides what a failed SES send means. Everything the
 * sender does after an error follows from the class:
 *
 * | class | when | the sender |
 * |---|---|---|
 * | `throttled` | `Throttling`, "Maximum sending rate exceeded", `TooManyRequestsException`, HTTP 429 | backs off and puts the job back; never a failure, never counted against the cap |
 * | `not-sent` | HTTP 5xx; the connection was refused or never made (DNS, no route, no credentials) | puts the job back with back-off, up to the retry cap |
 * | `may-have-been-sent` | the request may have left and no answer came: reset, hang-up, timeout, abort, a 2xx whose body did not parse, anything unrecognised without a status | records `uncertain`; never resent without an organizer |
 * | `account` | the account or configuration cannot send at all: sending paused, daily quota used up, unverified MAIL FROM, missing configuration set, not authorized (403, `AccessDenied`, bad or expired credentials) | pauses the mailing and holds the job |
 * | `permanent` | any other 4xx (`MessageRejected`, `InvalidParameterValue`, unknown 4xx) | records `failed` with the reason |
 *
 * The rule behind the table: a retry only where SES certainly did not take the
 * message, and `uncertain` wherever it might have.
 */

export type SesErrorClass = 'throttled' | 'not-sent' | 'may-have-been-sent' | 'account' | 'permanent';

export interface SesErrorVerdict {
  class: SesErrorClass;
  /** `Name: message`, for the delivery's or the mailing's reason. */
  reason: string;
}

interface AwsLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The account or configuration cannot send: no message of this mailing will go until someone acts. */
const ACCOUNT_ERRORS = new Set([
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  // Authorization: the role or the credentials, not the message.
  'AccessDenied',
  'AccessDeniedException',
  'NotAuthorized',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'OptInRequired',
]);

const THROTTLING_ERRORS = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException']);

/** Failures where no byte of the request reached SES. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CredentialsProviderError',
]);

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function neverConnected(e: AwsLikeError): boolean {
  if (NEVER_CONNECTED.has(text(e.code)) || NEVER_CONNECTED.has(text(e.name))) return true;
  // Node's happy-eyeballs connect reports every address it tried in one AggregateError.
  const inner = Array.isArray(e.errors) ? (e.errors as AwsLikeError[]) : [];
  return inner.length > 0 && inner.every((i) => NEVER_CONNECTED.has(text(i?.code)));
}

/** Classifies an error thrown by an SES SendRawEmail call. */
export function classifySesError(error: unknown): SesErrorVerdict {
  const e = (error !== null && typeof error === 'object' ? error : {}) as AwsLikeError;
  const name = text(e.name) || text(e.code) || 'Error';
  const message = text(e.message) || String(error);
  const reason = `${name}: ${message}`.slice(0, 500);
  const status = e.$metadata?.httpStatusCode;
  const verdict = (c: SesErrorClass): SesErrorVerdict => ({ class: c, reason });

  // SES reports a spent daily quota with the throttling code; only time (or a raised quota) ends it.
  if (/daily message quota exceeded/i.test(message)) return verdict('account');
  if (THROTTLING_ERRORS.has(name) || status === 429 || /maximum sending rate exceeded/i.test(message))
    return verdict('throttled');
  if (ACCOUNT_ERRORS.has(name) || status === 403) return verdict('account');
  if (status !== undefined) {
    if (status >= 500) return verdict('not-sent');
    if (status >= 400) return verdict('permanent');
    // A 2xx (or anything else) that still failed: SES answered, so it may have taken the message.
    return verdict('may-have-been-sent');
  }
  if (neverConnected(e)) return verdict('not-sent');
  return verdict('may-have-been-sent');
}
