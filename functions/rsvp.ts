import { PublishCommand } from '@aws-sdk/client-sns';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { documentClient, snsClient, sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { readFunctionUrlRequest, TEMPORARILY_UNAVAILABLE } from './lib/function-url.js';
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
      readFunctionUrlRequest(event, context),
    );
  } catch (error) {
    // A bare 502 helps nobody; the invitee gets a line that says to try again (the answer, if
    // recorded, stays recorded, and the same POST again completes what is missing).
    logger.error('rsvp failed', error as Error);
    return TEMPORARILY_UNAVAILABLE;
  }
};
