import { PublishCommand } from '@aws-sdk/client-sns';
import { snsClient, sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { storeDeps } from './lib/deps.js';
import { functionUrlHandler } from './lib/function-url.js';
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
 * When it fails, the invitee gets a line that says to try again (the answer, if recorded, stays
 * recorded, and the same POST again completes what is missing).
 */
export const handler = functionUrlHandler('rsvp', async (request) => {
  const keys = await loadUnsubscribeKeys(env);
  const client = snsClient();
  return handleRsvp(
    {
      ...storeDeps(env),
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
    request,
  );
});
