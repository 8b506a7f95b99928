import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Metadata key under which each function records its source entry (read by the local runner). */
export const ENTRY_METADATA_KEY = 'communique:entry';

export interface CommuniqueFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/intake.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly environment?: Record<string, string>;
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The one Lambda construct of the stack: it holds every default (runtime, arm64,
 * bundling, tracing, log group) and offers `bind…` helpers that set the
 * environment variable and the IAM grant in one call, so no function gets a
 * permission without the variable that uses it, or the other way round.
 */
export class CommuniqueFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CommuniqueFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}-logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    super(scope, id, {
      entry: path.join(root, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'communique',
        POWERTOOLS_METRICS_NAMESPACE: 'Communique',
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
  }

  /** Table access plus the variable naming it. */
  bindTable(table: dynamodb.ITable, envName: string, access: 'read' | 'readWrite'): this {
    this.addEnvironment(envName, table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    return this;
  }

  /** Permission to send to a queue plus the variable holding its URL. */
  bindQueueSend(queue: sqs.IQueue, envName: string): this {
    this.addEnvironment(envName, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** Permission to publish to a topic plus the variable holding its ARN. */
  bindTopicPublish(topic: sns.ITopic, envName: string): this {
    this.addEnvironment(envName, topic.topicArn);
    topic.grantPublish(this);
    return this;
  }

  /**
   * `ses:SendRawEmail` for one identity and one configuration set only, plus the
   * variable naming the configuration set.
   */
  bindSesSend(identityArn: string, configurationSetArn: string, configurationSetName: string): this {
    this.addEnvironment('CONFIGURATION_SET', configurationSetName);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [identityArn, configurationSetArn],
      }),
    );
    return this;
  }

  /** Read access to an SSM parameter plus the variable naming it. */
  bindParameter(parameter: ssm.IParameter, envName: string): this {
    this.addEnvironment(envName, parameter.parameterName);
    parameter.grantRead(this);
    return this;
  }
}
