import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../functions/sending/pacer.js';

/** A pacer on a fake clock: sleeping advances time, so the test measures spacing exactly. */
function fakePacer(rate: number, burst?: number) {
  let now = 0;
  const sleeps: number[] = [];
  const pacer = new Pacer(
    rate,
    () => now,
    async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    burst,
  );
  return { pacer, sleeps, time: () => now, advance: (ms: number) => (now += ms) };
}

describe('Pacer', () => {
  it('spaces sends 1/rate apart so no second holds more than the rate', async () => {
    const { pacer, time } = fakePacer(5, 1);
    const stamps: number[] = [];
    for (let i = 0; i < 20; i++) {
      await pacer.acquire();
      stamps.push(time());
    }
    for (let i = 1; i < stamps.length; i++)
      expect((stamps[i] ?? 0) - (stamps[i - 1] ?? 0)).toBeCloseTo(200, 6);
    for (const start of stamps)
      expect(stamps.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(5);
  });

  it('banks no more than one slot of idle time', async () => {
    const { pacer, sleeps, advance } = fakePacer(2);
    await pacer.acquire();
    advance(10_000);
    await pacer.acquire();
    await pacer.acquire();
    await pacer.acquire();
    // After a long pause: two sends at once (one banked slot), then the pace again.
    expect(sleeps).toEqual([500]);
  });

  it('keeps its average at the rate when batches leave gaps between them', async () => {
    const { pacer, time, advance } = fakePacer(10);
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 10; i++) await pacer.acquire();
      advance(80); // delete + receive between two batches, shorter than one slot
    }
    expect(200 / (time() / 1000)).toBeGreaterThan(9.8);
    expect(200 / (time() / 1000)).toBeLessThanOrEqual(10.05);
  });

  it('holds off after a throttle', async () => {
    const { pacer, time } = fakePacer(100);
    await pacer.acquire();
    pacer.backOff(1000);
    await pacer.acquire();
    expect(time()).toBeGreaterThanOrEqual(1000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new Pacer(0)).toThrow(RangeError);
  });
});
