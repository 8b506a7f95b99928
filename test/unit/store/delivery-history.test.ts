import { describe, expect, it } from 'vitest';
import { deliveryHistory, historyAppend } from '../../../functions/store/delivery-history.js';
import type { DeliveryRow } from '../../../functions/store/model.js';

const row = (over: Partial<DeliveryRow> & Record<string, unknown>) =>
  ({
    mailingId: 'm',
    contactKey: 'a@example.org',
    state: 'queued',
    createdAt: '2022-10-01T10:00:00.000Z',
    updatedAt: '2022-10-01T10:00:00.000Z',
    attempts: 0,
    ...over,
  }) as DeliveryRow;

describe('delivery history', () => {
  it('appends one entry per change of state, with the reason, the person and the SES id it names', () => {
    const append = historyAppend(['failed'], 'queued', '2022-10-01T10:05:00.000Z', {
      resentBy: 'org@example.org',
      resentFrom: 'failed',
    });
    expect(append?.clause).toMatch(/list_append\(if_not_exists\(#history/);
    expect(append?.values[':historyEntry']).toEqual([
      { state: 'queued', at: '2022-10-01T10:05:00.000Z', by: 'org@example.org' },
    ]);
    expect(
      historyAppend(['sending', 'uncertain'], 'sent', 't', { sesMessageId: 'ses-1' })?.values[
        ':historyEntry'
      ],
    ).toEqual([{ state: 'sent', at: 't', sesMessageId: 'ses-1' }]);
  });

  it('adds nothing for a mark that stays in its state (sending → sending)', () => {
    expect(historyAppend(['sending'], 'sending', 't', { submitting: true })).toBeUndefined();
  });

  it('starts with the planning and, for a row from before the history was kept, ends with its last state', () => {
    expect(deliveryHistory(row({}))).toEqual([{ state: 'queued', at: '2022-10-01T10:00:00.000Z' }]);
    expect(
      deliveryHistory(
        row({ state: 'failed', updatedAt: '2022-10-01T10:01:00.000Z', reason: 'MessageRejected: bad' }),
      ),
    ).toEqual([
      { state: 'queued', at: '2022-10-01T10:00:00.000Z' },
      { state: 'failed', at: '2022-10-01T10:01:00.000Z', reason: 'MessageRejected: bad' },
    ]);
    expect(
      deliveryHistory(
        row({
          state: 'sent',
          history: [
            { state: 'sending', at: 'a' },
            { state: 'sent', at: 'b' },
          ],
        }),
      ),
    ).toEqual([
      { state: 'queued', at: '2022-10-01T10:00:00.000Z' },
      { state: 'sending', at: 'a' },
      { state: 'sent', at: 'b' },
    ]);
  });
});
