import { describe, expect, it } from 'vitest';
import { blockedReason, blocks } from '../../../functions/feedback/suppression-rule.js';
import type { MailKind } from '../../../functions/store/model.js';

const TRANSACTIONAL: MailKind[] = ['confirmation', 'cancellation', 'agenda-change'];
const BULK: MailKind[] = ['invitation', 'reminder', 'media-advisory', 'announcement'];
const row = (reason: 'bounce' | 'complaint' | 'unsubscribe' | 'manual' | 'rejected') => ({
  reason,
  scope: 'GLOBAL',
});

describe('blocks (the suppression rule)', () => {
  it('a hard bounce stops every kind, transactional included', () => {
    for (const kind of [...TRANSACTIONAL, ...BULK])
      expect(blocks([row('bounce')], kind)).toEqual(row('bounce'));
  });

  it.each(['complaint', 'unsubscribe', 'manual'] as const)('a %s stops bulk mail only', (reason) => {
    for (const kind of BULK) expect(blocks([row(reason)], kind)).toEqual(row(reason));
    for (const kind of TRANSACTIONAL) expect(blocks([row(reason)], kind)).toBeUndefined();
  });

  it('reports the address-wide reason when both apply, and nothing without suppressions', () => {
    expect(blocks([row('complaint'), row('bounce')], 'invitation')?.reason).toBe('bounce');
    expect(blocks([], 'invitation')).toBeUndefined();
    expect(blockedReason(row('bounce'))).toContain('all mail');
    expect(blockedReason(row('unsubscribe'))).toContain('bulk mail only');
  });
});
