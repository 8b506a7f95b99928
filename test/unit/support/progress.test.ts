import { describe, expect, it } from 'vitest';
import { waitForProgress } from '../../integration/support/progress.js';

/** Issue 11, defect 14: waits fail when nothing moves, not when a deadline passes. */
describe('waitForProgress', () => {
  it('keeps waiting, past many stall windows in total, while the value moves', async () => {
    let n = 0;
    const started = Date.now();
    const value = await waitForProgress(async () => n++, {
      done: (v) => v >= 40,
      progressOf: (v) => v,
      stallMs: 100,
      intervalMs: 10,
    });
    expect(value).toBe(40);
    // The whole wait lasted longer than one stall window: no deadline applied to it.
    expect(Date.now() - started).toBeGreaterThan(100);
  });

  it('fails, saying what it saw last, when the value stops moving', async () => {
    let n = 0;
    await expect(
      waitForProgress(async () => Math.min(n++, 3), {
        done: (v) => v >= 10,
        progressOf: (v) => ({ settled: v }),
        stallMs: 100,
        intervalMs: 10,
        what: 'the test mailing',
      }),
    ).rejects.toThrow(/the test mailing: nothing moved for 100 ms; last seen \{"settled":3\}/);
  });

  it('counts a failing read as no movement', async () => {
    await expect(
      waitForProgress(
        async () => {
          throw new Error('connection refused');
        },
        { done: () => true, progressOf: (v) => v, stallMs: 50, intervalMs: 10 },
      ),
    ).rejects.toThrow(/last error: Error: connection refused/);
  });
});
