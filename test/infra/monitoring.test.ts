import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../infra/function.js';
import { ENTRIES, type Resource, type Synthesized, synthesize } from './support.js';

type MetricQuery = {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions?: unknown[] } };
};

describe('alarms and dashboard', () => {
  let s: Synthesized;
  let alarmTopic: string;
  let alarms: [string, Resource][];

  beforeAll(() => {
    s = synthesize();
    alarmTopic = (s.template.toJSON().Outputs.AlarmTopicArn.Value as { Ref: string }).Ref;
    alarms = s.ofType('AWS::CloudWatch::Alarm');
  });

  it('e-mails every alarm, and its recovery, to the operator through the alarm topic', () => {
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: s.config.alarmEmail,
      TopicArn: { Ref: alarmTopic },
    });
    expect(alarms.length).toBeGreaterThanOrEqual(10);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: alarmTopic }]);
      expect(alarm.Properties.OKActions, id).toEqual([{ Ref: alarmTopic }]);
      expect(String(alarm.Properties.AlarmDescription ?? '').length, id).toBeGreaterThan(40);
    }
  });

  it('lets CloudWatch alarms of this account publish to the alarm topic', () => {
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: alarmTopic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });

  it('alarms on the intake DLQ’s first message, and on a message the dead-letters function does not take up', () => {
    const intakeDlq = (s.template.toJSON().Outputs.IntakeDlqUrl.Value as { Ref: string }).Ref;
    const dlqs = s
      .ofType('AWS::SQS::Queue')
      .filter(([, q]) => q.Properties.RedrivePolicy)
      .map(
        ([, q]) =>
          (q.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': string[] } })
            .deadLetterTargetArn['Fn::GetAtt'][0],
      );
    expect(dlqs).toHaveLength(3);
    for (const dlq of dlqs) {
      const dimensions = [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }];
      s.template.hasResourceProperties(
        'AWS::CloudWatch::Alarm',
        dlq === intakeDlq
          ? {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateNumberOfMessagesVisible',
              Dimensions: dimensions,
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
              TreatMissingData: 'notBreaching',
            }
          : {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: dimensions,
              Threshold: 900,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            },
      );
    }
  });

  it('alarms on every dead letter, and on one kept after failing again', () => {
    for (const metric of ['DeadLetters', 'DeadLettersKept']) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Communique',
        MetricName: metric,
        Threshold: 1,
      });
    }
  });

  it('alarms on any failed invocation of the sender (and of every other function)', () => {
    for (const entry of Object.values(ENTRIES)) {
      const [fnId] = s.functionByEntry(entry);
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms when the SES bounce rate passes 5% and the complaint rate 0.1%', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.001,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('warns early when this pipeline’s hourly bounce ratio passes 5%, above a minimum volume', () => {
    const math = alarms.find(([, a]) =>
      (a.Properties.Metrics as MetricQuery[] | undefined)?.some((m) => m.Expression?.includes('bounced')),
    );
    expect(math).toBeDefined();
    const [, alarm] = math as [string, Resource];
    expect(alarm.Properties.Threshold).toBe(0.05);
    const queries = alarm.Properties.Metrics as MetricQuery[];
    const expression = queries.find((q) => q.Expression)?.Expression ?? '';
    expect(expression).toMatch(/IF\(FILL\(sent, 0\) >= \d+/);
    const names = queries.flatMap((q) => (q.MetricStat ? [q.MetricStat.Metric] : []));
    expect(names.map((m) => m.MetricName).sort()).toEqual(['Bounced', 'Sent']);
    for (const m of names) {
      expect(m.Namespace).toBe(METRICS_NAMESPACE);
      expect(m.Dimensions).toEqual([{ Name: 'service', Value: SERVICE_NAME }]);
    }
  });

  it('alarms on uncertain deliveries and on sends that no SES event ever answers', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'Uncertain',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAME }],
      Threshold: 1,
    });
    const silent = alarms.find(([, a]) =>
      (a.Properties.Metrics as MetricQuery[] | undefined)?.some((m) => m.Expression?.includes('delivered')),
    );
    expect(silent).toBeDefined();
  });

  it('draws the pipeline on a dashboard whose URL is an output', () => {
    const [, dashboard] = s.ofType('AWS::CloudWatch::Dashboard')[0] ?? [];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of [
      'Sent',
      'Failed',
      'Throttled',
      'Retried',
      'Uncertain',
      'Delivered',
      'Bounced',
      'Complained',
      'EventsRejected',
    ])
      expect(body).toContain(`\\"${metric}\\"`);
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(body).toContain('Reputation.BounceRate');
    const url = JSON.stringify(s.template.toJSON().Outputs.DashboardUrl.Value);
    expect(url).toContain('#dashboards/dashboard/');
  });
});
