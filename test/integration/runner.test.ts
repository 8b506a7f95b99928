import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { eventually, useLocalStack } from './support/local-stack.js';

/** Swap the intake function's code for the probe, keeping its queue, mapping and environment. */
function withProbeIntake(template: Record<string, unknown>): void {
  const resources = template.Resources as Record<
    string,
    { Type: string; Metadata?: Record<string, unknown> }
  >;
  const intake = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['communique:entry'] === 'functions/intake.ts',
  );
  if (!intake?.Metadata) throw new Error('intake function not found in the template');
  intake.Metadata['communique:entry'] = 'test/integration/fixtures/probe-handler.ts';
}

describe('local Lambda runner', () => {
  const stack = useLocalStack({ transformTemplate: withProbeIntake });

  const item = async (key: string, sk: string) => {
    const { Item } = await stack.current.clients.dynamodb.send(
      new GetItemCommand({
        TableName: stack.current.outputs.TableName,
        Key: { pk: { S: `PROBE#${key}` }, sk: { S: sk } },
      }),
    );
    return Item;
  };
  const attempts = async (key: string) => Number((await item(key, 'ATTEMPTS'))?.attempts?.N ?? 0);

  const dlqBodies = new Set<string>();
  const waitInDlq = (marker: string) =>
    eventually(
      async () => {
        const { Messages } = await stack.current.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: stack.current.outputs.IntakeDlqUrl,
            MaxNumberOfMessages: 10,
          }),
        );
        for (const m of Messages ?? []) dlqBodies.add(m.Body ?? '');
        return [...dlqBodies].find((b) => b.includes(marker));
      },
      { timeoutMs: 30_000, what: `${marker} in the intake DLQ` },
    );

  it('delivers a message on the intake queue to the handler as an SQS event, whose effect lands in DynamoDB', async () => {
    await stack.current.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.current.outputs.IntakeQueueUrl,
        MessageBody: JSON.stringify({ put: 'a1' }),
      }),
    );
    const done = await eventually(() => item('a1', 'DONE'), { what: 'probe a1 done' });
    expect(done.source?.S).toMatch(/^arn:aws:sqs:us-east-1:\d{12}:intakequeue/);
    expect(await attempts('a1')).toBe(1);
  });

  it('moves a record that keeps failing to the DLQ after maxReceiveCount receives', async () => {
    await stack.current.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.current.outputs.IntakeQueueUrl,
        MessageBody: JSON.stringify({ fail: 'poison' }),
      }),
    );
    await waitInDlq('poison');
    const record = await item('poison', 'ATTEMPTS');
    // The template's redrive policy for the intake queue says 5.
    expect(Number(record?.attempts?.N)).toBe(5);
    expect(Number(record?.receiveCount?.N)).toBe(5);
  });

  it('re-delivers only the failed record of a partial batch', async () => {
    await stack.current.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.current.outputs.IntakeQueueUrl,
        Entries: [
          { Id: '1', MessageBody: JSON.stringify({ put: 'b-ok-1' }) },
          { Id: '2', MessageBody: JSON.stringify({ fail: 'b-bad' }) },
          { Id: '3', MessageBody: JSON.stringify({ put: 'b-ok-2' }) },
        ],
      }),
    );
    await waitInDlq('b-bad');
    expect(await attempts('b-bad')).toBe(5);
    expect(await attempts('b-ok-1')).toBe(1);
    expect(await attempts('b-ok-2')).toBe(1);
  });

  it('re-delivers the whole batch when the handler throws', async () => {
    await stack.current.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.current.outputs.IntakeQueueUrl,
        MessageBody: JSON.stringify({ throw: true, marker: 'thrower' }),
      }),
    );
    await waitInDlq('thrower');
    expect(stack.current.runner.stats.thrownBatches).toBeGreaterThanOrEqual(5);
  });
});
