import { describe, expect, it } from 'vitest';
import { MAILING_KINDS } from '../../../functions/kinds/index.js';
import { RESERVED_MAILING_ID_PREFIXES, reservedFamilyOf } from '../../../functions/mailing/derived-ids.js';
import { newMailingId } from '../../../functions/mailing/ids.js';

describe('mailing ids', () => {
  it.each(MAILING_KINDS)('gives an organizer’s %s an id the intake accepts (no reserved prefix)', (kind) => {
    const id = newMailingId(kind, new Date('2026-12-01T10:00:00Z'));
    expect(reservedFamilyOf(id)).toBeUndefined();
    expect(id).toContain(kind);
  });

  it('reserves every prefix the pipeline derives', () => {
    expect(RESERVED_MAILING_ID_PREFIXES).toEqual(
      expect.arrayContaining(['agenda-', 'cancellation-', 'confirmation-', 'reminder-']),
    );
    expect(reservedFamilyOf('REMINDER-dushanbe-2022-conference-P1D')?.kind).toBe('reminder');
    expect(reservedFamilyOf('invitation-agenda-1')).toBeUndefined();
  });
});
