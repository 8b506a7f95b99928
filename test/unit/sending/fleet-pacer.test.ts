import { describe, expect, it } from 'vitest';
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

  it('skips a slot it reaches too late instead of sending into the next second', async () => {
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
      10,
    );
    pacer.plan(3);
    const first = await pacer.acquire();
    clock += 150; // stalled: the second slot (first + 100) is 50 ms gone
    const next = await pacer.acquire();
    expect(next - first).toBe(200);
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
    expect(next()).toBe((1_000_000 + 100) * 1000);
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
