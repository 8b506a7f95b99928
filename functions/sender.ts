import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { REDRIVES_ATTRIBUTE } from './dead-letters/process.js';
import { documentClient, sesClient, sqsClient } from './lib/clients.js';
import { loadEnv } from './lib/config.js';
import { logger, maskEmail, metrics } from './lib/logger.js';
import { isBulk } from './mailing/audience.js';
import type { SendJob } from './mailing/plan.js';
import { cachedReader } from './sending/cache.js';
import { composerFor } from './sending/compose.js';
import { dynamoSlotClaims, FleetPacer } from './sending/fleet-pacer.js';
import { holdLater, jobToPutBack, retryLater } from './sending/retry.js';
import { type SenderDeps, type SendOutcome, sendOne } from './sending/send.js';
import { suppressionCache } from './sending/suppression-cache.js';
import { CounterBatch } from './store/counters.js';
import { getMailing, type StoreDeps, suppressionsFor } from './store/store.js';

const env = loadEnv([
  'TABLE_NAME',
  'SEND_QUEUE_URL',
  'RETENTION_DAYS',
  'CONFIGURATION_SET',
  'SEND_RATE_PER_INVOCATION',
  'SENDER_CONCURRENCY',
  'SEND_LEASE_SECONDS',
  'SEND_HOLD_SECONDS',
  'SENDER_DOMAIN',
  'FROM_ADDRESS',
  'UNSUBSCRIBE_BASE_URL',
  'RSVP_BASE_URL',
  'UNSUBSCRIBE_KEYS',
  'UNSUBSCRIBE_KEY_PARAMETER',
]);
const store: StoreDeps = {
  db: documentClient(),
  table: env.TABLE_NAME,
  now: () => new Date(),
  retentionDays: env.RETENTION_DAYS,
};
/** Outcomes whose job goes back on the queue with a back-off (a held one waits longer). */
const COMES_BACK: ReadonlySet<SendOutcome> = new Set([
  'retry',
  'retry-claimed',
  'retry-earlier-claim',
  'throttled',
]);
// A mailing's content doesn't change while it sends, and a cancellation is seen on the delivery
// rows (and re-read before a retry), so a cache is safe; ten seconds makes the read ~0.01 per
// delivery at a sender's usual pace instead of 0.1.
const mailing = cachedReader((id: string) => getMailing(store, id), 10_000);
// Suppressions that arrived after planning, read once per mailing per 10 s (sending/suppression-cache.ts).
const suppressions = suppressionCache();
const compose = composerFor(store, env);
// One schedule for the whole fleet, in the table (sending/fleet-pacer.ts): each environment claims
// its batch's send slots from it, so senders in any number of environments keep to the account rate.
// Keyed by log stream: one per Lambda environment, and one per concurrent poller of the local runner.
const slotClaims = dynamoSlotClaims(store);
const pacers = new Map<string, FleetPacer>();
const pacerOf = (environment: string): FleetPacer => {
  let p = pacers.get(environment);
  if (!p) {
    p = new FleetPacer(slotClaims, env.SEND_RATE_PER_INVOCATION * env.SENDER_CONCURRENCY);
    pacers.set(environment, p);
  }
  return p;
};
const processor = new BatchProcessor(EventType.SQS);

/** Sender: claims each delivery, renders, sends through SES at the paced rate, records the state. */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const pacer = pacerOf(context.logStreamName);
  // Counter moves of the whole batch, written once per mailing when it ends (store/counters.ts).
  const counters = new CounterBatch();
  const deps: SenderDeps = {
    ...store,
    counters,
    ses: sesClient(),
    configurationSet: env.CONFIGURATION_SET,
    leaseSeconds: env.SEND_LEASE_SECONDS,
    pacer,
    mailing,
    freshMailing: (id) => getMailing(store, id),
    mailingChanged: (id) => mailing.forget(id),
    suppressions: async () => [], // replaced per job below: the cache is per mailing
    compose,
    count: (name) => metrics.addMetric(name, MetricUnit.Count, 1),
    remainingMs: () => context.getRemainingTimeInMillis(),
  };
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const job = JSON.parse(record.body) as SendJob;
    // A job received again (its invocation died or timed out), or sent back from the DLQ, most
    // likely finds its delivery moved on: it reads the row first, as a job without the planned
    // delivery does, rather than render and take a send slot for nothing.
    if (Number(record.attributes.ApproximateReceiveCount) > 1 || record.messageAttributes[REDRIVES_ATTRIBUTE])
      delete job.delivery;
    // Bulk: planning left out whoever was suppressed then, and what arrived since comes from the
    // cache. Other mail (one message per event, not planned in pages) reads the address's entries.
    const suppressionsOf = async (contactKey: string, cid: string) => {
      const m = await mailing(job.mailingId);
      return m && isBulk(m.kind)
        ? suppressions.suppressionsOf(store, m, contactKey, cid)
        : suppressionsFor(store, contactKey, cid);
    };
    // The claim's owner, named here so that a job whose claim could not be given back carries it.
    const owner = randomUUID();
    const outcome = await sendOne({ ...deps, suppressions: suppressionsOf }, job, owner);
    logger.info('send', { mailingId: job.mailingId, to: maskEmail(job.contactKey), outcome });
    // Only a job that SES did not take comes back; everything else is settled in the table.
    const next = jobToPutBack(job, outcome, owner);
    if (COMES_BACK.has(outcome))
      await retryLater(sqsClient(), env.SEND_QUEUE_URL, next, { fault: outcome !== 'throttled' });
    else if (outcome === 'held')
      await holdLater(sqsClient(), env.SEND_QUEUE_URL, next, env.SEND_HOLD_SECONDS);
  };
  pacer.plan(event.Records.length);
  try {
    return await processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  } finally {
    // The rows are the record: a lost flush is repaired by the clock's recount (store/counters.ts).
    await counters.flush(store).catch((error: unknown) => logger.error('counter flush failed', { error }));
    await pacer.finish().catch((error: unknown) => logger.warn('giving back send slots failed', { error }));
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
