import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { inInitContext, runInvocation } from '../../local/invocation.js';
import { lambdaContext } from '../../local/runner.js';

const record = (messageId: string): SQSRecord =>
  ({
    messageId,
    body: messageId,
    receiptHandle: messageId,
    attributes: {},
    messageAttributes: {},
  }) as unknown as SQSRecord;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('local invocations', () => {
  beforeAll(async () => {
    // An AWS SDK call first, before the flag Powertools reads is set (the local stack creates its
    // queues and tables this way): the SDK asks for the invoke store on its first request.
    const db = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    await db.send(new ListTablesCommand({})).catch(() => undefined);
    process.env.AWS_LAMBDA_MAX_CONCURRENCY = '10';
  });

  it('keeps two concurrent invocations of one handler apart: a failed record is reported by its own batch', async () => {
    // Prepare: one module-level processor, as the handlers have; `fail-*` fails at once, `slow-*` takes a while.
    const processor = await inInitContext(async () => new BatchProcessor(EventType.SQS));
    const recordHandler = async (r: SQSRecord) => {
      if (r.messageId.startsWith('fail')) throw new Error('no');
      if (r.messageId.startsWith('slow')) await sleep(150);
    };
    const handler = (event: SQSEvent) =>
      processPartialResponse(event, recordHandler, processor, { context: lambdaContext('probe', 10) });

    // Act: A fails one record and is still busy when B starts and finishes.
    const a = runInvocation('probe', 10, () => handler({ Records: [record('fail-a'), record('slow-a')] }));
    await sleep(30);
    const b = runInvocation('probe', 10, () => handler({ Records: [record('ok-b')] }));
    const [ra, rb] = await Promise.all([a, b]);

    // Assess
    expect(ra).toEqual({ kind: 'returned', value: { batchItemFailures: [{ itemIdentifier: 'fail-a' }] } });
    expect(rb).toEqual({ kind: 'returned', value: { batchItemFailures: [] } });
  });
});
