import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { type StackConfig, senderPacing } from './config.js';
import { CommuniqueFunction } from './function.js';

export interface CommuniqueStackProps extends StackProps {
  readonly config: StackConfig;
}

/** Visibility timeout for a queue consumed by a function: six times its timeout, as AWS advises. */
const visibilityFor = (fnTimeout: Duration) => Duration.seconds(fnTimeout.toSeconds() * 6);

/**
 * The whole pipeline: intake → send → SES → feedback, one table, a per-minute
 * clock and the unsubscribe endpoint. The local stack is created from this
 * stack's synthesized template, so what runs on a laptop is what deploys.
 */
export class CommuniqueStack extends Stack {
  readonly table: dynamodb.Table;
  readonly intakeQueue: sqs.Queue;
  readonly sendQueue: sqs.Queue;
  readonly feedbackQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CommuniqueStackProps) {
    super(scope, id, props);
    const { config } = props;
    const pacing = senderPacing(config);

    this.table = new dynamodb.Table(this, 'table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Lists: mailings of a conference, rejections, suppressions, conferences.
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
    });
    // Deliveries of a mailing by state.
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: dynamodb.AttributeType.STRING },
    });
    // SES feedback finds its delivery by the SES message id.
    this.table.addGlobalSecondaryIndex({
      indexName: 'by-ses-message-id',
      partitionKey: { name: 'sesMessageId', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });

    const intakeTimeout = Duration.seconds(60);
    const senderTimeout = Duration.seconds(60);
    const feedbackTimeout = Duration.seconds(30);

    this.intakeQueue = this.queueWithDlq('intake', intakeTimeout, 5);
    this.sendQueue = this.queueWithDlq('send', senderTimeout, 5);
    this.feedbackQueue = this.queueWithDlq('feedback', feedbackTimeout, 5);

    const sesEvents = new sns.Topic(this, 'ses-events', { enforceSSL: true });
    sesEvents.addSubscription(new subs.SqsSubscription(this.feedbackQueue, { rawMessageDelivery: true }));

    const configurationSet = new ses.ConfigurationSet(this, 'configuration-set', {
      configurationSetName: config.configurationSetName,
    });
    configurationSet.addEventDestination('to-sns', {
      destination: ses.EventDestination.snsTopic(sesEvents),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
        ses.EmailSendingEvent.RENDERING_FAILURE,
      ],
    });

    // The key is created by the operator (README: deploy guide) so it never passes through CloudFormation.
    const unsubscribeKeys = ssm.StringParameter.fromSecureStringParameterAttributes(
      this,
      'unsubscribe-keys',
      {
        parameterName: config.unsubscribeKeyParameter,
      },
    );
    const identityArn = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: config.senderDomain,
    });
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
    });

    const common = {
      RETENTION_DAYS: String(config.retentionDays),
      FROM_ADDRESS: config.fromAddress,
      SENDER_DOMAIN: config.senderDomain,
      REMINDER_OFFSETS: JSON.stringify(config.reminderOffsets),
    };

    const intake = new CommuniqueFunction(this, 'intake', {
      entry: 'functions/intake.ts',
      description: 'Validates events, updates projections, plans mailings',
      timeout: intakeTimeout,
      environment: common,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite')
      .bindQueueSend(this.sendQueue, 'SEND_QUEUE_URL')
      .bindQueueSend(this.intakeQueue, 'INTAKE_QUEUE_URL')
      // Rejected events are recorded and parked in the DLQ at once rather than retried.
      .bindQueueSend(this.dlqOf(this.intakeQueue), 'INTAKE_DLQ_URL');
    intake.addEventSource(
      new SqsEventSource(this.intakeQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );

    const unsubscribe = new CommuniqueFunction(this, 'unsubscribe', {
      entry: 'functions/unsubscribe.ts',
      description: 'RFC 8058 one-click unsubscribe endpoint',
      timeout: Duration.seconds(10),
      environment: common,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite')
      .bindParameter(unsubscribeKeys, 'UNSUBSCRIBE_KEY_PARAMETER');
    const unsubscribeUrl = unsubscribe.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const sender = new CommuniqueFunction(this, 'sender', {
      entry: 'functions/sender.ts',
      description: 'Claims a delivery, renders, sends through SES, records the state',
      timeout: senderTimeout,
      environment: {
        ...common,
        SEND_RATE_PER_INVOCATION: String(pacing.perInvocationRate),
        UNSUBSCRIBE_BASE_URL: config.unsubscribeBaseUrl || unsubscribeUrl.url,
      },
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite')
      .bindParameter(unsubscribeKeys, 'UNSUBSCRIBE_KEY_PARAMETER')
      .bindSesSend(identityArn, configurationSetArn, configurationSet.configurationSetName)
      .bindQueueSend(this.sendQueue, 'SEND_QUEUE_URL');
    sender.addEventSource(
      new SqsEventSource(this.sendQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: pacing.maxConcurrency,
      }),
    );

    const feedback = new CommuniqueFunction(this, 'feedback', {
      entry: 'functions/feedback.ts',
      description: 'SES events to delivery state and suppressions',
      timeout: feedbackTimeout,
      environment: common,
    }).bindTable(this.table, 'TABLE_NAME', 'readWrite');
    feedback.addEventSource(
      new SqsEventSource(this.feedbackQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );

    const clock = new CommuniqueFunction(this, 'clock', {
      entry: 'functions/clock.ts',
      description: 'Per-minute tick: due reminders, deferred mailings, expired send leases',
      timeout: Duration.seconds(60),
      environment: common,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite')
      .bindQueueSend(this.intakeQueue, 'INTAKE_QUEUE_URL')
      .bindQueueSend(this.sendQueue, 'SEND_QUEUE_URL');
    new events.Rule(this, 'clock-tick', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(clock, { retryAttempts: 2 })],
    });

    new CfnOutput(this, 'IntakeQueueUrl', { value: this.intakeQueue.queueUrl });
    new CfnOutput(this, 'IntakeDlqUrl', { value: this.dlqOf(this.intakeQueue).queueUrl });
    new CfnOutput(this, 'SendDlqUrl', { value: this.dlqOf(this.sendQueue).queueUrl });
    new CfnOutput(this, 'FeedbackQueueUrl', { value: this.feedbackQueue.queueUrl });
    new CfnOutput(this, 'FeedbackDlqUrl', { value: this.dlqOf(this.feedbackQueue).queueUrl });
    new CfnOutput(this, 'SesEventsTopicArn', { value: sesEvents.topicArn });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sendQueue.queueUrl });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UnsubscribeUrl', { value: unsubscribeUrl.url });
    new CfnOutput(this, 'ConfigurationSetName', { value: configurationSet.configurationSetName });
  }

  private dlqOf(queue: sqs.Queue): sqs.IQueue {
    const dlq = queue.deadLetterQueue?.queue;
    if (!dlq) throw new Error(`${queue.node.id} has no dead-letter queue`);
    return dlq;
  }

  private queueWithDlq(name: string, consumerTimeout: Duration, maxReceiveCount: number): sqs.Queue {
    const dlq = new sqs.Queue(this, `${name}-dlq`, {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    return new sqs.Queue(this, `${name}-queue`, {
      visibilityTimeout: visibilityFor(consumerTimeout),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: dlq, maxReceiveCount },
    });
  }
}
