import { randomBytes } from 'node:crypto';
import { reservedFamilyOf } from './derived-ids.js';

/**
 * A readable, sortable, unique mailing id: `<kind>-<UTC date>-<time>-<4 hex>` (CLI and console).
 * A kind whose name is a reserved derived prefix (an organizer's `reminder` against the clock's
 * `reminder-…`, see derived-ids.ts) is written `organizer-<kind>-…`, so the intake accepts it.
 */
export function newMailingId(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const id = `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
  return reservedFamilyOf(id) ? `organizer-${id}` : id;
}
