import type { MailingRow, MailKind, Recipient } from '../store/model.js';
import { countPlanned, createDelivery, createMailing, deliveryIdOf, getDelivery } from '../store/store.js';
import { enqueueSendJobs, type PipelineDeps } from './plan.js';

/**
 * Sends one transactional mail to one recipient: a mailing with a deterministic id (so repeating
 * the cause creates nothing new) holding one delivery, written before its send job is enqueued.
 * A repeat finds both rows and re-enqueues the job only while the delivery is still queued (the
 * sender claims it once, so a duplicate job sends nothing).
 */
export async function sendOne(
  deps: Pick<PipelineDeps, 'db' | 'table' | 'now' | 'retentionDays' | 'sqs' | 'sendQueueUrl'>,
  mail: {
    kind: MailKind;
    mailingId: string;
    conferenceId: string;
    recipient: Recipient;
    requestedBy: string;
    payload?: Record<string, unknown>;
    extra?: Partial<MailingRow>;
  },
): Promise<void> {
  const { kind, mailingId, conferenceId, recipient } = mail;
  await createMailing(deps, {
    mailingId,
    conferenceId,
    kind,
    audience: { contactIds: [recipient.contactId] },
    state: 'sending',
    requestedBy: mail.requestedBy,
    plan: { phase: 'explicit', pages: 1 },
    ...mail.extra,
  });
  const created = await createDelivery(deps, {
    mailingId,
    contactKey: recipient.contactKey,
    deliveryId: deliveryIdOf(mailingId, recipient.contactKey),
    conferenceId,
    kind,
    state: 'queued',
    recipient,
    ...(mail.payload ? { payload: mail.payload } : {}),
    attempts: 0,
  });
  if (created) await countPlanned(deps, mailingId, 1);
  const delivery = await getDelivery(deps, mailingId, recipient.contactKey);
  if (delivery?.state === 'queued')
    await enqueueSendJobs(deps, [{ mailingId, contactKey: recipient.contactKey }]);
}
