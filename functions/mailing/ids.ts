import { randomBytes } from 'node:crypto';

/** A readable, sortable, unique mailing id: `<kind>-<UTC date>-<time>-<4 hex>` (CLI and console). */
export function newMailingId(kind: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${kind}-${stamp}-${randomBytes(2).toString('hex')}`;
}
