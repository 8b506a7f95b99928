import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Fn, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Metadata key under which each function records its source entry (read by the local runner). */
export const ENTRY_METADATA_KEY = 'communique:entry';

/** CloudWatch namespace of the functions' EMF metrics (Powertools Metrics). */
export const METRICS_NAMESPACE = 'Communique';
/** Powertools service name: the `service` dimension of every metric and the `service` key of every log line. */
export const SERVICE_NAME = 'communique';

/** DynamoDB actions per access level. No Scan (the design forbids it on hot paths), no DescribeTable (unused). */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
} as const;

/** An AWS action a function's own code calls (test/infra/iam-coverage.test.ts checks the list against the bundle). */
export type CalledAction = `${'dynamodb' | 'sqs' | 'ses' | 'sns' | 'ssm'}:${string}`;

/** DynamoDB actions that read; the rest of a function's table actions write. */
const TABLE_READS = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
]);

export interface CommuniqueFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/intake.ts`. */
  readonly entry: string;
  /**
   * Every AWS action the function's code calls — and so the most its role may
   * hold: each `bind…` grants only declared actions and refuses a binding whose
   * action is not declared. The infra test fails when the list names an action
   * the bundle never calls, or when the role holds one the list does not name.
   */
  readonly calls?: readonly CalledAction[];
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The one Lambda construct of the stack: it holds every default (runtime, arm64,
 * bundling, tracing, log group, a role with no managed policy) and offers
 * `bind…` helpers that set the environment variable and the IAM grant in one
 * call, so no function gets a permission without the variable that uses it, or
 * the other way round. Every grant names its resources; the only wildcard is
 * X-Ray's, which has no resource-level permissions.
 */
export class CommuniqueFunction extends NodejsFunction {
  /** The entry file, as given. */
  readonly entry: string;
  /** The AWS actions its code calls, as declared beside its definition. */
  readonly calls: readonly CalledAction[] | undefined;

  constructor(scope: Construct, id: string, props: CommuniqueFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}-logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    // An explicit role instead of the default one, whose AWSLambdaBasicExecutionRole
    // would allow writing to every log group in the account.
    const role = new iam.Role(scope, `${id}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${id} function`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: path.join(root, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...props.environment,
      },
      depsLockFilePath: path.join(root, 'package-lock.json'),
      projectRoot: root,
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        // The Lambda runtime ships AWS SDK v3; keeping it out keeps bundles small.
        externalModules: ['@aws-sdk/*'],
        // ESM bundles of CommonJS dependencies need a `require`.
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
    });
    (this.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
    this.entry = props.entry;
    this.calls = props.calls;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime this project targets (bundles are built for node22, tests run on 22-compatible APIs) and is in AWS standard support; moving to a newer runtime is a deliberate upgrade, not a silent default.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (Service Authorization Reference, AWS X-Ray): AWS requires Resource "*". No other statement of this role has a wildcard.',
    });
  }

  /** The declared actions among `wanted` (all of `wanted` for a function that declares nothing yet). */
  private declared(wanted: readonly string[]): string[] {
    return this.calls ? wanted.filter((a) => this.calls?.includes(a as CalledAction)) : [...wanted];
  }

  /** Refuses a binding whose action the function does not declare it calls. */
  private requireDeclared(action: CalledAction): void {
    if (this.calls && !this.calls.includes(action)) {
      throw new Error(`${this.node.id}: binds ${action}, which its declared calls do not include`);
    }
  }

  /**
   * Table access plus the variable naming it: the declared actions of `access`
   * on the table, Query on the named indexes only (no `index/*`). With
   * `writeLeadingKeys`, writes are allowed only on items whose partition key
   * matches one of the patterns (`dynamodb:LeadingKeys`).
   */
  bindTable(
    table: dynamodb.ITable,
    envName: string,
    access: keyof typeof TABLE_ACTIONS,
    indexNames: readonly string[],
    options: { writeLeadingKeys?: readonly string[] } = {},
  ): this {
    this.addEnvironment(envName, table.tableName);
    const actions = this.declared(TABLE_ACTIONS[access]);
    const reads = actions.filter((a) => TABLE_READS.has(a));
    const writes = actions.filter((a) => !TABLE_READS.has(a));
    const leading = options.writeLeadingKeys;
    const together = leading ? reads : actions;
    if (together.length > 0) {
      this.addToRolePolicy(new iam.PolicyStatement({ actions: together, resources: [table.tableArn] }));
    }
    if (leading && writes.length > 0) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: writes,
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leading] } },
        }),
      );
    }
    if (indexNames.length > 0 && actions.includes('dynamodb:Query')) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
    return this;
  }

  /** `sqs:SendMessage` (which also covers SendMessageBatch) on one queue, plus the variable holding its URL. */
  bindQueueSend(queue: sqs.IQueue, envName: string): this {
    this.requireDeclared('sqs:SendMessage');
    this.addEnvironment(envName, queue.queueUrl);
    queue.grant(this, 'sqs:SendMessage');
    // A KMS-encrypted queue also needs the key; the stack's queues use SQS-managed keys.
    queue.encryptionMasterKey?.grant(this, 'kms:GenerateDataKey', 'kms:Decrypt');
    return this;
  }

  /**
   * `sns:Publish` on one topic, and the two key actions SNS needs to encrypt a message for it,
   * plus the variable holding its ARN. (`grantPublish` would grant `kms:GenerateDataKey*`, a
   * wildcard action this project does not need.)
   */
  bindTopicPublish(topic: sns.ITopic, envName: string): this {
    this.requireDeclared('sns:Publish');
    this.addEnvironment(envName, topic.topicArn);
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    topic.masterKey?.grant(this, 'kms:GenerateDataKey', 'kms:Decrypt');
    return this;
  }

  /**
   * `ses:SendRawEmail` for the sending identities and one configuration set only,
   * plus the variable naming the configuration set. SES authorizes a send against
   * the identity it resolves for the From address and against the configuration
   * set named in the request.
   */
  bindSesSend(
    identityArns: readonly string[],
    configurationSetArn: string,
    configurationSetName: string,
  ): this {
    this.requireDeclared('ses:SendRawEmail');
    this.addEnvironment('CONFIGURATION_SET', configurationSetName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [...identityArns, configurationSetArn],
      }),
    );
    return this;
  }

  /**
   * Takes up the dead letters of `queues` (functions/dead-letters.ts): each queue's DLQ triggers
   * this function, which may send a message back to its queue once. `DEAD_LETTER_ROUTES` tells it
   * which DLQ belongs to which queue, and how many receives that queue allows.
   */
  bindDeadLetters(queues: Readonly<Record<string, sqs.Queue>>): this {
    this.requireDeclared('sqs:SendMessage');
    const routes: string[] = [];
    for (const [name, queue] of Object.entries(queues)) {
      const dlq = queue.deadLetterQueue;
      if (!dlq) throw new Error(`${queue.node.id} has no dead-letter queue`);
      queue.grant(this, 'sqs:SendMessage');
      queue.encryptionMasterKey?.grant(this, 'kms:GenerateDataKey', 'kms:Decrypt');
      // One at a time and never urgent: a dead letter is a storm's leftover, not the storm.
      this.addEventSource(
        new SqsEventSource(dlq.queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }),
      );
      routes.push(Fn.join(',', [name, String(dlq.maxReceiveCount), dlq.queue.queueArn, queue.queueUrl]));
    }
    this.addEnvironment('DEAD_LETTER_ROUTES', Fn.join(' ', routes));
    return this;
  }

  /**
   * `ssm:GetParameter` on one parameter plus the variable naming it. A SecureString
   * under the default `aws/ssm` key needs no KMS grant; a customer key would.
   */
  bindParameter(parameter: ssm.IParameter, envName: string): this {
    this.requireDeclared('ssm:GetParameter');
    this.addEnvironment(envName, parameter.parameterName);
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameter.parameterArn] }),
    );
    return this;
  }
}
