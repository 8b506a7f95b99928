import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type FeedbackDeps, processFeedbackRecord } from './feedback/process.js';
import { documentClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { logger, metrics } from './lib/logger.js';
import { CounterBatch } from './store/counters.js';

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

const recordHandlerWith =
  (batchDeps: FeedbackDeps) =>
  async (record: SQSRecord): Promise<void> => {
    const outcome = await processFeedbackRecord(batchDeps, record.body, {
      sqsMessageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    });
    logger.debug('feedback record', { messageId: record.messageId, outcome });
  };

/**
 * Feedback: SES events (via SNS, raw delivery) → delivery state, mailing
 * counters and the suppression list. A record whose delivery is still being
 * sent is retried alone; everything else is acknowledged. The mailing counters
 * move once per batch per mailing.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  // Counter moves of the whole batch are written once per mailing at its end (store/counters.ts).
  const counters = new CounterBatch();
  try {
    const response = await processPartialResponse(
      event,
      recordHandlerWith({ ...deps, counters }),
      processor,
      {
        context,
        throwOnFullBatchFailure: false,
      },
    );
    // The rows are applied and are the record. A failed flush fails the batch: its records come
    // back, find their rows already moved, and ask the clock for a recount (store/recount.ts) —
    // a row cannot move twice, so nothing is counted twice.
    await counters.flush(deps);
    return response;
  } finally {
    // Flushed per invocation; an invocation with only repeats has nothing to say.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
