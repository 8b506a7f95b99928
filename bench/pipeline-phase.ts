/**
 * One phase of the pipeline benchmark, in its own process (handlers read their
 * configuration once per process, as in Lambda, so each stack gets a fresh one).
 * Prints one JSON line with its figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mailingProgress } from '../functions/mailing/operations.js';
import type { RegistrationRow } from '../functions/store/model.js';
import { putRegistration, type StoreDeps } from '../functions/store/store.js';
import { parseStackConfig } from '../infra/config.js';
import { defaultConfig, synthTemplate } from '../infra/synth.js';
import type { AcceptedMail } from '../local/ses.js';
import { startLocalStack } from '../local/stack.js';
import agenda from '../test/fixtures/events/agenda.changed.json' with { type: 'json' };
import conference from '../test/fixtures/events/conference.upserted.json' with { type: 'json' };

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const phase = process.argv[2] ?? 'throughput';
const recipients = Number(process.argv[3] ?? 10_000);
const sesRate = Number(process.argv[4] ?? 50);
/** Paced phase: how many sender invocations run at once (the event source's maximum concurrency). */
const senders = Number(process.argv[5] ?? 2);
const cid = 'dushanbe-2022';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const config =
  phase === 'paced'
    ? parseStackConfig({ ...defaultConfig(), sesMaxSendRate: sesRate, perSenderRate: sesRate / senders })
    : defaultConfig();
const template = synthTemplate(config);
if (phase === 'paced') {
  // The stack never derives fewer than two senders; the benchmark also measures one. The fleet's
  // rate (SEND_RATE_PER_INVOCATION × SENDER_CONCURRENCY) stays the configured one either way.
  type Mapping = {
    Type: string;
    Properties?: { FunctionName?: unknown; ScalingConfig?: Record<string, number> };
  };
  for (const resource of Object.values(template.Resources as Record<string, Mapping>)) {
    const scaling = resource.Properties?.ScalingConfig;
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping' || !scaling) continue;
    if (JSON.stringify(resource.Properties?.FunctionName).includes('sender'))
      scaling.MaximumConcurrency = senders;
  }
}
const dir = await mkdtemp(path.join(tmpdir(), 'communique-bench-'));
const stack = await startLocalStack({
  template,
  emlDir: path.join(dir, 'outbox'),
  failedVisibilitySeconds: 1,
  scheduleEverySeconds: 3600,
  ...(phase === 'paced'
    ? { sesMaxSendRate: sesRate }
    : { environment: { SEND_RATE_PER_INVOCATION: '100000' } }),
});
const store: StoreDeps = {
  db: DynamoDBDocumentClient.from(stack.clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  }),
  table: stack.outputs.TableName ?? '',
  now: () => new Date(),
  retentionDays: 30,
};

async function send(body: unknown): Promise<void> {
  await stack.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: stack.outputs.IntakeQueueUrl, MessageBody: JSON.stringify(body) }),
  );
}

/** Runs `step` for 0 … n−1, `concurrency` at a time; returns how many a second it made. */
async function perSecond(
  n: number,
  concurrency: number,
  step: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await step(next++);
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

/** dynalite's raw conditional-put rate on this machine now: the baseline the pipeline is compared with. */
function rawConditionalPuts(n: number, concurrency: number): Promise<number> {
  return perSecond(n, concurrency, async (i) => {
    await stack.clients.dynamodb.send(
      new PutItemCommand({
        TableName: store.table,
        Item: { pk: { S: `BENCH#${i}` }, sk: { S: 'RAW' }, n: { N: String(i) } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  });
}

/**
 * The harness's bound: deliveries/s if a delivery were nothing but the fewest AWS calls one can
 * make here — a conditional put of its row, two conditional updates (sent, then the SES event),
 * the SES call with a real mail (its event published to the feedback queue by the emulator, as
 * in the pipeline) and a tenth of a receive and a delete of those events — with no handler code,
 * eight at once, against the same stack after the pipeline has stopped. Fewer calls than the
 * pipeline makes, so no pipeline in this harness can beat it.
 */
async function harnessBound(n: number, concurrency: number, mail: AcceptedMail): Promise<number> {
  await stack.runner.stop();
  const ses = new SESClient({
    endpoint: stack.endpoints.ses,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const feedback = stack.outputs.FeedbackQueueUrl;
  const row = (i: number) => ({ pk: { S: `BENCH#ideal-${i}` }, sk: { S: 'IDEAL' } });
  const move = (i: number, from: string, to: string) =>
    stack.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: store.table,
        Key: row(i),
        UpdateExpression: 'SET #s = :to',
        ConditionExpression: '#s = :from',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':from': { S: from }, ':to': { S: to } },
      }),
    );
  let drained = 0;
  const drain = async () => {
    const got = await stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: feedback, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages: Message[] = got.Messages ?? [];
    if (messages.length === 0) return;
    drained += messages.length;
    await stack.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: feedback,
        Entries: messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  };
  const rate = await perSecond(n, concurrency, async (i) => {
    await stack.clients.dynamodb.send(
      new PutItemCommand({
        TableName: store.table,
        Item: { ...row(i), state: { S: 'claimed' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await ses.send(
      new SendRawEmailCommand({
        RawMessage: { Data: mail.raw },
        Destinations: mail.destinations,
        ConfigurationSetName: mail.configurationSet,
      }),
    );
    await move(i, 'claimed', 'sent');
    await move(i, 'sent', 'delivered');
    if (i % 10 === 9) await drain();
  });
  ses.destroy();
  if (drained === 0) throw new Error('the harness bound received none of its SES events');
  return rate;
}

try {
  await send(conference);
  await send(agenda);
  await sleep(1500);
  const langs = ['en', 'ru', 'ar'];
  const rows: RegistrationRow[] = Array.from({ length: recipients }, (_, i) => ({
    conferenceId: cid,
    registrationId: `bench-${i}`,
    contactKey: `bench-${i}@example.org`,
    email: `bench-${i}@example.org`,
    givenName: ['Farrukh', 'Мария', 'فاطمة'][i % 3] ?? 'A',
    familyName: ['Karimov', 'Иванова', 'الحربي'][i % 3] ?? 'B',
    honorific: 'H.E.',
    language: langs[i % 3] ?? 'en',
    country: 'TJ',
    role: 'delegate',
    sessions: ['opening-plenary'],
    contactId: `bench-${i}`,
    status: 'active',
    eventTime: '2022-09-01T00:00:00Z',
  }));
  for (let i = 0; i < rows.length; i += 100)
    await Promise.all(rows.slice(i, i + 100).map((r) => putRegistration(store, r)));

  const baseline = phase !== 'paced' ? await rawConditionalPuts(2000, 8) : undefined;
  stack.accepted.splice(0);
  const before = await stack.requestCounts();
  const throttledBefore = stack.ses.stats.throttled;
  const started = performance.now();
  await send({
    specversion: '1.0',
    id: `bench-${phase}`,
    source: 'bench',
    type: 'mailing.requested',
    time: new Date().toISOString(),
    data: {
      conferenceId: cid,
      mailingId: `bench-${phase}`,
      kind: 'invitation',
      audience: { roles: ['delegate'] },
      requestedBy: 'bench@example.org',
    },
  });
  // The benchmark keeps only when each mail was accepted: at 100,000 recipients the mails
  // themselves (the stack's list and the SES emulator's store) would not fit in memory.
  const sentTimes: number[] = [];
  let sample: AcceptedMail | undefined;
  const keepTimes = async () => {
    sample ??= stack.accepted[0];
    for (const m of stack.accepted.splice(0)) sentTimes.push(m.timestamp.getTime());
    await fetch(`${stack.endpoints.ses}/clear-store`, { method: 'POST' });
  };
  let progress = await mailingProgress(store, `bench-${phase}`);
  // The benchmark's own reads (one GetItem per look) are not the pipeline's: counted to subtract.
  let looks = 1;
  let peakRss = process.memoryUsage().rss;
  let plannedAt: number | undefined;
  let plannedAtWall = Number.POSITIVE_INFINITY;
  for (;;) {
    progress = await mailingProgress(store, `bench-${phase}`);
    looks++;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (plannedAt === undefined && progress && progress.total === recipients) {
      plannedAt = performance.now();
      plannedAtWall = Date.now();
    }
    if (progress && progress.total === recipients && progress.counts.queued + progress.counts.sending === 0)
      break;
    if (looks % 20 === 0) await keepTimes();
    await sleep(250);
  }
  await keepTimes();
  const seconds = (performance.now() - started) / 1000;
  const calls = { dynamodb: 0, sqs: 0, sns: 0 };
  const after = await stack.requestCounts();
  for (const [op, n] of after) {
    const delta = n - (before.get(op) ?? 0);
    const service = op.split(':')[0] as keyof typeof calls;
    if (service in calls) calls[service] += delta;
  }
  calls.dynamodb -= looks;
  const throttled = stack.ses.stats.throttled - throttledBefore;
  const bound = phase !== 'paced' && sample ? await harnessBound(1000, 8, sample) : undefined;
  // Pacing is measured while every job is on the queue (planning done): before that the senders
  // may simply have nothing to send. From the first send after planning ended to the last.
  const backlogged = sentTimes.filter((t) => t >= plannedAtWall).sort((a, b) => a - b);
  const backloggedWindow = ((backlogged.at(-1) ?? 0) - (backlogged[0] ?? 0)) / 1000;
  const window = (Math.max(...sentTimes) - Math.min(...sentTimes)) / 1000;
  const operations = Object.fromEntries(
    [...after]
      .map(([op, n]) => [
        op,
        Number(
          ((n - (before.get(op) ?? 0) - (op === 'dynamodb:GetItem' ? looks : 0)) / recipients).toFixed(3),
        ),
      ])
      .filter(([, v]) => Number(v) > 0),
  );
  console.log(
    JSON.stringify({
      phase,
      recipients,
      seconds,
      deliveriesPerSecond: recipients / seconds,
      baselinePutsPerSecond: baseline,
      harnessBoundDeliveriesPerSecond: bound,
      dynamodbCallsPerDelivery: calls.dynamodb / recipients,
      sqsCallsPerDelivery: calls.sqs / recipients,
      snsCallsPerDelivery: calls.sns / recipients,
      operations,
      sendWindowSeconds: window,
      achievedSendRate: (recipients - 1) / window,
      backloggedSends: backlogged.length,
      backloggedSendRate: backlogged.length > 1 ? (backlogged.length - 1) / backloggedWindow : undefined,
      configuredSendRate: phase === 'paced' ? sesRate : undefined,
      throttledBySes: throttled,
      throttledShare: throttled / (throttled + sentTimes.length),
      senders: phase === 'paced' ? senders : undefined,
      planningSeconds: plannedAt === undefined ? undefined : (plannedAt - started) / 1000,
      planningRowsPerSecond:
        plannedAt === undefined ? undefined : recipients / ((plannedAt - started) / 1000),
      peakRssMb: Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20,
      failed: progress?.counts.failed ?? 0,
      sent: (progress?.counts.sent ?? 0) + (progress?.counts.delivered ?? 0),
    }),
  );
} finally {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
}
