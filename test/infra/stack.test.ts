import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACING_HEADROOM, senderPacing } from '../../infra/config.js';
import { readStackSpec } from '../../local/template.js';
import { ENTRIES, type Synthesized, synthesize } from './support.js';

describe('CommuniqueStack', () => {
  let s: Synthesized;

  beforeAll(() => {
    s = synthesize();
  });

  it('gives every working queue a DLQ through a redrive policy', () => {
    const queues = s.ofType('AWS::SQS::Queue');
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
    const mappings = s.ofType('AWS::Lambda::EventSourceMapping');
    // Intake, sender and feedback on their queues; the dead-letters function on the send and
    // feedback DLQs (the intake's DLQ keeps what it holds: rejected events are parked there).
    expect(mappings).toHaveLength(5);
    const [deadLettersId] = s.functionByEntry(ENTRIES.deadLetters);
    const intakeDlq = (s.template.toJSON().Outputs.IntakeDlqUrl.Value as { Ref: string }).Ref;
    const dlqs = s
      .ofType('AWS::SQS::Queue')
      .flatMap(([, r]) => {
        const target = (r.Properties.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': string[] } })
          ?.deadLetterTargetArn?.['Fn::GetAtt'][0];
        return target && target !== intakeDlq ? [target] : [];
      })
      .sort();
    expect(dlqs).toHaveLength(2);
    const consumedByDeadLetters = mappings
      .filter(([, m]) => (m.Properties.FunctionName as { Ref: string }).Ref === deadLettersId)
      .map(([, m]) => (m.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0])
      .sort();
    expect(consumedByDeadLetters).toEqual(dlqs);
    for (const [, m] of mappings)
      expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('caps the sender at the concurrency derived from the SES rate', () => {
    const [senderId] = s.functionByEntry(ENTRIES.sender);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: senderId },
      ScalingConfig: { MaximumConcurrency: senderPacing(s.config).maxConcurrency },
    });
  });

  it('paces each sender so that all of them together stay at the SES rate', () => {
    const [, sender] = s.functionByEntry(ENTRIES.sender);
    const env = (sender.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const { maxConcurrency } = senderPacing(s.config);
    const fleet = Number(env.SEND_RATE_PER_INVOCATION) * maxConcurrency;
    expect(fleet).toBeLessThanOrEqual(s.config.sesMaxSendRate);
    expect(fleet).toBeCloseTo(s.config.sesMaxSendRate * PACING_HEADROOM, 6);
  });

  it('sets each consumed queue’s visibility timeout to at least six times its function’s timeout', () => {
    for (const [, m] of s.ofType('AWS::Lambda::EventSourceMapping')) {
      const fnId = (m.Properties.FunctionName as { Ref: string }).Ref;
      const queueId = (m.Properties.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] ?? '';
      const timeout = Number(s.resources[fnId]?.Properties.Timeout);
      const visibility = Number(s.resources[queueId]?.Properties.VisibilityTimeout);
      expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
    }
  });

  it('runs every function on Node.js 22 on arm64 with active tracing', () => {
    const functions = s.ofType('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.['communique:entry']);
    expect(functions.length).toBe(8);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    }
  });

  it('gives the sender a send lease longer than its timeout', () => {
    const [, sender] = s.functionByEntry(ENTRIES.sender);
    const env = (sender.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.SEND_LEASE_SECONDS).toBe('120');
    expect(Number(env.SEND_LEASE_SECONDS)).toBeGreaterThan(Number(sender.Properties.Timeout));
  });

  it('indexes deliveries by SES message id', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'by-ses-message-id',
          KeySchema: [{ AttributeName: 'sesMessageId', KeyType: 'HASH' }],
        }),
      ]),
    });
  });

  // The local stack and the CLI read these names; renaming one breaks them.
  it('keeps the outputs the local stack and the CLI resolve', () => {
    const outputs = Object.keys(s.template.toJSON().Outputs as Record<string, unknown>);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'IntakeQueueUrl',
        'IntakeDlqUrl',
        'SendQueueUrl',
        'SendDlqUrl',
        'FeedbackQueueUrl',
        'FeedbackDlqUrl',
        'SesEventsTopicArn',
        'TableName',
        'UnsubscribeUrl',
        'ConfigurationSetName',
        'AlarmTopicArn',
        'DashboardUrl',
        'OrganizerPolicyArn',
        'OrganizerTestSendPolicyArn',
        'OrganizerSuppressionsPolicyArn',
      ]),
    );
  });

  it('gives each function the environment its handler reads', () => {
    const expected: Record<keyof typeof ENTRIES, string[]> = {
      intake: ['TABLE_NAME', 'SEND_QUEUE_URL', 'INTAKE_QUEUE_URL', 'INTAKE_DLQ_URL', 'MAX_RECEIVE_COUNT'],
      sender: [
        'TABLE_NAME',
        'CONFIGURATION_SET',
        'SEND_RATE_PER_INVOCATION',
        'SEND_LEASE_SECONDS',
        'UNSUBSCRIBE_BASE_URL',
        'RSVP_BASE_URL',
        'UNSUBSCRIBE_KEY_PARAMETER',
      ],
      feedback: ['TABLE_NAME'],
      clock: ['TABLE_NAME', 'INTAKE_QUEUE_URL', 'SEND_QUEUE_URL'],
      unsubscribe: ['TABLE_NAME', 'UNSUBSCRIBE_KEY_PARAMETER'],
      rsvp: ['TABLE_NAME', 'UNSUBSCRIBE_KEY_PARAMETER', 'SEND_QUEUE_URL', 'ANSWERS_TOPIC_ARN'],
      deadLetters: ['TABLE_NAME', 'DEAD_LETTER_ROUTES'],
    };
    for (const [name, entry] of Object.entries(ENTRIES)) {
      const [, fn] = s.functionByEntry(entry);
      const env = Object.keys(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
      );
      expect(env, name).toEqual(
        expect.arrayContaining([
          ...expected[name as keyof typeof ENTRIES],
          'RETENTION_DAYS',
          'FROM_ADDRESS',
          'SENDER_DOMAIN',
          'REMINDER_OFFSETS',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
        ]),
      );
    }
  });

  it('lets the local stack find the topic SES events go to from the event destination, not from topic order', () => {
    const spec = readStackSpec(s.template.toJSON());
    expect(spec.sesEventTopics).toHaveLength(1);
    s.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: { SnsDestination: { TopicARN: { Ref: spec.sesEventTopics[0] } } },
    });
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: spec.sesEventTopics[0] },
      Protocol: 'sqs',
      RawMessageDelivery: true,
    });
  });

  it('names the configuration set from the configuration', () => {
    s.template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: s.config.configurationSetName });
  });
});
