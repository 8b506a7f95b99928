import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

/** What the public endpoints (unsubscribe, RSVP) read of a function-URL request. */
export interface FunctionUrlRequest {
  method: string;
  query: Record<string, string | undefined>;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  body: Buffer | undefined;
  requestId: string;
}

/** A function URL event (payload 2.0) as the endpoints read it: headers lower-cased, body decoded. */
export function readFunctionUrlRequest(event: LambdaFunctionURLEvent, context: Context): FunctionUrlRequest {
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
