import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { documentClient, sesClient, sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { logger, maskEmail, metrics } from './lib/logger.js';
import type { SendJob } from './mailing/plan.js';
import { cachedReader } from './sending/cache.js';
import { composerFor } from './sending/compose.js';
import { pacerFor } from './sending/pacer.js';
import { holdLater, retryLater } from './sending/retry.js';
import { type SenderDeps, sendOne } from './sending/send.js';
import { getMailing, type StoreDeps, suppressionsFor } from './store/store.js';

const env = loadEnv([
  'TABLE_NAME',
  'SEND_QUEUE_URL',
  'RETENTION_DAYS',
  'CONFIGURATION_SET',
  'SEND_RATE_PER_INVOCATION',
  'SEND_LEASE_SECONDS',
  'SENDER_DOMAIN',
  'FROM_ADDRESS',
  'UNSUBSCRIBE_BASE_URL',
  'UNSUBSCRIBE_KEYS',
  'UNSUBSCRIBE_KEY_PARAMETER',
]);
const store: StoreDeps = {
  db: documentClient(),
  table: env.TABLE_NAME,
  now: () => new Date(),
  retentionDays: env.RETENTION_DAYS,
};
// A mailing's content doesn't change while it sends, and a cancellation is seen on the delivery
// rows (and re-read before a retry), so a one-second cache is safe.
const mailing = cachedReader((id: string) => getMailing(store, id), 1_000);
const compose = composerFor(store, env);
const processor = new BatchProcessor(EventType.SQS);

/** Sender: claims each delivery, renders, sends through SES at the paced rate, records the state. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const deps: SenderDeps = {
    ...store,
    ses: sesClient(),
    configurationSet: env.CONFIGURATION_SET,
    leaseSeconds: env.SEND_LEASE_SECONDS,
    pacer: pacerFor(context.logStreamName, env.SEND_RATE_PER_INVOCATION),
    mailing,
    freshMailing: (id) => getMailing(store, id),
    mailingChanged: (id) => mailing.forget(id),
    suppressions: (contactKey, cid) => suppressionsFor(store, contactKey, cid),
    compose,
    count: (name) => metrics.addMetric(name, MetricUnit.Count, 1),
  };
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const job = JSON.parse(record.body) as SendJob;
    const outcome = await sendOne(deps, job);
    logger.info('send', { mailingId: job.mailingId, to: maskEmail(job.contactKey), outcome });
    // Only a job that SES did not take comes back; everything else is settled in the table.
    if (outcome === 'retry' || outcome === 'throttled')
      await retryLater(sqsClient(), env.SEND_QUEUE_URL, job, { fault: outcome === 'retry' });
    else if (outcome === 'held') await holdLater(sqsClient(), env.SEND_QUEUE_URL, job);
  };
  try {
    return await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
