import type { PipelineDeps } from '../mailing/plan.js';
import { clockOffsetMs, type StoreDeps, suppressedAmong, suppressionsFor } from '../store/store.js';
import { documentClient, sqsClient } from './clients.js';
import type { Env } from './config.js';

/** The table, the real clock and the retention: what every handler's store access needs. */
export function storeDeps(env: Pick<Env, 'TABLE_NAME' | 'RETENTION_DAYS'>): StoreDeps {
  return {
    db: documentClient(),
    table: env.TABLE_NAME,
    now: () => new Date(),
    retentionDays: env.RETENTION_DAYS,
  };
}

/**
 * The real collaborators for a handler, from its validated configuration.
 * Tests build the same object with other clients, a fixed clock and so on.
 */
export function pipelineDeps(
  env: Pick<Env, 'TABLE_NAME' | 'SEND_QUEUE_URL' | 'INTAKE_QUEUE_URL' | 'RETENTION_DAYS'>,
): PipelineDeps {
  const deps: PipelineDeps = {
    ...storeDeps(env),
    sqs: sqsClient(),
    sendQueueUrl: env.SEND_QUEUE_URL,
    intakeQueueUrl: env.INTAKE_QUEUE_URL,
  };
  deps.isSuppressed = async (contactKey, conferenceId) =>
    (await suppressionsFor(deps, contactKey, conferenceId)).length > 0;
  deps.suppressedAmong = (contactKeys, conferenceId) => suppressedAmong(deps, contactKeys, conferenceId);
  return deps;
}

/**
 * The current time. In AWS it is the real clock; on the local stack
 * (`COMMUNIQUE_LOCAL`) it is shifted by the offset `communique clock set` stored.
 */
export async function currentTime(deps: Pick<PipelineDeps, 'db' | 'table'>, local: boolean): Promise<Date> {
  if (!local) return new Date();
  return new Date(Date.now() + (await clockOffsetMs(deps)));
}
