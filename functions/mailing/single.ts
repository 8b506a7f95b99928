import { UnprocessableEventError } from '../lib/errors.js';
import type { MailingRow, MailKind, Recipient } from '../store/model.js';
import { createDelivery, createMailing, deliveryIdOf, getDelivery, getMailing } from '../store/store.js';
import { enqueueSendJobs, jobOf, type PipelineDeps } from './plan.js';

/**
 * Sends one transactional mail to one recipient: a mailing with a deterministic id (so repeating
 * the cause creates nothing new) holding one delivery.
 *
 * DynamoDB Local has no transactions, so the two rows are written in the order that leaves every
 * crash point whole: the delivery first, then the mailing, created already planned (total 1, one
 * queued), then the send job. A crash after the delivery leaves a row no mailing lists and no
 * sender sends (it sends only for a mailing that is sending); the repeat of the cause writes the
 * mailing, and a cause that no longer holds (a registration cancelled meanwhile) leaves it at
 * that, which is what the mail would have said. A crash after the mailing leaves a planned,
 * counted delivery whose job the repeat, or the clock's stale-queued sweep, enqueues. No state in
 * between has a mailing whose counters disagree with its rows. A repeat finds both rows and
 * re-enqueues the job only while the delivery is still queued (the sender claims it once, so a
 * duplicate job sends nothing).
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
  const existing = await getMailing(deps, mailingId);
  if (existing) requireOwnMailing(existing, kind, conferenceId);
  await createDelivery(deps, {
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
  if (!existing) {
    const created = await createMailing(
      deps,
      {
        mailingId,
        conferenceId,
        kind,
        audience: { contactIds: [recipient.contactId] },
        state: 'sending',
        requestedBy: mail.requestedBy,
        plan: { phase: 'done', pages: 1 },
        ...mail.extra,
      },
      1,
    );
    if (!created) {
      const raced = await getMailing(deps, mailingId);
      if (raced) requireOwnMailing(raced, kind, conferenceId);
    }
  }
  const delivery = await getDelivery(deps, mailingId, recipient.contactKey);
  if (delivery?.state === 'queued')
    await enqueueSendJobs(deps, [jobOf(mailingId, recipient.contactKey, delivery)]);
}

/**
 * A derived mailing id already in use must be the pipeline's own mailing of this
 * kind and conference, and never a dry run: mail is not attached to anything else.
 */
function requireOwnMailing(existing: MailingRow, kind: MailKind, conferenceId: string): void {
  if (existing.kind !== kind || existing.conferenceId !== conferenceId || existing.state === 'dry-run') {
    throw new UnprocessableEventError(
      `mailing id "${existing.mailingId}" is already taken by a ${existing.state} ${existing.kind} mailing of conference "${existing.conferenceId}"; the ${kind} cannot use it`,
      'mailing_id_taken',
    );
  }
}
