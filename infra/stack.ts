import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { type StackConfig, senderPacing } from './config.js';
import { OrganizerConsole } from './console.js';
import { CommuniqueFunction } from './function.js';
import { CommuniqueMonitoring } from './monitoring.js';
import { OrganizerAccess } from './organizer-policy.js';

export interface CommuniqueStackProps extends StackProps {
  readonly config: StackConfig;
}

/** Visibility timeout for a queue consumed by a function: six times its timeout, as AWS advises. */
const visibilityFor = (fnTimeout: Duration) => Duration.seconds(fnTimeout.toSeconds() * 6);

/** The table's global secondary indexes; IAM grants name them one by one. */
export const TABLE_INDEXES = ['gsi1', 'gsi2', 'by-ses-message-id'] as const;
/** The attributes gsi2 (deliveries by state, scheduled mailings) projects besides the keys. */
export const GSI2_ATTRIBUTES = ['mailingId', 'contactKey', 'leaseUntil'] as const;
/** Indexes the organizer CLI reads: mailings, rejections, suppressions (gsi1) and deliveries by state (gsi2). */
const ORGANIZER_INDEXES = ['gsi1', 'gsi2'] as const;

/**
 * How long a sender's claim on a delivery lasts. Longer than the sender's timeout,
 * so a claim cannot lapse while the invocation that holds it is still running (a
 * lapsed claim turns the delivery `uncertain`).
 */
const SEND_LEASE_SECONDS = 120;

/**
 * How long the intake holds an event id and a planning page. Longer than the intake's timeout,
 * so a holder is dead before another takes over (a planning page's rows are written without a
 * condition under that lease), and shorter than the intake queue's visibility timeout, so the
 * redelivery after a crash finds it run out.
 */
const EVENT_LEASE_SECONDS = 120;

/** Receives of an intake message before its DLQ. */
const INTAKE_MAX_RECEIVES = 5;

/** The dead-letters function's timeout: it writes a record and sends a message per entry. */
const DEAD_LETTERS_TIMEOUT = Duration.seconds(30);

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
      // Delivery history outlives the stack: teardown keeps the table, and deleting
      // it takes a deliberate step (deploy guide: teardown).
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    // Lists: mailings of a conference, rejections, suppressions, conferences. Its readers read
    // whole rows (the CLI's lists, the clock's conferences), and none of its items is per delivery.
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
    });
    // Deliveries of a mailing by state, except `sent` and `delivered` (sparse: store/model.ts
    // isIndexedState), and the open and scheduled mailings. A transition into a listed state
    // rewrites the delivery's entry, so the index carries only what its readers read (store.ts
    // deliveriesInState, listDeliveries, dueScheduledMailings; counters.ts countState): the keys,
    // the mailing id, the contact key and the lease expiry — not the recipient and payload.
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi2sk', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...GSI2_ATTRIBUTES],
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
    if (SEND_LEASE_SECONDS <= senderTimeout.toSeconds()) {
      throw new Error('SEND_LEASE_SECONDS must exceed the sender timeout, or live claims would lapse');
    }
    if (
      EVENT_LEASE_SECONDS <= intakeTimeout.toSeconds() ||
      EVENT_LEASE_SECONDS >= visibilityFor(intakeTimeout).toSeconds()
    ) {
      throw new Error(
        'EVENT_LEASE_SECONDS must exceed the intake timeout (live planners are never overtaken) and stay under its visibility timeout',
      );
    }

    this.intakeQueue = this.queueWithDlq('intake', intakeTimeout, INTAKE_MAX_RECEIVES);
    this.sendQueue = this.queueWithDlq('send', senderTimeout, 5);
    this.feedbackQueue = this.queueWithDlq('feedback', feedbackTimeout, 5);

    // SES events carry recipients' addresses and bounce diagnostics, so their topic (and
    // the alarm topic) is encrypted with a key of this stack. SNS's AWS managed key
    // cannot be used: its policy cannot let SES or CloudWatch publish.
    const topicKey = new kms.Key(this, 'topic-key', {
      description: 'Encrypts the ses-events and alarm topics of communiqué',
      enableKeyRotation: true,
      // The topics hold messages for moments only; nothing outlives the stack under this key.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        // No source conditions: they are not documented for SES publishing to an encrypted
        // topic, and a key policy that SES cannot satisfy drops feedback silently. The
        // topic policy already limits publishing to this account's configuration set.
      }),
    );
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    // Created before the alarm topic: the local stack feeds SES events to the first topic.
    const sesEvents = new sns.Topic(this, 'ses-events', { enforceSSL: true, masterKey: topicKey });
    sesEvents.addSubscription(new subs.SqsSubscription(this.feedbackQueue, { rawMessageDelivery: true }));

    const configurationSet = new ses.ConfigurationSet(this, 'configuration-set', {
      configurationSetName: config.configurationSetName,
    });
    configurationSet.addEventDestination('to-sns', {
      destination: ses.EventDestination.snsTopic(sesEvents),
      // No SEND: the sender records `sent` itself, and every accepted message is followed by a
      // Delivery, Bounce or DeliveryDelay that settles an `uncertain` delivery just as well, so
      // a Send event would cost an SNS publish, a queue message and a write for nothing.
      events: [
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
        ses.EmailSendingEvent.RENDERING_FAILURE,
      ],
    });

    // The key is created by the operator (docs/deploy.md, step 2) so it never passes through CloudFormation.
    const unsubscribeKeys = ssm.StringParameter.fromSecureStringParameterAttributes(
      this,
      'unsubscribe-keys',
      {
        parameterName: config.unsubscribeKeyParameter,
      },
    );
    // The domain identity, and the From address in case it is verified on its own
    // (SES then authorizes against the address identity instead of the domain's).
    const identityArns = [config.senderDomain, config.fromAddress].map((identity) =>
      this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
    );
    const configurationSetArn = this.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: configurationSet.configurationSetName,
    });

    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const common = {
      RETENTION_DAYS: String(config.retentionDays),
      FROM_ADDRESS: config.fromAddress,
      SENDER_DOMAIN: config.senderDomain,
      REMINDER_OFFSETS: JSON.stringify(config.reminderOffsets),
    };

    const intake = new CommuniqueFunction(this, 'intake', {
      entry: 'functions/intake.ts',
      description: 'Validates events, updates projections, plans mailings',
      calls: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'sqs:SendMessage',
      ],
      timeout: intakeTimeout,
      // Its last receive before the DLQ is recorded first (functions/intake/process.ts).
      environment: {
        ...common,
        MAX_RECEIVE_COUNT: String(INTAKE_MAX_RECEIVES),
        EVENT_LEASE_SECONDS: String(EVENT_LEASE_SECONDS),
      },
      logRetention,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', TABLE_INDEXES)
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
      // Public URL: it reads what the page shows and writes suppression rows, nothing else.
      calls: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'ssm:GetParameter'],
      timeout: Duration.seconds(10),
      environment: common,
      logRetention,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', [], { writeLeadingKeys: ['SUPPRESSION#*'] })
      .bindParameter(unsubscribeKeys, 'UNSUBSCRIBE_KEY_PARAMETER');
    const unsubscribeUrl = unsubscribe.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    // Invitations: RSVP answers flow back upstream as CloudEvents on this topic (the outbound
    // contract, schemas/invitation.*.json). Answers name people, so the topic is encrypted too.
    const answers = new sns.Topic(this, 'invitation-answers', { enforceSSL: true, masterKey: topicKey });
    const rsvp = new CommuniqueFunction(this, 'rsvp', {
      entry: 'functions/rsvp.ts',
      description: "Invitees' RSVP endpoint: answer form, answers recorded and published upstream",
      calls: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'sqs:SendMessage',
        'sns:Publish',
        'ssm:GetParameter',
      ],
      timeout: Duration.seconds(10),
      environment: common,
      logRetention,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', TABLE_INDEXES)
      .bindParameter(unsubscribeKeys, 'UNSUBSCRIBE_KEY_PARAMETER')
      // The answer's confirmation and the representative's note are sent like every other mail.
      .bindQueueSend(this.sendQueue, 'SEND_QUEUE_URL')
      .bindTopicPublish(answers, 'ANSWERS_TOPIC_ARN');
    const rsvpUrl = rsvp.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    // The path names what the link is for (invitees see it; the interface promises "rsvp" in it).
    const rsvpBaseUrl = config.rsvpBaseUrl || Fn.join('', [rsvpUrl.url, 'rsvp']);

    const sender = new CommuniqueFunction(this, 'sender', {
      entry: 'functions/sender.ts',
      description: 'Claims a delivery, renders, sends through SES, records the state',
      calls: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'sqs:SendMessage',
        'ses:SendRawEmail',
        'ssm:GetParameter',
      ],
      timeout: senderTimeout,
      // A sender mostly waits for its send slots (a few mails a second each; docs/cost.md): half
      // the default memory is billed for the wait, and the CPU it buys still renders and sends a
      // mail in a few tens of milliseconds.
      memorySize: 256,
      environment: {
        ...common,
        SEND_RATE_PER_INVOCATION: String(pacing.perInvocationRate),
        SENDER_CONCURRENCY: String(pacing.maxConcurrency),
        SEND_LEASE_SECONDS: String(SEND_LEASE_SECONDS),
        UNSUBSCRIBE_BASE_URL: config.unsubscribeBaseUrl || unsubscribeUrl.url,
        RSVP_BASE_URL: rsvpBaseUrl,
      },
      logRetention,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', TABLE_INDEXES)
      .bindParameter(unsubscribeKeys, 'UNSUBSCRIBE_KEY_PARAMETER')
      // A job SES turned away (throttling, 5xx) goes back on the send queue with a delay (sending/retry.ts).
      .bindQueueSend(this.sendQueue, 'SEND_QUEUE_URL')
      .bindSesSend(identityArns, configurationSetArn, configurationSet.configurationSetName);
    // Batches of up to 25: the slot claim and the counter write are per batch, so fuller batches
    // make them cheaper per mail; a second of batching window is the most a mail waits for one.
    sender.addEventSource(
      new SqsEventSource(this.sendQueue, {
        batchSize: 25,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: pacing.maxConcurrency,
      }),
    );

    const feedback = new CommuniqueFunction(this, 'feedback', {
      entry: 'functions/feedback.ts',
      description: 'SES events to delivery state and suppressions',
      calls: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      timeout: feedbackTimeout,
      environment: common,
      logRetention,
    }).bindTable(this.table, 'TABLE_NAME', 'readWrite', TABLE_INDEXES);
    // Feedback is not urgent: batches of up to 100 within 5 s make its counter writes ~0.01 a mail.
    feedback.addEventSource(
      new SqsEventSource(this.feedbackQueue, {
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );

    const clock = new CommuniqueFunction(this, 'clock', {
      entry: 'functions/clock.ts',
      description: 'Per-minute tick: due reminders, deferred mailings, expired send leases',
      calls: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'sqs:SendMessage',
      ],
      timeout: Duration.seconds(60),
      environment: common,
      logRetention,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', TABLE_INDEXES)
      .bindQueueSend(this.intakeQueue, 'INTAKE_QUEUE_URL')
      .bindQueueSend(this.sendQueue, 'SEND_QUEUE_URL');
    new events.Rule(this, 'clock-tick', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(clock, { retryAttempts: 2 })],
    });

    // Dead letters: each recorded with its reason and sent back to its queue once (functions/dead-letters.ts).
    const deadLetters = new CommuniqueFunction(this, 'dead-letters', {
      entry: 'functions/dead-letters.ts',
      description: 'Records every dead letter of the work queues with its reason, and sends it back once',
      calls: ['dynamodb:PutItem', 'sqs:SendMessage'],
      timeout: DEAD_LETTERS_TIMEOUT,
      environment: common,
      logRetention,
    })
      // It writes its records and nothing else.
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', [], { writeLeadingKeys: ['REJECTION#*'] })
      .bindDeadLetters({ send: this.sendQueue, feedback: this.feedbackQueue });

    // The organizer console's API: the same domain code as the CLI, behind Cognito (infra/console.ts).
    const api = new CommuniqueFunction(this, 'api', {
      entry: 'functions/api.ts',
      description: 'Organizer console API: reads, previews, and mailing and suppression changes via intake',
      calls: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'sqs:SendMessage',
        'ses:SendRawEmail',
      ],
      timeout: Duration.seconds(29),
      environment: { ...common, UNSUBSCRIBE_BASE_URL: config.unsubscribeBaseUrl || unsubscribeUrl.url },
      logRetention,
    })
      .bindTable(this.table, 'TABLE_NAME', 'readWrite', TABLE_INDEXES)
      // Every change is an event on the intake queue, as from the CLI; resends are continuations there too.
      .bindQueueSend(this.intakeQueue, 'INTAKE_QUEUE_URL')
      // Test sends go to the signed-in organizer only (functions/api/mailings.ts testSend).
      .bindSesSend(identityArns, configurationSetArn, configurationSet.configurationSetName);
    // Named for the pipeline collaborators' shape; the API never sends to this queue (no grant).
    api.addEnvironment('SEND_QUEUE_URL', this.sendQueue.queueUrl);
    new OrganizerConsole(this, 'console', { api });

    const monitoring = new CommuniqueMonitoring(this, 'monitoring', {
      alarmEmail: config.alarmEmail,
      masterKey: topicKey,
      queues: [
        { name: 'intake', queue: this.intakeQueue, dlq: this.dlqOf(this.intakeQueue) },
        { name: 'send', queue: this.sendQueue, dlq: this.dlqOf(this.sendQueue), takenUp: true },
        {
          name: 'feedback',
          queue: this.feedbackQueue,
          dlq: this.dlqOf(this.feedbackQueue),
          takenUp: true,
        },
      ],
      functions: { intake, sender, feedback, clock, unsubscribe, rsvp, api, deadLetters },
      dashboardName: `${this.stackName}-${this.region}`,
    });

    const organizer = new OrganizerAccess(this, 'organizer', {
      intakeQueue: this.intakeQueue,
      table: this.table,
      indexNames: ORGANIZER_INDEXES,
      sesIdentityArns: identityArns,
      configurationSetArn,
      senderDomain: config.senderDomain,
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
    new CfnOutput(this, 'RsvpUrl', { value: rsvpBaseUrl });
    new CfnOutput(this, 'InvitationAnswersTopicArn', {
      description:
        'Subscribe the registration system here: invitation.accepted|declined|delegated CloudEvents',
      value: answers.topicArn,
    });
    new CfnOutput(this, 'ConfigurationSetName', { value: configurationSet.configurationSetName });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.stackName}-${this.region}`,
    });
    new CfnOutput(this, 'OrganizerPolicyArn', {
      description: 'Attach to an organizer: send events, read mailing state (npx communique --stack …)',
      value: organizer.policyArn,
      exportName: `${this.stackName}-organizer-policy-arn`,
    });
    new CfnOutput(this, 'OrganizerTestSendPolicyArn', {
      description: 'Opt-in: lets an organizer run `mailing test-send` (SES send from the sender domain)',
      value: organizer.testSendPolicyArn,
      exportName: `${this.stackName}-organizer-test-send-policy-arn`,
    });
    new CfnOutput(this, 'OrganizerSuppressionsPolicyArn', {
      description: 'Opt-in: lets an organizer run `suppressions add|lift` (writes suppression rows only)',
      value: organizer.suppressionsPolicyArn,
      exportName: `${this.stackName}-organizer-suppressions-policy-arn`,
    });
  }

  private dlqOf(queue: sqs.Queue): sqs.IQueue {
    const dlq = queue.deadLetterQueue?.queue;
    if (!dlq) throw new Error(`${queue.node.id} has no dead-letter queue`);
    return dlq;
  }

  private queueWithDlq(name: string, consumerTimeout: Duration, maxReceiveCount: number): sqs.Queue {
    const dlq = new sqs.Queue(this, `${name}-dlq`, {
      // The dead-letters function consumes every DLQ.
      visibilityTimeout: visibilityFor(DEAD_LETTERS_TIMEOUT),
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
