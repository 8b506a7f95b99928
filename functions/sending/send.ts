import { randomUUID } from 'node:crypto';
import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { isThrottling } from '../lib/errors.js';
import { isBulk } from '../mailing/audience.js';
import type { SendJob } from '../mailing/plan.js';
import type { DeliveryRow, MailingRow } from '../store/model.js';
import { getDelivery, type StoreDeps, setMailingState, transitionDelivery } from '../store/store.js';
import { expireLease } from './lease.js';
import type { Pacer } from './pacer.js';

/** What happened to one send job. */
export type SendOutcome =
  | 'sent'
  | 'duplicate' // already past queued: redelivery or a racing sender
  | 'in-progress' // another sender holds a live claim
  | 'uncertain' // a claim ran out with no record of the result: never resent silently
  | 'suppressed'
  | 'cancelled'
  | 'failed'
  | 'paused'
  | 'retry'; // throttled or a passing fault before SES accepted: the job comes back

export interface SenderDeps extends StoreDeps {
  ses: SESClient;
  configurationSet: string;
  leaseSeconds: number;
  pacer: { acquire(): Promise<unknown>; backOff: Pacer['backOff'] };
  /** Mailing by id (cached by the caller: the rows it reads don't change while sending). */
  mailing: (mailingId: string) => Promise<MailingRow | undefined>;
  isSuppressed: (contactKey: string, conferenceId: string) => Promise<boolean>;
  /** Builds the raw MIME message for a delivery. */
  compose: (delivery: DeliveryRow, mailing: MailingRow) => Promise<{ raw: Buffer; from: string }>;
  /** Reads the mailing without a cache: used before putting a delivery back in the queue. */
  freshMailing?: (mailingId: string) => Promise<MailingRow | undefined>;
  /** Counts outcomes (EMF metrics in Lambda). */
  count?: (metric: 'Sent' | 'Failed' | 'Throttled' | 'Uncertain' | 'Suppressed') => void;
}

/** SES errors where the message certainly did not go, and never will as it stands. */
const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'InvalidParameterValue',
  'InvalidParameterCombination',
]);
/** SES errors that stop the whole account or configuration, not this message. */
const ACCOUNT_SES_ERRORS = new Set([
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
]);

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether a failed SES call may have been accepted anyway: the request left
 * but no answer came back (a timeout or a reset connection). Such a send is
 * recorded `uncertain` instead of retried, so that nobody gets it twice.
 */
function outcomeUnknown(error: AwsError): boolean {
  if (error.$metadata?.httpStatusCode !== undefined) return false;
  if (error.code === 'ECONNREFUSED' || error.name === 'ECONNREFUSED') return false;
  return /timeout|timed out|ECONNRESET|socket hang up|EPIPE|aborted/i.test(
    `${error.name} ${error.code} ${error.message}`,
  );
}

const tagValue = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);

/**
 * Sends one delivery at most once. The delivery is claimed with a conditional
 * update (queued → sending, with a lease) before anything is sent; only the
 * claimant sends, and it records `sent` with the SES message id. A job whose
 * delivery is already claimed is a redelivery or a race and sends nothing; if
 * the claim's lease ran out, the sender that held it died somewhere between
 * claiming and recording, and the delivery becomes `uncertain` — resent only
 * when an organizer says so.
 */
export async function sendOne(deps: SenderDeps, job: SendJob): Promise<SendOutcome> {
  const owner = randomUUID();
  const now = deps.now().getTime();
  const claimed = await transitionDelivery(deps, job.mailingId, job.contactKey, ['queued'], 'sending', {
    set: { leaseUntil: now + deps.leaseSeconds * 1000, leaseOwner: owner },
  });
  if (!claimed) return settleUnclaimed(deps, job);
  const delivery: DeliveryRow = { ...claimed, state: 'sending' };
  const release = (
    to: 'queued' | 'failed' | 'suppressed' | 'cancelled' | 'uncertain',
    set: Record<string, unknown> = {},
  ) =>
    transitionDelivery(deps, job.mailingId, job.contactKey, ['sending'], to, {
      set,
      remove: ['leaseUntil', 'leaseOwner'],
      condition: 'leaseOwner = :owner',
      values: { ':owner': owner },
    });
  // Back to the queue for another try — unless the mailing was cancelled meanwhile: a
  // cancellation moves only queued deliveries, and this one was out of the queue when it ran.
  const requeue = async (): Promise<SendOutcome> => {
    const fresh = await (deps.freshMailing ?? deps.mailing)(job.mailingId);
    if (fresh?.state === 'cancelled') {
      await release('cancelled', { reason: 'mailing cancelled' });
      return 'cancelled';
    }
    await release('queued');
    return 'retry';
  };

  const mailing = await deps.mailing(job.mailingId);
  if (!mailing || mailing.state === 'cancelled') {
    await release('cancelled', { reason: mailing ? 'mailing cancelled' : 'mailing not found' });
    return 'cancelled';
  }
  if (isBulk(mailing.kind) && (await deps.isSuppressed(job.contactKey, mailing.conferenceId))) {
    await release('suppressed', { reason: 'address is on the suppression list (bulk mail only)' });
    deps.count?.('Suppressed');
    return 'suppressed';
  }

  let message: { raw: Buffer; from: string };
  try {
    message = await deps.compose(delivery, mailing);
  } catch (error) {
    await release('failed', { reason: `could not render: ${(error as Error).message}` });
    deps.count?.('Failed');
    return 'failed';
  }

  await deps.pacer.acquire();
  let messageId: string | undefined;
  try {
    const result = await deps.ses.send(
      new SendRawEmailCommand({
        RawMessage: { Data: message.raw },
        Source: message.from,
        Destinations: [delivery.recipient.email],
        ConfigurationSetName: deps.configurationSet,
        Tags: [
          { Name: 'mailing', Value: tagValue(job.mailingId) },
          { Name: 'delivery', Value: delivery.deliveryId },
          { Name: 'kind', Value: mailing.kind },
        ],
      }),
    );
    messageId = result.MessageId;
  } catch (caught) {
    const error = caught as AwsError;
    if (isThrottling(error)) {
      // Skip a few slots: enough for the account's one-second window to move on, not a whole second.
      deps.pacer.backOff(250);
      deps.count?.('Throttled');
      return requeue();
    }
    if (ACCOUNT_SES_ERRORS.has(error.name ?? '')) {
      await setMailingState(deps, job.mailingId, ['sending', 'planning'], 'paused', {
        pausedReason: `${error.name}: ${error.message}`,
      });
      await release('queued');
      return 'paused';
    }
    if (PERMANENT_SES_ERRORS.has(error.name ?? '')) {
      await release('failed', { reason: `${error.name}: ${error.message}` });
      deps.count?.('Failed');
      return 'failed';
    }
    if (outcomeUnknown(error)) {
      await release('uncertain', {
        reason: `no answer from SES (${error.name ?? error.code}): it may have been sent`,
      });
      deps.count?.('Uncertain');
      return 'uncertain';
    }
    // 5xx and refused connections: SES did not take the message; try again later.
    return requeue();
  }

  // If this write is lost (the function dies here), the lease runs out and the
  // delivery becomes `uncertain`: the mail went, but we cannot prove it.
  await transitionDelivery(deps, job.mailingId, job.contactKey, ['sending', 'uncertain'], 'sent', {
    set: { sesMessageId: messageId, sentAt: deps.now().toISOString() },
    remove: ['leaseUntil', 'leaseOwner'],
    condition: 'leaseOwner = :owner OR attribute_not_exists(leaseOwner)',
    values: { ':owner': owner },
  });
  deps.count?.('Sent');
  return 'sent';
}

/**
 * A job whose delivery could not be claimed: already handled, held by a live
 * claim, or held by a dead one (lease expired → uncertain).
 */
async function settleUnclaimed(deps: SenderDeps, job: SendJob): Promise<SendOutcome> {
  const current = await getDelivery(deps, job.mailingId, job.contactKey);
  if (!current) return 'duplicate';
  if (current.state !== 'sending') return 'duplicate';
  if ((current.leaseUntil ?? 0) > deps.now().getTime()) return 'in-progress';
  const moved = await expireLease(deps, current);
  return moved ? 'uncertain' : 'duplicate';
}
