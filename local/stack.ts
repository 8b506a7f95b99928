import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { defaultConfig, synthTemplate } from '../infra/synth.js';
import { type ExecutionEnvironment, executionEnvironment } from './environment.js';
import type { FaultLayer } from './faults.js';
import { runInvocation } from './invocation.js';
import { type AnyHandler, LocalRunner, lambdaContext } from './runner.js';
import { type AcceptedMail, type LocalSes, type SesFault, startLocalSes } from './ses.js';
import { type Bindings, readStackSpec, resolveValue } from './template.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

export interface LocalStackOptions {
  host?: string;
  /** 0 picks a free port (tests); `npm start` passes the fixed ones. */
  ports?: { sqs?: number; dynamodb?: number; ses?: number; unsubscribe?: number; rsvp?: number };
  /** Folder for the raw `.eml` of every accepted mail. */
  emlDir: string;
  /** Start the Lambda runner (pollers, schedules, function URL). Off for resource-only tests. */
  runHandlers?: boolean;
  /** See RunnerOptions.failedVisibilitySeconds. */
  failedVisibilitySeconds?: number;
  /** How often the scheduled (clock) function runs locally; default: the rule's own rate. */
  scheduleEverySeconds?: number;
  /** Local SES account rate (sends/s); unset: unlimited. */
  sesMaxSendRate?: number;
  sesFault?: SesFault;
  /** Produce SES-shaped events for accepted mail and publish them to the events topic (default on). */
  sesEvents?: boolean;
  /** How long after accepting a mail its SES events are published (default 250 ms). */
  sesEventDelayMs?: number;
  /** Template to run; default: the stack synthesized from cdk.json's configuration. */
  template?: Record<string, unknown>;
  /**
   * The fault layer (local/faults.ts) to add to the handlers' AWS clients once they are
   * loaded; with no schedule set it only counts calls.
   */
  faults?: FaultLayer;
  /** Extra environment for the handlers (local-only knobs). */
  environment?: Record<string, string>;
  log?: (message: string, detail?: unknown) => void;
}

export interface LocalStack {
  endpoints: { sqs: string; dynamodb: string; ses: string; unsubscribe: string; rsvp: string };
  /** Stack outputs (queue URLs, table name…) resolved to the local resources. */
  outputs: Record<string, string>;
  /** Environment the handlers run with (also applied to process.env). */
  environment: Record<string, string>;
  ses: LocalSes;
  runner: LocalRunner;
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; sns: SNSClient };
  /** Every mail the local SES accepted, in order. */
  accepted: AcceptedMail[];
  /** API requests served so far, by `service:Operation`. */
  requestCounts(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts DynamoDB (dynalite), SQS/SNS (fauxqs) and SES (aws-ses-v2-local behind
 * a proxy) in this process, creates the queues, tables and topics of the
 * synthesized CDK template, and runs the stack's handlers against them.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const template = options.template ?? synthTemplate(defaultConfig());
  const spec = readStackSpec(template);

  // Requests per API operation, for the pipeline benchmark's calls-per-delivery figures.
  const requestCounts = new Map<string, number>();
  const count = (operation: string) => requestCounts.set(operation, (requestCounts.get(operation) ?? 0) + 1);

  const dynamo = await startDynalite(options.ports?.dynamodb ?? 0, host);
  // fauxqs's own start function listens on every interface; the app is bound to loopback here.
  const fauxqs = buildApp({ logger: false, host });
  fauxqs.addHook('onRequest', async (req) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    count(target ? `sqs:${target.split('.')[1] ?? target}` : 'sns:request');
  });
  await fauxqs.listen({ port: options.ports?.sqs ?? 0, host });
  const fauxqsPort = (fauxqs.server.address() as AddressInfo).port;

  const endpoints = {
    dynamodb: `http://${host}:${dynamo.port}`,
    sqs: `http://${host}:${fauxqsPort}`,
    ses: '',
    unsubscribe: '',
    rsvp: '',
  };
  const clientConfig = { region: REGION, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamodb });
  const sqs = new SQSClient({ ...clientConfig, endpoint: endpoints.sqs });
  const sns = new SNSClient({ ...clientConfig, endpoint: endpoints.sqs });

  const bindings: Bindings = { ref: new Map(), getAtt: new Map() };

  // Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
  const ordered = [...spec.queues].sort(
    (a, b) => Number(!!a.deadLetterTarget) - Number(!!b.deadLetterTarget),
  );
  for (const queue of ordered) {
    const attributes = { ...queue.attributes };
    if (queue.deadLetterTarget) {
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: bindings.getAtt.get(`${queue.deadLetterTarget.logicalId}.Arn`),
        maxReceiveCount: queue.deadLetterTarget.maxReceiveCount,
      });
    }
    const created = await sqs.send(
      new CreateQueueCommand({ QueueName: queue.logicalId, Attributes: attributes }),
    );
    const url = created.QueueUrl ?? '';
    bindings.ref.set(queue.logicalId, url);
    bindings.getAtt.set(`${queue.logicalId}.Arn`, `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue.logicalId}`);
    bindings.getAtt.set(`${queue.logicalId}.QueueName`, queue.logicalId);
    bindings.getAtt.set(`${queue.logicalId}.QueueUrl`, url);
  }

  for (const table of spec.tables) {
    await dynamodb.send(new CreateTableCommand(toCreateTable(table.logicalId, table.properties)));
    bindings.ref.set(table.logicalId, table.logicalId);
    bindings.getAtt.set(
      `${table.logicalId}.Arn`,
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table.logicalId}`,
    );
  }

  for (const topic of spec.topics) {
    const created = await sns.send(new CreateTopicCommand({ Name: topic }));
    bindings.ref.set(topic, created.TopicArn ?? `arn:aws:sns:${REGION}:${ACCOUNT}:${topic}`);
  }
  for (const sub of spec.subscriptions) {
    await sns.send(
      new SubscribeCommand({
        TopicArn: bindings.ref.get(sub.topicLogicalId),
        Protocol: 'sqs',
        Endpoint: bindings.getAtt.get(`${sub.queueLogicalId}.Arn`),
        Attributes: { RawMessageDelivery: String(sub.rawMessageDelivery) },
      }),
    );
  }
  for (const set of spec.configurationSets) bindings.ref.set(set.logicalId, set.name);

  // SES: events for accepted mail go to the topic the configuration set publishes to.
  const accepted: AcceptedMail[] = [];
  const publishing = new Set<Promise<unknown>>();
  // The topic the configuration set's event destination names (not just any topic: alarms have one too).
  const eventsTopic = spec.sesEventTopics[0];
  const eventsTopicArn = eventsTopic ? bindings.ref.get(eventsTopic) : undefined;
  const { sesEventsFor } = await import('./ses-events.js');
  const ses = await startLocalSes({
    host,
    port: options.ports?.ses ?? 0,
    emlDir: options.emlDir,
    maxSendRate: options.sesMaxSendRate,
    fault: options.sesFault,
    onAccepted: (mail) => {
      accepted.push(mail);
      if (options.sesEvents === false || !eventsTopicArn) return;
      // SES reports a few hundred milliseconds after it answers, never before the sender
      // could record the message id; publishing later keeps that order.
      const publish = async () => {
        await sleep(options.sesEventDelayMs ?? 250);
        for (const event of sesEventsFor(mail)) {
          // Only the types the configuration set's destination matches, as SES publishes them.
          if (!publishes(spec.sesEventTypes, (event as { eventType?: string }).eventType)) continue;
          await sns.send(new PublishCommand({ TopicArn: eventsTopicArn, Message: JSON.stringify(event) }));
        }
      };
      const pending = publish().catch((error: unknown) => log('publishing SES events failed', error));
      publishing.add(pending);
      void pending.finally(() => publishing.delete(pending));
    },
  });
  endpoints.ses = ses.url;

  // Function URLs: one local HTTP server per URL, created before the environment is resolved.
  const urlServers: http.Server[] = [];
  const urlHandlers = new Map<string, AnyHandler>();
  // Each public endpoint has a port of its own, found by the function's entry file.
  const urlEndpoints: Record<string, 'unsubscribe' | 'rsvp'> = {
    'functions/unsubscribe.ts': 'unsubscribe',
    'functions/rsvp.ts': 'rsvp',
  };
  for (const fnUrl of spec.functionUrls) {
    const server = http.createServer((req, res) => {
      const handler = urlHandlers.get(fnUrl.functionLogicalId);
      const fn = spec.functions.find((f) => f.logicalId === fnUrl.functionLogicalId);
      void serveFunctionUrl(req, res, handler, fnUrl.functionLogicalId, fn ? shortName(fn.entry) : undefined);
    });
    const entry = spec.functions.find((f) => f.logicalId === fnUrl.functionLogicalId)?.entry ?? '';
    const name = urlEndpoints[entry];
    await listen(server, name ? (options.ports?.[name] ?? 0) : 0, host);
    urlServers.push(server);
    const url = `http://${host}:${(server.address() as AddressInfo).port}/`;
    bindings.getAtt.set(`${fnUrl.logicalId}.FunctionUrl`, url);
    if (name) endpoints[name] = url;
  }

  const environment: Record<string, string> = {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sqs,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    COMMUNIQUE_LOCAL: '1',
    // Locally the unsubscribe key is generated per run instead of read from SSM.
    UNSUBSCRIBE_KEYS: JSON.stringify({
      current: 'local-1',
      keys: { 'local-1': randomBytes(32).toString('base64') },
    }),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // The runner runs concurrent invocations of a function in this one process (see local/invocation.ts).
    AWS_LAMBDA_MAX_CONCURRENCY: '10',
    // Local acceleration, like failedVisibilitySeconds: a dead letter goes back after 5 s, not a minute.
    REDRIVE_DELAY_SECONDS: '5',
  };
  for (const fn of spec.functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      environment[name] = resolveValue(value, bindings, `${fn.logicalId}.Environment.${name}`);
    }
  }
  Object.assign(environment, options.environment);
  Object.assign(process.env, environment);

  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(
    (template.Outputs ?? {}) as Record<string, { Value: unknown }>,
  )) {
    // The console's bucket, distribution, user pool and HTTP API are cloud-only (locally: local/console.ts).
    if (name.startsWith('Console')) continue;
    outputs[name] = resolveValue(output.Value, bindings, `Outputs.${name}`);
  }
  // Locally, the registration system's end of the answers topic is a queue the CLI reads
  // (`communique invitees answers`); in AWS the registration system subscribes itself.
  if (outputs.InvitationAnswersTopicArn) {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'invitation-answers-local' }));
    await sns.send(
      new SubscribeCommand({
        TopicArn: outputs.InvitationAnswersTopicArn,
        Protocol: 'sqs',
        Endpoint: `arn:aws:sqs:${REGION}:${ACCOUNT}:invitation-answers-local`,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    outputs.InvitationAnswersQueueUrl = created.QueueUrl ?? '';
  }

  const runner = new LocalRunner({
    sqs,
    region: REGION,
    failedVisibilitySeconds: options.failedVisibilitySeconds,
    log,
  });
  if (options.runHandlers !== false) {
    const handlers = new Map<string, AnyHandler>();
    const environments = new Map<string, ExecutionEnvironment>();
    for (const fn of spec.functions) {
      const environment = executionEnvironment(pathToFileURL(path.join(root, fn.entry)).href);
      await environment.ready();
      environments.set(fn.logicalId, environment);
      handlers.set(fn.logicalId, environment.handler);
    }
    for (const source of spec.eventSources) {
      const fn = spec.functions.find((f) => f.logicalId === source.functionLogicalId);
      const handler = handlers.get(source.functionLogicalId);
      if (!fn || !handler) continue;
      runner.addQueueSource({
        functionName: fn.logicalId,
        shortName: shortName(fn.entry),
        queueUrl: bindings.ref.get(source.queueLogicalId) ?? '',
        queueArn: bindings.getAtt.get(`${source.queueLogicalId}.Arn`) ?? '',
        handler,
        batchSize: source.batchSize,
        maxConcurrency: source.maxConcurrency,
        timeoutSeconds: fn.timeoutSeconds,
        reportBatchItemFailures: source.reportBatchItemFailures,
        onDied: environments.get(fn.logicalId)?.reset,
      });
    }
    for (const schedule of spec.schedules) {
      const handler = handlers.get(schedule.functionLogicalId);
      if (handler) {
        const fn = spec.functions.find((f) => f.logicalId === schedule.functionLogicalId);
        runner.addSchedule(
          schedule.functionLogicalId,
          options.scheduleEverySeconds ?? schedule.everySeconds,
          handler,
          {
            shortName: fn ? shortName(fn.entry) : undefined,
            timeoutSeconds: fn?.timeoutSeconds,
            onDied: environments.get(schedule.functionLogicalId)?.reset,
          },
        );
      }
    }
    for (const fnUrl of spec.functionUrls) {
      const handler = handlers.get(fnUrl.functionLogicalId);
      if (handler) urlHandlers.set(fnUrl.functionLogicalId, handler);
    }
    if (options.faults) {
      const { installOnHandlerClients } = await import('./faults.js');
      await installOnHandlerClients(options.faults);
    }
    runner.start();
  }

  return {
    endpoints,
    outputs,
    environment,
    ses,
    runner,
    clients: { dynamodb, sqs, sns },
    accepted,
    requestCounts: async () => new Map([...requestCounts, ...(await dynamo.counts())]),
    stop: async () => {
      await Promise.allSettled([...publishing]);
      await runner.stop();
      for (const server of urlServers) {
        server.closeAllConnections();
        await new Promise((r) => server.close(() => r(undefined)));
      }
      await ses.stop();
      await fauxqs.close();
      await dynamo.stop();
      dynamodb.destroy();
      sqs.destroy();
      sns.destroy();
    },
  };
}

/** dynalite in a worker thread (see dynalite-worker.mjs), with its request counts on demand. */
async function startDynalite(
  port: number,
  host: string,
): Promise<{ port: number; counts(): Promise<[string, number][]>; stop(): Promise<void> }> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: { port, host },
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (message.type === 'error') reject(new Error(`dynalite: ${String(message.message)}`));
        else if (message.type === type) resolve(message);
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const { port: actual } = await next('listening');
  return {
    port: Number(actual),
    counts: async () => {
      const reply = next('counts');
      worker.postMessage({ type: 'counts' });
      return (await reply).counts as [string, number][];
    },
    stop: async () => {
      const stopped = next('stopped');
      worker.postMessage({ type: 'stop' });
      await stopped;
      await worker.terminate();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A function's short name: its entry file's (`functions/sender.ts` → `sender`). */
const shortName = (entry: string) => path.basename(entry).replace(/\.[cm]?[jt]s$/, '');

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** CloudFormation table properties → CreateTable input (the same key schema and indexes). */
function toCreateTable(name: string, p: Record<string, unknown>): CreateTableCommandInput {
  const gsis = (p.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined) ?? [];
  return {
    TableName: name,
    KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes:
      gsis.length > 0
        ? gsis.map((g) => ({
            IndexName: g.IndexName as string,
            KeySchema: g.KeySchema as CreateTableCommandInput['KeySchema'],
            Projection: g.Projection as { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' },
          }))
        : undefined,
  };
}

/** Translates an HTTP request into a Lambda function URL event (payload 2.0) and back. */
async function serveFunctionUrl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  handler: AnyHandler | undefined,
  functionName: string,
  name = functionName,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (!handler) {
    res.writeHead(503).end('handler not running');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://local');
  const body = Buffer.concat(chunks);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    queryStringParameters: Object.fromEntries(url.searchParams),
    headers,
    requestContext: {
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${Date.now()}`,
      timeEpoch: Date.now(),
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
  const run = await runInvocation(name, 10, () => handler(event, lambdaContext(functionName, 10)));
  if (run.kind !== 'returned') {
    res.writeHead(502, { 'content-type': 'text/plain' }).end('Internal error');
    return;
  }
  try {
    const result = run.value as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    const payload = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : '';
    res.writeHead(result.statusCode ?? 200, result.headers ?? {}).end(payload);
  } catch {
    res.writeHead(502, { 'content-type': 'text/plain' }).end('Internal error');
  }
}

/** Whether a destination matching `types` (CloudFormation's names) publishes an event of `eventType`. */
function publishes(types: string[], eventType: string | undefined): boolean {
  if (types.length === 0 || !eventType) return true;
  const name = eventType.replace(/\s+/g, '');
  return types.some((t) => t.toLowerCase() === name.toLowerCase());
}
