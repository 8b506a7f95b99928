/**
 * Reads the synthesized CloudFormation template into the few facts the local
 * stack needs: queues, tables, topics, functions and what triggers them. The
 * template is the single definition; nothing here restates a queue or a table.
 */

type Json = Record<string, unknown>;

export interface QueueSpec {
  logicalId: string;
  attributes: Record<string, string>;
  deadLetterTarget?: { logicalId: string; maxReceiveCount: number };
}

export interface TableSpec {
  logicalId: string;
  properties: Json;
}

export interface FunctionSpec {
  logicalId: string;
  entry: string;
  timeoutSeconds: number;
  environment: Record<string, unknown>;
}

export interface EventSourceSpec {
  functionLogicalId: string;
  queueLogicalId: string;
  batchSize: number;
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
}

export interface ScheduleSpec {
  functionLogicalId: string;
  everySeconds: number;
}

export interface SubscriptionSpec {
  topicLogicalId: string;
  queueLogicalId: string;
  rawMessageDelivery: boolean;
}

export interface StackSpec {
  queues: QueueSpec[];
  tables: TableSpec[];
  topics: string[];
  subscriptions: SubscriptionSpec[];
  functions: FunctionSpec[];
  eventSources: EventSourceSpec[];
  schedules: ScheduleSpec[];
  functionUrls: { logicalId: string; functionLogicalId: string }[];
  configurationSets: { logicalId: string; name: string }[];
  /** Topics SES configuration sets publish their events to. */
  sesEventTopics: string[];
  /** The event types those destinations match (CloudFormation's names: send, delivery, bounce…). */
  sesEventTypes: string[];
}

const refOf = (v: unknown): string | undefined => (v as { Ref?: string } | undefined)?.Ref;
const getAttOf = (v: unknown): [string, string] | undefined =>
  (v as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`Template: ${what} is missing`);
  return value;
}

/** Extracts the local stack's view of a CloudFormation template. */
export function readStackSpec(template: Json): StackSpec {
  const resources = (template.Resources ?? {}) as Record<
    string,
    { Type: string; Properties?: Json; Metadata?: Json }
  >;
  const spec: StackSpec = {
    queues: [],
    tables: [],
    topics: [],
    subscriptions: [],
    functions: [],
    eventSources: [],
    schedules: [],
    functionUrls: [],
    configurationSets: [],
    sesEventTopics: [],
    sesEventTypes: [],
  };
  for (const [logicalId, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::SQS::Queue': {
        const attributes: Record<string, string> = {};
        for (const key of [
          'VisibilityTimeout',
          'MessageRetentionPeriod',
          'DelaySeconds',
          'MaximumMessageSize',
        ]) {
          if (p[key] !== undefined) attributes[key] = String(p[key]);
        }
        const redrive = p.RedrivePolicy as
          | { deadLetterTargetArn?: unknown; maxReceiveCount?: number }
          | undefined;
        const queue: QueueSpec = { logicalId, attributes };
        if (redrive) {
          const target = must(getAttOf(redrive.deadLetterTargetArn), `${logicalId} dead-letter target`);
          queue.deadLetterTarget = {
            logicalId: target[0],
            maxReceiveCount: Number(redrive.maxReceiveCount ?? 1),
          };
        }
        spec.queues.push(queue);
        break;
      }
      case 'AWS::DynamoDB::Table':
        spec.tables.push({ logicalId, properties: p });
        break;
      case 'AWS::SNS::Topic':
        spec.topics.push(logicalId);
        break;
      case 'AWS::SNS::Subscription':
        if (p.Protocol === 'sqs') {
          spec.subscriptions.push({
            topicLogicalId: must(refOf(p.TopicArn), `${logicalId} topic`),
            queueLogicalId: must(getAttOf(p.Endpoint), `${logicalId} endpoint`)[0],
            rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
          });
        }
        break;
      case 'AWS::Lambda::Function': {
        const entry = resource.Metadata?.['communique:entry'];
        if (typeof entry !== 'string') break; // functions CDK adds for itself (custom resources)
        spec.functions.push({
          logicalId,
          entry,
          timeoutSeconds: Number(p.Timeout ?? 3),
          environment: ((p.Environment as Json | undefined)?.Variables ?? {}) as Record<string, unknown>,
        });
        break;
      }
      case 'AWS::Lambda::EventSourceMapping': {
        const queue = getAttOf(p.EventSourceArn);
        if (!queue) break;
        spec.eventSources.push({
          functionLogicalId: must(refOf(p.FunctionName), `${logicalId} function`),
          queueLogicalId: queue[0],
          batchSize: Number(p.BatchSize ?? 10),
          maxConcurrency: Number((p.ScalingConfig as Json | undefined)?.MaximumConcurrency ?? 2),
          reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
            'ReportBatchItemFailures',
          ),
        });
        break;
      }
      case 'AWS::Events::Rule': {
        const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(String(p.ScheduleExpression ?? ''));
        if (!match) break;
        const unit = match[2]?.startsWith('hour') ? 3600 : 60;
        for (const target of (p.Targets as Json[] | undefined) ?? []) {
          const fn = getAttOf(target.Arn);
          if (fn) spec.schedules.push({ functionLogicalId: fn[0], everySeconds: Number(match[1]) * unit });
        }
        break;
      }
      case 'AWS::Lambda::Url':
        spec.functionUrls.push({
          logicalId,
          functionLogicalId: must(getAttOf(p.TargetFunctionArn), `${logicalId} target`)[0],
        });
        break;
      case 'AWS::SES::ConfigurationSetEventDestination': {
        const destination = (p.EventDestination as Json | undefined)?.SnsDestination as Json | undefined;
        const topic = refOf(destination?.TopicARN);
        if (topic) spec.sesEventTopics.push(topic);
        const types = (p.EventDestination as Json | undefined)?.MatchingEventTypes;
        if (Array.isArray(types)) spec.sesEventTypes.push(...types.map(String));
        break;
      }
      case 'AWS::SES::ConfigurationSet':
        spec.configurationSets.push({ logicalId, name: String(p.Name ?? logicalId) });
        break;
    }
  }
  return spec;
}

/** Values the local stack gives to `Ref` and `Fn::GetAtt` of each logical id. */
export interface Bindings {
  ref: Map<string, string>;
  getAtt: Map<string, string>;
}

/**
 * Resolves the intrinsic functions CDK puts in environment variables against
 * the local resources. Unknown intrinsics fail loudly rather than leave a
 * half-resolved value in a handler's configuration.
 */
export function resolveValue(value: unknown, bindings: Bindings, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  const ref = refOf(value);
  if (ref !== undefined) {
    if (ref === 'AWS::Region') return 'us-east-1';
    if (ref === 'AWS::AccountId') return '000000000000';
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    return must(bindings.ref.get(ref), `${where}: local value for Ref ${ref}`);
  }
  const getAtt = getAttOf(value);
  if (getAtt)
    return must(
      bindings.getAtt.get(`${getAtt[0]}.${getAtt[1]}`),
      `${where}: local value for ${getAtt.join('.')}`,
    );
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => resolveValue(part, bindings, where)).join(join[0]);
  const select = (value as { 'Fn::Select'?: [number, unknown] })['Fn::Select'];
  if (select) {
    const list = select[1];
    const items = Array.isArray(list)
      ? list.map((v) => resolveValue(v, bindings, where))
      : resolveList(list, bindings, where);
    return must(items[Number(select[0])], `${where}: Fn::Select index`);
  }
  throw new Error(`${where}: unsupported intrinsic ${JSON.stringify(value)}`);
}

function resolveList(value: unknown, bindings: Bindings, where: string): string[] {
  const split = (value as { 'Fn::Split'?: [string, unknown] })['Fn::Split'];
  if (split) return resolveValue(split[1], bindings, where).split(split[0]);
  throw new Error(`${where}: unsupported list intrinsic ${JSON.stringify(value)}`);
}
