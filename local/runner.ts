import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { runInvocation } from './invocation.js';

// biome-ignore lint/suspicious/noExplicitAny: handlers of every trigger shape go through one runner
export type AnyHandler = (event: any, context: Context) => Promise<unknown>;

export interface QueueSourceOptions {
  functionName: string;
  /** Short name for the invocation context (the entry file's name); default: functionName. */
  shortName?: string;
  queueUrl: string;
  queueArn: string;
  handler: AnyHandler;
  batchSize: number;
  maxConcurrency: number;
  timeoutSeconds: number;
  reportBatchItemFailures: boolean;
  /** Called when an invocation died (timed out or crashed): Lambda resets that environment. */
  onDied?: () => void;
}

export interface RunnerOptions {
  sqs: SQSClient;
  region: string;
  /**
   * Local acceleration: after a failed record, make it visible again after this
   * many seconds instead of the queue's visibility timeout (six times the
   * function timeout, minutes long). Unset: the queue's own timeout applies, as in AWS.
   */
  failedVisibilitySeconds?: number;
  /** Long-poll wait per ReceiveMessage; short so that stop() is prompt. */
  waitTimeSeconds?: number;
  log?: (message: string, detail?: unknown) => void;
}

let recordsHandled = 0;

/**
 * Records the queue pollers of every runner in this process have handed to a handler: what a
 * test waiting on the pipeline counts as progress (a clock tick is not progress).
 */
export const pipelineActivity = (): number => recordsHandled;

/** Counters the tests and the benchmark read. */
export interface RunnerStats {
  invocations: number;
  records: number;
  failedRecords: number;
  thrownBatches: number;
  /** Invocations that died (timed out, or crashed by the fault layer): the whole batch comes back. */
  diedBatches: number;
}

/**
 * Runs handlers the way Lambda's SQS event source mapping does: up to
 * `maxConcurrency` concurrent invocations per mapping, each with at most
 * `batchSize` records as a real SQSEvent; successful records are deleted, a
 * partial batch response keeps only the failed ones, a thrown error keeps the
 * whole batch, and the queue's redrive policy moves poison messages to the DLQ.
 */
export class LocalRunner {
  readonly stats: RunnerStats = {
    invocations: 0,
    records: 0,
    failedRecords: 0,
    thrownBatches: 0,
    diedBatches: 0,
  };
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly sources: QueueSourceOptions[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: RunnerOptions) {}

  /** Invocations running now (a dead one counts until the runner has put its batch back). */
  get busy(): number {
    return this.inFlight.size;
  }

  addQueueSource(source: QueueSourceOptions): void {
    this.sources.push(source);
    if (this.running) this.startSource(source);
  }

  /** A scheduled trigger (EventBridge rule) invoking the handler with a ScheduledEvent. */
  addSchedule(
    functionName: string,
    everySeconds: number,
    handler: AnyHandler,
    options: { shortName?: string; timeoutSeconds?: number; onDied?: () => void } = {},
  ): void {
    const tick = () => {
      if (!this.running) return;
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date().toISOString(),
        region: this.options.region,
        resources: [],
        detail: {},
      };
      const timeout = options.timeoutSeconds ?? 60;
      const run = runInvocation(options.shortName ?? functionName, timeout, () =>
        handler(event, lambdaContext(functionName, timeout)),
      ).then((result) => {
        if (result.kind === 'died') options.onDied?.();
        if (result.kind !== 'returned') {
          this.options.log?.(
            `${functionName}: scheduled invocation failed`,
            result.kind === 'threw' ? result.error : result.reason,
          );
        }
      });
      this.track(run);
    };
    this.timers.push(setInterval(tick, everySeconds * 1000));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const source of this.sources) this.startSource(source);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private startSource(source: QueueSourceOptions): void {
    for (let i = 0; i < source.maxConcurrency; i++) this.loops.push(this.poll(source, i));
  }

  private async poll(source: QueueSourceOptions, slot: number): Promise<void> {
    const { sqs } = this.options;
    while (this.running) {
      let messages: Message[] = [];
      try {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: source.queueUrl,
            MaxNumberOfMessages: Math.min(10, source.batchSize),
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
        // Lambda's poller gathers up to the batch size (a receive returns at most ten). Locally the
        // batch grows while the queue still has messages, without waiting out the batching window
        // when it runs dry: a local acceleration, like failedVisibilitySeconds.
        while (messages.length > 0 && messages.length < source.batchSize && this.running) {
          const more = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: source.queueUrl,
              MaxNumberOfMessages: Math.min(10, source.batchSize - messages.length),
              WaitTimeSeconds: 0,
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
            }),
          );
          if (!more.Messages || more.Messages.length === 0) break;
          messages = [...messages, ...more.Messages];
        }
      } catch (error) {
        if (!this.running) return;
        this.options.log?.(`${source.functionName}: ReceiveMessage failed`, error);
        await sleep(500);
        continue;
      }
      if (messages.length === 0) continue;
      const invocation = this.invoke(source, messages, slot);
      this.track(invocation);
      await invocation;
    }
  }

  private async invoke(source: QueueSourceOptions, messages: Message[], slot: number): Promise<void> {
    const event: SQSEvent = {
      Records: messages.map((m) => toRecord(m, source.queueArn, this.options.region)),
    };
    this.stats.invocations++;
    this.stats.records += messages.length;
    recordsHandled += messages.length;
    let failedIds: Set<string>;
    const result = await runInvocation(
      source.shortName ?? source.functionName,
      source.timeoutSeconds,
      () =>
        source.handler(
          event,
          lambdaContext(source.functionName, source.timeoutSeconds, `local-slot-${slot}`),
        ) as Promise<SQSBatchResponse | undefined>,
    );
    if (result.kind === 'returned') {
      const response = result.value;
      failedIds =
        source.reportBatchItemFailures && response?.batchItemFailures
          ? new Set(response.batchItemFailures.map((f) => f.itemIdentifier))
          : new Set();
    } else {
      // Like Lambda: a thrown error, a timeout or a dead process fails the whole batch, which
      // comes back after the visibility timeout.
      if (result.kind === 'threw') this.stats.thrownBatches++;
      else {
        this.stats.diedBatches++;
        source.onDied?.();
      }
      this.options.log?.(
        `${source.functionName}: invocation failed`,
        result.kind === 'threw' ? result.error : result.reason,
      );
      failedIds = new Set(messages.map((m) => m.MessageId ?? ''));
    }
    this.stats.failedRecords += failedIds.size;
    const succeeded = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
    const failed = messages.filter((m) => failedIds.has(m.MessageId ?? ''));
    const { sqs } = this.options;
    // Batch calls take ten entries at most; a batch may hold more (batch size up to 10,000).
    for (let i = 0; i < succeeded.length; i += 10) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: source.queueUrl,
          Entries: succeeded
            .slice(i, i + 10)
            .map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    for (let i = 0; this.options.failedVisibilitySeconds !== undefined && i < failed.length; i += 10) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: source.queueUrl,
          Entries: failed.slice(i, i + 10).map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: this.options.failedVisibilitySeconds,
          })),
        }),
      );
    }
  }
}

// System attributes Lambda copies into a record when the queue has them: X-Ray's trace header, the
// FIFO ones, and the source queue of a message moved back from a DLQ.
const OPTIONAL_SYSTEM_ATTRIBUTES = [
  'AWSTraceHeader',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'DeadLetterQueueSourceArn',
] as const;

/** The `SQSRecord` Lambda would build from a received message (every attribute it carries). */
export function toRecord(m: Message, queueArn: string, region: string): SQSRecord {
  const a = m.Attributes ?? {};
  const optional: Partial<SQSRecord['attributes']> = {};
  for (const name of OPTIONAL_SYSTEM_ATTRIBUTES) {
    const value = a[name];
    if (value !== undefined) optional[name] = value;
  }
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...optional,
    },
    messageAttributes,
    md5OfBody: m.MD5OfBody ?? '',
    ...(m.MD5OfMessageAttributes === undefined ? {} : { md5OfMessageAttributes: m.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** A Lambda-like context: the fields handlers and Powertools read. */
export function lambdaContext(
  functionName: string,
  timeoutSeconds: number,
  logStreamName = 'local',
): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    // In Lambda each execution environment has its own stream; each local poller stands for one.
    logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
