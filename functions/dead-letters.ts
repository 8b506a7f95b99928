import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  type DeadLetterDeps,
  parseRoutes,
  processDeadLetter,
  REDRIVES_ATTRIBUTE,
} from './dead-letters/process.js';
import { sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { storeDeps } from './lib/deps.js';
import { logger, metrics } from './lib/logger.js';

const env = loadEnv(['TABLE_NAME', 'RETENTION_DAYS', 'DEAD_LETTER_ROUTES', 'REDRIVE_DELAY_SECONDS']);
const deps: DeadLetterDeps = {
  ...storeDeps(env),
  sqs: sqsClient(),
  routes: parseRoutes(env.DEAD_LETTER_ROUTES),
  redriveDelaySeconds: env.REDRIVE_DELAY_SECONDS,
  count: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
};
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const outcome = await processDeadLetter(deps, {
    messageId: record.messageId,
    body: record.body,
    dlqArn: record.eventSourceARN,
    sentTimestamp: record.attributes.SentTimestamp,
    redrives: Number(record.messageAttributes[REDRIVES_ATTRIBUTE]?.stringValue ?? 0) || 0,
  });
  logger.warn('dead letter', { messageId: record.messageId, dlq: record.eventSourceARN, outcome });
};

/** Dead letters of the three work queues: each recorded with its reason and sent back once. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
