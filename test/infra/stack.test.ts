import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { senderPacing } from '../../infra/config.js';
import { CommuniqueStack } from '../../infra/stack.js';
import { defaultConfig } from '../../infra/synth.js';

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };

describe('CommuniqueStack', () => {
  let template: Template;
  let resources: Record<string, Resource>;
  const config = defaultConfig();

  beforeAll(() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(new CommuniqueStack(app, 'test', { config }));
    resources = template.toJSON().Resources as Record<string, Resource>;
  });

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const functionByEntry = (entry: string) => {
    const found = ofType('AWS::Lambda::Function').find(([, r]) => r.Metadata?.['communique:entry'] === entry);
    if (!found) throw new Error(`no function for ${entry}`);
    return found;
  };

  it('gives every working queue a DLQ through a redrive policy', () => {
    const queues = ofType('AWS::SQS::Queue');
    const working = queues.filter(([, r]) => r.Properties.RedrivePolicy);
    const dlqIds = new Set(
      working.map(
        ([, r]) =>
          (r.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': string[] } })
            .deadLetterTargetArn['Fn::GetAtt'][0],
      ),
    );
    expect(working).toHaveLength(3);
    expect(dlqIds.size).toBe(3);
    // Every queue is either a working queue or the DLQ of one.
    for (const [id] of queues) expect(working.some(([w]) => w === id) || dlqIds.has(id)).toBe(true);
  });

  it('reports batch item failures on every SQS event source mapping', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(3);
    for (const [, m] of mappings)
      expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('caps the sender at the concurrency derived from the SES rate', () => {
    const [senderId] = functionByEntry('functions/sender.ts');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: senderId },
      ScalingConfig: { MaximumConcurrency: senderPacing(config).maxConcurrency },
    });
  });

  it('sets each consumed queue’s visibility timeout to at least six times its function’s timeout', () => {
    for (const [, m] of ofType('AWS::Lambda::EventSourceMapping')) {
      const fnId = (m.Properties.FunctionName as { Ref: string }).Ref;
      const queueId = (m.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? '';
      const timeout = Number(resources[fnId]?.Properties.Timeout);
      const visibility = Number(resources[queueId]?.Properties.VisibilityTimeout);
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('runs every function on Node.js 22 on arm64', () => {
    const functions = ofType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.['communique:entry']);
    expect(functions.length).toBe(5);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('indexes deliveries by SES message id', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'by-ses-message-id',
          KeySchema: [{ AttributeName: 'sesMessageId', KeyType: 'HASH' }],
        }),
      ]),
    });
  });
});
