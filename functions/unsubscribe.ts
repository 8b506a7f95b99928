import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { documentClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { readFunctionUrlRequest, TEMPORARILY_UNAVAILABLE } from './lib/function-url.js';
import { logger } from './lib/logger.js';
import { handleUnsubscribe } from './unsubscribe/endpoint.js';
import { loadUnsubscribeKeys } from './unsubscribe/token.js';

const env = loadEnv(['TABLE_NAME', 'RETENTION_DAYS', 'UNSUBSCRIBE_KEYS', 'UNSUBSCRIBE_KEY_PARAMETER']);

/**
 * The public unsubscribe endpoint (Lambda function URL, payload 2.0): GET shows
 * a confirm page, an RFC 8058 one-click POST unsubscribes. See unsubscribe/endpoint.ts.
 */
export const handler = async (
  event: LambdaFunctionURLEvent,
  context: Context,
): Promise<LambdaFunctionURLResult> => {
  try {
    const keys = await loadUnsubscribeKeys(env);
    return await handleUnsubscribe(
      {
        db: documentClient(),
        table: env.TABLE_NAME,
        now: () => new Date(),
        retentionDays: env.RETENTION_DAYS,
        keys,
        log: logger,
      },
      readFunctionUrlRequest(event, context),
    );
  } catch (error) {
    // The function URL would answer a bare 502; a person gets a page that says to try again.
    logger.error('unsubscribe failed', error as Error);
    return TEMPORARILY_UNAVAILABLE;
  }
};
