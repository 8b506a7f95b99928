import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from './support/local-stack.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The intake queue: the one whose DLQ output is IntakeDlqUrl's sibling; found by its redrive and consumer. */
function intakeQueueId(template: Record<string, unknown>): string {
  const resources = template.Resources as Resources;
  const mapping = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      String((r.Properties.FunctionName as { Ref: string }).Ref).startsWith('intake'),
  );
  const queue = (mapping?.Properties.EventSourceArn as { 'Fn::GetAtt': string[] } | undefined)?.[
    'Fn::GetAtt'
  ][0];
  if (!queue) throw new Error('no intake event source in the template');
  return queue;
}

describe('the local stack is derived from the synthesized template', () => {
  let changed = '';
  const stack = useLocalStack({
    runHandlers: false,
    transformTemplate: (template) => {
      changed = intakeQueueId(template);
      const queue = (template.Resources as Resources)[changed];
      if (!queue) throw new Error('intake queue missing');
      queue.Properties.VisibilityTimeout = 123;
    },
  });

  it('gives a queue the visibility timeout the template says, with no other edit', async () => {
    const url = stack.current.outputs.IntakeQueueUrl;
    const { Attributes } = await stack.current.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'],
      }),
    );
    expect(url).toContain(changed);
    expect(Attributes?.VisibilityTimeout).toBe('123');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ maxReceiveCount: 5 });
  });

  it('creates every queue of the template and the table with its indexes', async () => {
    const { QueueUrls = [] } = await stack.current.clients.sqs.send(new ListQueuesCommand({}));
    // The template's six, plus the local stand-in for the registration system's subscription
    // to the answers topic (README "Outbound contract").
    expect(QueueUrls.filter((u) => !u.endsWith('/invitation-answers-local'))).toHaveLength(6);
    expect(QueueUrls).toContain(stack.current.outputs.InvitationAnswersQueueUrl);
    const { Table } = await stack.current.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: stack.current.outputs.TableName }),
    );
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['pk', 'sk']);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'by-ses-message-id',
      'gsi1',
      'gsi2',
    ]);
  });
});
