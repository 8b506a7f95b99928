import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRecord } from '../../local/runner.js';

/**
 * The local runner turns each received message into the record Lambda would hand the function:
 * checked against a real SQS server (fauxqs) receiving with every attribute, as the runner does.
 */
describe('local runner SQS records', () => {
  const app = buildApp({ logger: false, host: '127.0.0.1' });
  let sqs: SQSClient;

  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    sqs.destroy();
    await app.close();
  });

  const receiveOne = async (queueUrl: string) => {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const message = Messages?.[0];
    if (message === undefined) throw new Error('no message received');
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    return toRecord(message, Attributes?.QueueArn ?? '', 'us-east-1');
  };

  it('carries message attributes and their MD5, as Lambda does', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'records' }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          producer: { DataType: 'String', StringValue: 'registration-system' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );

    // Act
    const record = await receiveOne(QueueUrl ?? '');

    // Assess
    expect(record.md5OfBody).toBe(createHash('md5').update('{"hello":"world"}').digest('hex'));
    expect(record.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(record.messageAttributes.producer).toMatchObject({
      dataType: 'String',
      stringValue: 'registration-system',
    });
    expect(record.messageAttributes.blob).toMatchObject({ dataType: 'Binary', binaryValue: 'AQID' });
    expect(record.eventSourceARN).toMatch(/^arn:aws:sqs:us-east-1:\d{12}:records$/);
    expect(Number(record.attributes.ApproximateReceiveCount)).toBe(1);
  });

  it('carries the trace header and the DLQ source when the queue returns them', () => {
    // Prepare: fauxqs keeps no system attributes, so the message is as the SDK returns it from SQS.
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const attributes = {
      ApproximateReceiveCount: '2',
      SentTimestamp: '1665990000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1665990000100',
      AWSTraceHeader: trace,
      DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:intake-dlq',
    };

    // Act
    const record = toRecord(
      {
        MessageId: 'm-1',
        ReceiptHandle: 'r-1',
        Body: 'x',
        MD5OfBody: '9dd4e461268c8034f5c8564e155c67a6',
        Attributes: attributes,
      },
      'arn:aws:sqs:us-east-1:123456789012:intake',
      'us-east-1',
    );

    // Assess: every attribute the queue returned, under the names Lambda uses.
    expect(record.attributes).toEqual(attributes);
  });

  it('carries the FIFO attributes of a FIFO queue', async () => {
    // Prepare
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'records.fifo', Attributes: { FifoQueue: 'true' } }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'fifo',
        MessageGroupId: 'conference-1',
        MessageDeduplicationId: 'event-1',
      }),
    );

    // Act
    const record = await receiveOne(QueueUrl ?? '');

    // Assess
    expect(record.attributes).toMatchObject({
      MessageGroupId: 'conference-1',
      MessageDeduplicationId: 'event-1',
      SequenceNumber: expect.stringMatching(/^\d+$/),
    });
    // A message without attributes has no attribute digest, in AWS as here.
    expect(record.md5OfMessageAttributes).toBeUndefined();
  });
});
