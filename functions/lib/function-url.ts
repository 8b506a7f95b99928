import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { logger } from './logger.js';
import type { PageRequest } from './pages.js';

/** A function URL event (payload 2.0) as the endpoints read it: headers lower-cased, body decoded. */
export function readFunctionUrlRequest(event: LambdaFunctionURLEvent, context: Context): PageRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  return {
    method: event.requestContext.http.method,
    query: event.queryStringParameters ?? {},
    headers,
    body,
    requestId: event.requestContext.requestId ?? context.awsRequestId,
  };
}

/**
 * A function URL answers a bare 502 when the handler throws; a person gets a line that says to
 * try again instead (what was recorded stays recorded, and the same request again completes it).
 */
export const TEMPORARILY_UNAVAILABLE: LambdaFunctionURLResult = {
  statusCode: 503,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'retry-after': '30' },
  body: 'Temporarily unavailable. Please try again in a minute.',
};

/**
 * The Lambda handler of a public page: reads the function-URL request, answers with what
 * `respond` makes of it, and with {@link TEMPORARILY_UNAVAILABLE} (logged as `<what> failed`)
 * when it throws.
 */
export function functionUrlHandler(
  what: string,
  respond: (request: PageRequest) => Promise<LambdaFunctionURLResult>,
): (event: LambdaFunctionURLEvent, context: Context) => Promise<LambdaFunctionURLResult> {
  return async (event, context) => {
    try {
      return await respond(readFunctionUrlRequest(event, context));
    } catch (error) {
      logger.error(`${what} failed`, error as Error);
      return TEMPORARILY_UNAVAILABLE;
    }
  };
}
