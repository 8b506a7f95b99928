import { loadEnv } from './lib/config.js';
import { storeDeps } from './lib/deps.js';
import { functionUrlHandler } from './lib/function-url.js';
import { logger } from './lib/logger.js';
import { handleUnsubscribe } from './unsubscribe/endpoint.js';
import { loadUnsubscribeKeys } from './unsubscribe/token.js';

const env = loadEnv(['TABLE_NAME', 'RETENTION_DAYS', 'UNSUBSCRIBE_KEYS', 'UNSUBSCRIBE_KEY_PARAMETER']);

/**
 * The public unsubscribe endpoint (Lambda function URL, payload 2.0): GET shows
 * a confirm page, an RFC 8058 one-click POST unsubscribes. See unsubscribe/endpoint.ts.
 * When it fails, a person gets a page that says to try again, not a bare 502.
 */
export const handler = functionUrlHandler('unsubscribe', async (request) =>
  handleUnsubscribe({ ...storeDeps(env), keys: await loadUnsubscribeKeys(env), log: logger }, request),
);
