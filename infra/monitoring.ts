import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from './function.js';

/** SES puts an account under review at a bounce rate of 5% and a complaint rate of 0.1%. */
export const SES_REVIEW_BOUNCE_RATE = 0.05;
export const SES_REVIEW_COMPLAINT_RATE = 0.001;
/**
 * Fewer sends than this in an hour make a pipeline bounce rate meaningless (one
 * bounce in ten sends is 10%); below it the early-warning alarm stays quiet.
 */
export const MIN_SENDS_FOR_RATE = 100;
/** Sends in an hour with no SES event at all that mean the feedback loop is broken. */
export const MIN_SENDS_FOR_SILENCE = 20;

/** One working queue and its dead-letter queue. */
export interface MonitoredQueue {
  readonly name: string;
  readonly queue: sqs.IQueue;
  readonly dlq: sqs.IQueue;
  /** The dead-letters function takes this DLQ's messages up (functions/dead-letters.ts). */
  readonly takenUp?: boolean;
}

export interface MonitoringProps {
  readonly alarmEmail: string;
  /** Key of the alarm topic (its policy must let CloudWatch use it). */
  readonly masterKey: kms.IKey;
  readonly queues: readonly MonitoredQueue[];
  /** Every function of the stack by name; `sender` must be among them. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Explicit dashboard name, so the stack can output its URL without a Ref. */
  readonly dashboardName: string;
}

/** A metric the functions publish through Powertools Metrics (EMF). */
export function pipelineMetric(metricName: string, period = Duration.minutes(5)): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/** Reputation metrics are account-wide and move slowly; a finer period adds no signal, only gaps. */
const SES_REPUTATION_PERIOD = Duration.minutes(15);

/** An SES account-level reputation metric (a ratio: 0.05 is 5%). */
function sesReputation(metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: cloudwatch.Stats.MAXIMUM,
    period: SES_REPUTATION_PERIOD,
  });
}

/**
 * Alarms that e-mail the operator, and a dashboard of the pipeline's flow.
 *
 * Bounce and complaint rates: the alarms that follow the SES review thresholds use
 * SES's own account metrics `Reputation.BounceRate` / `Reputation.ComplaintRate`,
 * because those are the numbers SES reviews the account on — computed by SES over
 * a representative window and with each complaint attributed to the send it
 * answers. A ratio of this pipeline's `Complained` / `Sent` over any alarm window
 * cannot do that: complaints arrive hours or days after the send, so a window
 * holds the complaints of earlier sends over the sends of this one. Bounces, on
 * the other hand, arrive within minutes, so an hourly `Bounced` / `Sent` ratio
 * (with a minimum-volume guard) is added as an early warning: it fires within the
 * hour of mailing a bad list, before the account-wide rate moves. Both pipeline
 * ratios are drawn on the dashboard.
 */
export class CommuniqueMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const sender = props.functions.sender;
    if (!sender) throw new Error('CommuniqueMonitoring: the functions must include the sender');

    this.topic = new sns.Topic(this, 'alarm-topic', {
      displayName: 'communiqué alarms',
      masterKey: props.masterKey,
      enforceSSL: true,
    });
    // The topic policy that enforceSSL creates replaces SNS's default one, so CloudWatch
    // (for this account's alarms only) is allowed explicitly.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));

    for (const q of props.queues) {
      if (!q.takenUp) {
        this.alarm(`${q.name}-dlq-not-empty`, {
          metric: q.dlq.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          alarmDescription:
            'An event is in the intake DLQ: it was rejected (see `npx communique rejections`, which gives the reason) or the intake gave up on it after five receives (`npx communique rejections` shows `gave_up` with what its last receive did). Fix the producer or the data, then redrive or delete it.',
        });
        continue;
      }
      // A DLQ the dead-letters function takes up holds a message for seconds. A message that stays
      // means that function fails it: it is back in flight at each retry and visible only for an
      // instant, so the age of the oldest message (from its move into the DLQ) is what shows it.
      this.alarm(`${q.name}-dlq-not-taken-up`, {
        metric: q.dlq.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 900,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `A message has been in the ${q.name} DLQ for 15 minutes: the dead-letters function is failing it (its log group says why). Once it runs again it records and sends back each one; a message stays in a DLQ for 14 days from when it was first sent.`,
      });
    }
    this.alarm('dead-letters', {
      metric: pipelineMetric('DeadLetters'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'A function gave up on a message after all its receives; it was recorded (`npx communique rejections`) and sent back to its queue once. One is a passing storm; many mean a function is failing: read its logs.',
    });
    this.alarm('dead-letters-kept', {
      metric: pipelineMetric('DeadLettersKept'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'A message failed again after it was sent back once: it is kept, whole, with its reason (`npx communique rejections --json`) and will not be tried again. Fix the cause, then send its payload again.',
    });

    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}-errors`, {
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarmDescription: `The ${name} function failed whole invocations (not single records) in the last 5 minutes. Its log group has the error.`,
      });
    }

    this.alarm('deliveries-uncertain', {
      metric: pipelineMetric('Uncertain'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription:
        'A sender stopped between SES accepting a mail and recording it: the delivery is `uncertain` and is not resent on its own. An organizer decides (`npx communique mailing resend ID --uncertain`).',
    });

    this.alarm('ses-bounce-rate', {
      metric: sesReputation('Reputation.BounceRate'),
      threshold: SES_REVIEW_BOUNCE_RATE,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        "The SES account's bounce rate is over 5%, where SES puts an account under review. Stop bulk mailings and clean the audience.",
    });
    this.alarm('ses-complaint-rate', {
      metric: sesReputation('Reputation.ComplaintRate'),
      threshold: SES_REVIEW_COMPLAINT_RATE,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        "The SES account's complaint rate is over 0.1%, where SES puts an account under review. Stop bulk mailings and check who was mailed and why.",
    });

    const hour = Duration.hours(1);
    this.alarm('pipeline-bounce-rate', {
      metric: new cloudwatch.MathExpression({
        expression: `IF(FILL(sent, 0) >= ${MIN_SENDS_FOR_RATE}, FILL(bounced, 0) / sent, 0)`,
        usingMetrics: { sent: pipelineMetric('Sent', hour), bounced: pipelineMetric('Bounced', hour) },
        period: hour,
        label: 'Bounced / Sent (hourly)',
      }),
      threshold: SES_REVIEW_BOUNCE_RATE,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: `Over 5% of this pipeline's sends in the last hour bounced (at least ${MIN_SENDS_FOR_RATE} sends). Early warning before the account-wide rate moves: cancel the mailing and check the audience.`,
    });

    this.alarm('feedback-silent', {
      metric: new cloudwatch.MathExpression({
        expression: `IF(FILL(sent, 0) >= ${MIN_SENDS_FOR_SILENCE} AND FILL(delivered, 0) + FILL(bounced, 0) + FILL(complained, 0) + FILL(rejected, 0) == 0, 1, 0)`,
        usingMetrics: {
          sent: pipelineMetric('Sent', hour),
          delivered: pipelineMetric('Delivered', hour),
          bounced: pipelineMetric('Bounced', hour),
          complained: pipelineMetric('Complained', hour),
          rejected: pipelineMetric('Rejected', hour),
        },
        period: hour,
        label: 'sends without any SES event',
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: `At least ${MIN_SENDS_FOR_SILENCE} mails were sent in the last hour and no SES event came back: bounces and complaints are not being recorded, so suppressions are not either. Check the configuration set's event destination, the ses-events topic (and its KMS key policy) and the feedback function.`,
    });

    this.dashboard = this.buildDashboard(props, sender);
  }

  /** An alarm on one period that notifies the topic when it goes into alarm and when it recovers. */
  private alarm(id: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      evaluationPeriods: 1,
      // No data means nothing happened (an idle pipeline), not a failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(props: MonitoringProps, sender: lambda.IFunction): cloudwatch.Dashboard {
    const byName = (name: string) => props.queues.find((q) => q.name === name);
    const queueDepth = (q: MonitoredQueue | undefined) =>
      q
        ? [
            q.queue.metricApproximateNumberOfMessagesVisible({
              label: `${q.name} waiting`,
              statistic: 'Maximum',
            }),
            q.queue.metricApproximateNumberOfMessagesNotVisible({
              label: `${q.name} in flight`,
              statistic: 'Maximum',
            }),
          ]
        : [];
    const intake = byName('intake');
    const send = byName('send');
    const feedback = byName('feedback');
    const hour = Duration.hours(1);
    const rates = (name: 'bounced' | 'complained', metricName: string) =>
      new cloudwatch.MathExpression({
        expression: `IF(FILL(sent, 0) >= ${MIN_SENDS_FOR_RATE}, 100 * FILL(${name}, 0) / sent, 0)`,
        usingMetrics: { sent: pipelineMetric('Sent', hour), [name]: pipelineMetric(metricName, hour) },
        period: hour,
        label: `${metricName} / Sent, % (hourly)`,
      });

    const dashboard = new cloudwatch.Dashboard(this, 'dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(6),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown:
          '# communiqué\nEvents → **intake** → send queue → **sender** → SES → ses-events → **feedback**. Left to right: what came in, what went out, what SES said back. Any DLQ message, function error, uncertain delivery or review-level bounce/complaint rate e-mails the operator.',
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: '1 · Intake queue',
        width: 8,
        left: [
          ...(intake
            ? [intake.queue.metricNumberOfMessagesSent({ label: 'events in', statistic: 'Sum' })]
            : []),
          ...queueDepth(intake),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: '2 · Intake: rejected events',
        width: 8,
        left: [pipelineMetric('EventsRejected')],
      }),
      new cloudwatch.GraphWidget({
        title: '3 · Send queue (jobs waiting, oldest age)',
        width: 8,
        left: queueDepth(send),
        right: send
          ? [
              send.queue.metricApproximateAgeOfOldestMessage({
                label: 'oldest job (s)',
                statistic: 'Maximum',
              }),
            ]
          : [],
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: '4 · Sender outcomes',
        width: 8,
        stacked: true,
        left: ['Sent', 'Failed', 'Throttled', 'Retried', 'Uncertain'].map((m) => pipelineMetric(m)),
      }),
      new cloudwatch.GraphWidget({
        title: '5 · Sender concurrency and duration',
        width: 8,
        left: [
          new cloudwatch.Metric({
            namespace: 'AWS/Lambda',
            metricName: 'ConcurrentExecutions',
            dimensionsMap: { FunctionName: sender.functionName },
            statistic: 'Maximum',
            label: 'concurrent senders',
          }),
        ],
        right: [sender.metricDuration({ statistic: 'p90', label: 'duration p90 (ms)' })],
      }),
      new cloudwatch.GraphWidget({
        title: '6 · SES feedback',
        width: 8,
        stacked: true,
        left: ['Delivered', 'Bounced', 'Complained', 'Rejected'].map((m) => pipelineMetric(m)),
        right: queueDepth(feedback),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: '7 · Bounce and complaint rates, %',
        width: 12,
        left: [rates('bounced', 'Bounced'), rates('complained', 'Complained')],
        right: [
          new cloudwatch.MathExpression({
            expression: '100 * sesBounce',
            period: SES_REPUTATION_PERIOD,
            usingMetrics: { sesBounce: sesReputation('Reputation.BounceRate') },
            label: 'SES account bounce rate, %',
          }),
          new cloudwatch.MathExpression({
            expression: '100 * sesComplaint',
            period: SES_REPUTATION_PERIOD,
            usingMetrics: { sesComplaint: sesReputation('Reputation.ComplaintRate') },
            label: 'SES account complaint rate, %',
          }),
        ],
        leftAnnotations: [
          { value: SES_REVIEW_BOUNCE_RATE * 100, label: 'bounce review (5%)' },
          { value: SES_REVIEW_COMPLAINT_RATE * 100, label: 'complaint review (0.1%)' },
        ],
      }),
      new cloudwatch.GraphWidget({
        title: '8 · Dead-letter queues',
        width: 6,
        left: props.queues.map((q) =>
          q.dlq.metricApproximateNumberOfMessagesVisible({ label: `${q.name} DLQ`, statistic: 'Maximum' }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: '9 · Function errors',
        width: 6,
        left: Object.entries(props.functions).map(([name, fn]) =>
          fn.metricErrors({ label: name, statistic: 'Sum' }),
        ),
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, height: 4, alarms: this.alarms }),
    );
    return dashboard;
  }
}
