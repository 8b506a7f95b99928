import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { tick } from './clock/tick.js';
import { loadEnv } from './lib/config.js';
import { currentTime, pipelineDeps } from './lib/deps.js';
import { logger, metrics } from './lib/logger.js';

const env = loadEnv([
  'TABLE_NAME',
  'SEND_QUEUE_URL',
  'INTAKE_QUEUE_URL',
  'RETENTION_DAYS',
  'REMINDER_OFFSETS',
  'COMMUNIQUE_LOCAL',
  'STALE_QUEUED_SECONDS',
  'COUNTERS_QUIET_SECONDS',
]);
const deps = pipelineDeps(env);

/**
 * The per-minute tick (EventBridge rule). One tick for everything due, rather
 * than a schedule per reminder: re-planning when the agenda moves is just
 * reading the agenda again, and there is nothing to delete when it changes.
 */
export const handler = async (): Promise<void> => {
  const now = await currentTime(deps, env.COMMUNIQUE_LOCAL === '1');
  // `now` is the (locally settable) calendar time for reminders and sendAt; leases keep real time.
  let result: Awaited<ReturnType<typeof tick>>;
  try {
    result = await tick(
      {
        ...deps,
        count: (name) => metrics.addMetric(name, MetricUnit.Count, 1),
        staleQueuedMs: env.STALE_QUEUED_SECONDS * 1000,
        countersQuietMs: env.COUNTERS_QUIET_SECONDS * 1000,
      },
      now,
      env.REMINDER_OFFSETS,
    );
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
  if (
    result.scheduledStarted.length +
      result.remindersPlanned.length +
      result.leasesExpired +
      result.completed.length >
    0
  ) {
    logger.info('clock tick', { now: now.toISOString(), ...result });
  }
};
