import { PublishCommand } from '@aws-sdk/client-sns';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { documentClient, snsClient, sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { logger } from './lib/logger.js';
import { handleRsvp } from './rsvp/endpoint.js';
import { loadUnsubscribeKeys } from './unsubscribe/token.js';

const env = loadEnv([
  'TABLE_NAME',
  'RETENTION_DAYS',
  'SEND_QUEUE_URL',
  'ANSWERS_TOPIC_ARN',
  'UNSUBSCRIBE_KEYS',
  'UNSUBSCRIBE_KEY_PARAMETER',
]);

/**
 * The public RSVP endpoint (Lambda function URL, payload 2.0): GET shows the answer form, POST
 * records the answer, sends its confirmation and publishes it upstream. See rsvp/endpoint.ts.
 */
export const handler = async (
  event: LambdaFunctionURLEvent,
  context: Context,
): Promise<LambdaFunctionURLResult> => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  try {
    const keys = await loadUnsubscribeKeys(env);
    const client = snsClient();
    return await handleRsvp(
      {
        db: documentClient(),
        table: env.TABLE_NAME,
        now: () => new Date(),
        retentionDays: env.RETENTION_DAYS,
        sqs: sqsClient(),
        sendQueueUrl: env.SEND_QUEUE_URL,
        keys,
        log: logger,
        publish: async (outbound) => {
          await client.send(
            new PublishCommand({
              TopicArn: env.ANSWERS_TOPIC_ARN,
              Message: JSON.stringify(outbound),
              MessageAttributes: { type: { DataType: 'String', StringValue: outbound.type } },
            }),
          );
        },
      },
      {
        method: event.requestContext.http.method,
        query: event.queryStringParameters ?? {},
        headers,
        body,
        requestId: event.requestContext.requestId ?? context.awsRequestId,
      },
    );
  } catch (error) {
    // A bare 502 helps nobody; the invitee gets a line that says to try again (the answer, if
    // recorded, stays recorded, and the same POST again completes what is missing).
    logger.error('rsvp failed', error as Error);
    return {
      statusCode: 503,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': '30',
      },
      body: 'Temporarily unavailable. Please try again in a minute.',
    };
  }
};
