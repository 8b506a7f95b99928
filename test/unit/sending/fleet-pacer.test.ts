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
    clock = last + 205; // the gap outlasted the first of them by 105 ms, the second by 5 ms
    pacer.plan(2);
    expect(await pacer.acquire()).toBe(last + 200);
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
