import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type FeedbackDeps, processFeedbackRecord } from './feedback/process.js';
import { documentClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { logger, metrics } from './lib/logger.js';

const env = loadEnv(['TABLE_NAME', 'RETENTION_DAYS']);
const deps: FeedbackDeps = {
  db: documentClient(),
  table: env.TABLE_NAME,
  now: () => new Date(),
  retentionDays: env.RETENTION_DAYS,
  count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
  log: logger,
};
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const outcome = await processFeedbackRecord(deps, record.body, {
    sqsMessageId: record.messageId,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
  });
  logger.debug('feedback record', { messageId: record.messageId, outcome });
};

/**
 * Feedback: SES events (via SNS, raw delivery) → delivery state, mailing
 * counters and the suppression list. A record whose delivery is still being
 * sent is retried alone; everything else is acknowledged.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    // Flushed per invocation; an invocation with only repeats has nothing to say.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
