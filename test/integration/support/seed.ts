import type { Role } from '../../../functions/events/schemas.js';
import type { RegistrationRow } from '../../../functions/store/model.js';
import { putRegistration, type StoreDeps } from '../../../functions/store/store.js';

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
