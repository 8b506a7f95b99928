import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { ApiDeps } from './api/deps.js';
import { identityOf } from './api/identity.js';
import { handleApi } from './api/routes.js';
import { sesClient, sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { pipelineDeps } from './lib/deps.js';
import { logger } from './lib/logger.js';

const env = loadEnv([
  'TABLE_NAME',
  'SEND_QUEUE_URL',
  'INTAKE_QUEUE_URL',
  'RETENTION_DAYS',
  'SENDER_DOMAIN',
  'FROM_ADDRESS',
  'UNSUBSCRIBE_BASE_URL',
]);

const deps: ApiDeps = {
  pipeline: pipelineDeps(env),
  sqs: sqsClient(),
  ses: sesClient(),
  intakeQueueUrl: env.INTAKE_QUEUE_URL,
  sendQueueUrl: env.SEND_QUEUE_URL,
  label: 'the stack',
  compose: {
    SENDER_DOMAIN: env.SENDER_DOMAIN,
    FROM_ADDRESS: env.FROM_ADDRESS,
    UNSUBSCRIBE_BASE_URL: env.UNSUBSCRIBE_BASE_URL,
    // Throwaway keys: the unsubscribe link of a test mail must not work for anyone.
    UNSUBSCRIBE_KEYS: JSON.stringify({
      current: 'test-send',
      keys: { 'test-send': randomBytes(32).toString('base64') },
    }),
  },
};

/**
 * The organizer API behind API Gateway (HTTP API, payload 2.0). Every route is behind the JWT
 * authorizer; the group claim is checked per action in api/access.ts. See api/routes.ts.
 */
export const handler = async (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<APIGatewayProxyResultV2> => {
  let body: unknown;
  if (event.body) {
    try {
      body = JSON.parse(
        event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body,
      );
    } catch {
      return json(400, { error: 'The request body is not JSON.' });
    }
  }
  const response = await handleApi(deps, {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: event.queryStringParameters ?? {},
    body,
    identity: identityOf(event),
  });
  if (response.status >= 500)
    logger.error('api request failed', { path: event.rawPath, body: response.body });
  return json(response.status, response.body);
};

function json(status: number, body: unknown): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
