import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processIntakeRecord } from './intake/process.js';
import { loadEnv } from './lib/config.js';
import { pipelineDeps } from './lib/deps.js';
import { logger } from './lib/logger.js';
import { useSubjectRenderer } from './mailing/preview.js';
import { render } from './render/index.js';
import { mailDataFor } from './sending/view-data.js';

const env = loadEnv([
  'TABLE_NAME',
  'SEND_QUEUE_URL',
  'INTAKE_QUEUE_URL',
  'INTAKE_DLQ_URL',
  'RETENTION_DAYS',
  'EVENT_LEASE_SECONDS',
  'MAX_RECEIVE_COUNT',
]);
const deps = {
  ...pipelineDeps(env),
  intakeDlqUrl: env.INTAKE_DLQ_URL,
  eventLeaseMs: env.EVENT_LEASE_SECONDS * 1000,
  // A planning page's lease follows the same rule as an event's: longer than the intake's timeout.
  planLeaseMs: env.EVENT_LEASE_SECONDS * 1000,
};
const processor = new BatchProcessor(EventType.SQS);

// Dry runs show a sample subject per language, rendered as the sender would.
useSubjectRenderer((mailing, conference, recipient) => {
  const data = mailDataFor(
    { recipient },
    mailing,
    conference,
    undefined,
    'https://unsubscribe.invalid/preview',
  );
  return render(mailing.kind, recipient.language, data as never).subject;
});

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const outcome = await processIntakeRecord(deps, record.body, record.messageId, {
    count: Number(record.attributes.ApproximateReceiveCount) || 1,
    max: env.MAX_RECEIVE_COUNT,
  });
  logger.info('intake record', { messageId: record.messageId, outcome });
};

/** Intake: validates events, updates projections and plans mailings; failed records are retried alone. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
