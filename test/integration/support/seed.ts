import type { Role } from '../../../functions/events/schemas.js';
import type { Recipient, RegistrationRow } from '../../../functions/store/model.js';
import {
  createDelivery,
  createMailing,
  deliveryIdOf,
  putRegistration,
  type StoreDeps,
} from '../../../functions/store/store.js';
import type { LocalStack } from '../../../local/stack.js';
import { fixture, freshId, sendAndWait, storeOf } from './pipeline.js';

const LANGS = ['en', 'ru', 'ar'] as const;

/**
 * Writes registrations straight into the projection (no registration events,
 * so no confirmations): the way to set up a large audience quickly.
 */
export async function seedRegistrations(
  store: StoreDeps,
  conferenceId: string,
  count: number,
  options: { prefix?: string; sessions?: (i: number) => string[]; role?: Role; domain?: string } = {},
): Promise<RegistrationRow[]> {
  const prefix = options.prefix ?? 'delegate';
  const rows: RegistrationRow[] = Array.from({ length: count }, (_, i) => {
    const email = `${prefix}-${i}@${options.domain ?? 'example.org'}`;
    return {
      conferenceId,
      registrationId: `${prefix}-reg-${i}`,
      contactKey: email,
      email,
      givenName: `Given${i}`,
      familyName: `Family${i}`,
      honorific: i % 3 === 0 ? 'H.E.' : 'Dr.',
      country: ['TJ', 'KZ', 'QA', 'SA', 'AT'][i % 5] ?? 'TJ',
      language: LANGS[i % 3] ?? 'en',
      role: options.role ?? 'delegate',
      sessions: options.sessions?.(i) ?? ['opening-plenary'],
      contactId: `${prefix}-reg-${i}`,
      status: 'active',
      eventTime: '2022-09-01T00:00:00Z',
    };
  });
  for (let i = 0; i < rows.length; i += 50) {
    await Promise.all(rows.slice(i, i + 50).map((row) => putRegistration(store, row)));
  }
  return rows;
}

type MailingInput = Parameters<typeof createMailing>[1];

type Defaulted = 'kind' | 'audience' | 'requestedBy' | 'state' | 'plan';

/**
 * A mailing row written straight into the table (no request, no planning): by default an
 * invitation to an empty audience, requested by test@example.org, sending, its planning done.
 */
export function seedMailing(
  store: StoreDeps,
  row: Omit<MailingInput, Defaulted> & Partial<Pick<MailingInput, Defaulted>>,
): Promise<boolean> {
  return createMailing(store, {
    kind: 'invitation',
    audience: {},
    requestedBy: 'test@example.org',
    state: 'sending',
    plan: { phase: 'done', pages: 1 },
    ...row,
  });
}

/**
 * A queued invitation delivery of `mailing` to `contactKey` (also the address), written straight
 * into the table; `recipient` overrides the test person's fields.
 */
export function seedDelivery(
  store: StoreDeps,
  mailing: { mailingId: string; conferenceId: string },
  contactKey: string,
  recipient: Partial<Recipient> = {},
): Promise<boolean> {
  return createDelivery(store, {
    mailingId: mailing.mailingId,
    contactKey,
    deliveryId: deliveryIdOf(mailing.mailingId, contactKey),
    conferenceId: mailing.conferenceId,
    kind: 'invitation',
    state: 'queued',
    recipient: {
      contactKey,
      email: contactKey,
      givenName: 'Test',
      familyName: 'Person',
      role: 'delegate',
      sessions: [],
      contactId: contactKey,
      ...recipient,
    },
    attempts: 0,
  });
}

/**
 * A conference (through the intake, under a fresh event id) with `count` registrations, and a
 * mailing to them still in `planning` at its first page: what the planning tests start from.
 */
export async function planningMailing(
  stack: LocalStack,
  options: { conferenceId: string; mailingId: string; count: number; prefix: string },
): Promise<RegistrationRow[]> {
  const conference = fixture('conference.upserted');
  conference.data.conferenceId = options.conferenceId;
  conference.id = freshId('conf');
  await sendAndWait(stack, conference);
  const store = storeOf(stack);
  const rows = await seedRegistrations(store, options.conferenceId, options.count, {
    prefix: options.prefix,
  });
  await seedMailing(store, {
    mailingId: options.mailingId,
    conferenceId: options.conferenceId,
    state: 'planning',
    plan: { phase: 'registrations', pages: 0 },
  });
  return rows;
}
