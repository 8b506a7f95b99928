import { describe, expect, it, vi } from 'vitest';
import { FleetPacer, type SlotClaims } from '../../../functions/sending/fleet-pacer.js';

/** An in-memory schedule with the same rules as the table's, recording every call. */
function memorySchedule() {
  let nextAt: number | undefined;
  const calls: string[] = [];
  const claims: SlotClaims = {
    async claim(count, intervalUs, nowUs) {
      calls.push(`claim ${count}`);
      const start = nextAt !== undefined && nextAt >= nowUs ? nextAt : nowUs;
      nextAt = start + count * intervalUs;
      return start;
    },
    async giveBack(fromUs, endUs) {
      calls.push(`giveBack ${(endUs - fromUs) / 100_000}`);
      if (nextAt === endUs) nextAt = fromUs;
    },
  };
  return { claims, calls, next: () => nextAt };
}

describe('FleetPacer', () => {
  it('claims one block per batch and spaces sends 1/rate apart', async () => {
    const { claims, calls } = memorySchedule();
    let clock = 1_000_000;
    const pacer = new FleetPacer(
      claims,
      10,
      25,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    pacer.plan(5);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await pacer.acquire());
    expect(calls).toEqual(['claim 5']);
    expect(times.slice(1).map((t, i) => t - (times[i] as number))).toEqual([100, 100, 100, 100]);
  });

  it('skips a slot claimed ahead that the gap made too late, instead of sending into the next second', async () => {
    const { claims } = memorySchedule();
    let clock = 1_000_000;
    const pacer = new FleetPacer(
      claims,
      10,
      2,
      () => clock,
      async (ms) => {
        clock += ms;
      },
      10,
    );
    pacer.plan(2);
    await pacer.acquire();
    const last = await pacer.acquire();
    await pacer.finish(); // a full batch: the next block is claimed ahead, at `last` + 100 and + 200
    // The gap outlasted the first of them by 95 ms; the second is 5 ms ahead, within what the
    // claim and the mark took so far (nothing, on this clock) less the 10 ms a send may be late.
    clock = last + 195;
    pacer.plan(2);
    expect(await pacer.acquire()).toBe(last + 200);
  });

  it('starts its blocks ahead by twice what the claim and the mark took, and passes over a slot gone by', async () => {
    const { claims } = memorySchedule();
    let clock = 1_000_000;
    const pacer = new FleetPacer(
      claims,
      10,
      25,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    const passed: number[] = [];
    const lateness: number[] = [];
    for (let i = 0; i < 30; i++) {
      pacer.plan(1);
      let at = await pacer.reserve();
      clock += 200; // the claim, on a slow table
      let skipped = 0;
      while (!(await pacer.ready(at))) {
        skipped++;
        at = await pacer.reserve();
      }
      clock += 100; // the mark
      await pacer.waitUntil(at);
      lateness.push(clock - at);
      passed.push(skipped);
      await pacer.finish();
      clock += 5_000; // idle: the next block starts from now again
    }
    // At first the lead is its floor (ten slots, at most 100 ms): the claim outlasts it, and the
    // slot passes unused rather than go out late. The lead then follows twice the measured
    // 300 ms: no slot passes, and each call leaves on its slot, within the 10 ms margin.
    expect(passed[0]).toBeGreaterThan(0);
    expect(passed.slice(-3)).toEqual([0, 0, 0]);
    for (const late of lateness.slice(-3)) expect(late).toBeLessThanOrEqual(10);
  });

  it('skips a slot claimed ahead that will be late once the claim and the mark are done', async () => {
    const { claims, next } = memorySchedule();
    // Real timers on a fake clock: overlapping waits end in order, as in a sender's batch.
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const pacer = new FleetPacer(claims, 10, 2);
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // Full batches of two, processed together as the sender does: both reserve, the claims
      // take 150 ms, each waits for its slot, marks (50 ms) and waits out the rest. Each full
      // batch claims the next block ahead.
      let onTime: boolean[] = [];
      for (let batch = 0; batch < 20; batch++) {
        pacer.plan(2);
        const slots = [await pacer.reserve(), await pacer.reserve()];
        await vi.advanceTimersByTimeAsync(150);
        const sent = Promise.all(
          slots.map(async (at) => {
            const ready = await pacer.ready(at);
            await pause(50);
            await pacer.waitUntil(at);
            return ready;
          }),
        );
        await vi.runAllTimersAsync();
        onTime = await sent;
        await pacer.finish();
      }
      expect(onTime).toEqual([true, true]); // the lead has caught up with the claim and the mark
      const ahead = (next() as number) / 1000 - 200; // the block claimed ahead: two slots from here
      // The gap leaves its first slot 150 ms ahead, less than the ~200 ms the claim and the mark
      // take (less the 10 ms a send may be late): it passes unused; the second, 250 ms ahead, is used.
      vi.setSystemTime(ahead - 150);
      pacer.plan(2);
      expect(await pacer.reserve()).toBe(ahead + 100);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives back what a batch did not use, and claims ahead after a full batch', async () => {
    const { claims, calls, next } = memorySchedule();
    let clock = 1_000_000;
    const pacer = new FleetPacer(
      claims,
      10,
      4,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    pacer.plan(4);
    await pacer.acquire();
    await pacer.finish();
    expect(calls).toEqual(['claim 4', 'giveBack 3']);
    // The block started a lead (ten slots, at most 100 ms) ahead of now; one slot was used.
    expect(next()).toBe((1_000_000 + 100 + 100) * 1000);
    pacer.plan(4);
    for (let i = 0; i < 4; i++) await pacer.acquire();
    await pacer.finish();
    // The full batch claimed the next block before it ended: the schedule runs on over the gap.
    expect(calls).toEqual(['claim 4', 'giveBack 3', 'claim 4', 'claim 4']);
    const before = calls.length;
    pacer.plan(2);
    await pacer.acquire();
    expect(calls.length).toBe(before);
  });
});
