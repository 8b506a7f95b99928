import { describe, expect, it, vi } from 'vitest';
import {
  dynamoSlotClaims,
  FleetPacer,
  type SlotClaims,
  SlotsContendedError,
} from '../../../functions/sending/fleet-pacer.js';

/** An in-memory schedule with the same rules as the table's, recording every call. */
function memorySchedule(roundTrip: () => void = () => undefined) {
  let nextAt: number | undefined;
  const calls: string[] = [];
  const claims: SlotClaims = {
    async claim(count, intervalUs, window) {
      calls.push(`claim ${count}`);
      const { from, start: fresh } = window();
      roundTrip(); // the answer comes back after this
      const start = nextAt !== undefined && nextAt >= from ? nextAt : fresh;
      nextAt = start + count * intervalUs;
      return start;
    },
    async giveBack(fromUs, endUs) {
      calls.push(`giveBack ${(endUs - fromUs) / 100_000}`);
      if (nextAt !== endUs) return false;
      nextAt = fromUs;
      return true;
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

  it('starts its blocks ahead of the claims it measured, so that the call leaves on its slot', async () => {
    let clock = 1_000_000;
    const { claims } = memorySchedule(() => {
      clock += 80; // a claim on the schedule, on a slow table
    });
    const pacer = new FleetPacer(
      claims,
      10,
      25,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    const lateness: number[] = [];
    for (let i = 0; i < 30; i++) {
      pacer.plan(1);
      const at = await pacer.reserve();
      expect(await pacer.ready(at)).toBe(true);
      clock += 300; // the delivery's claim and mark
      await pacer.waitUntil(at);
      lateness.push(clock - at);
      await pacer.finish();
      clock += 5_000; // idle: the next block starts from now again
    }
    // At first the pacer expects a quick claim and mark, and the call leaves 280 ms late; once
    // it has measured them it wakes that much before the slot, and the call leaves on time.
    expect(lateness[0]).toBeGreaterThan(200);
    for (const late of lateness.slice(-3)) {
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThanOrEqual(10);
    }
  });

  it('passes a slot that a stall made late before anything is claimed, and counts it as unused', async () => {
    let clock = 1_000_000;
    let stall = 0;
    const { claims, calls } = memorySchedule();
    const pacer = new FleetPacer(
      claims,
      10,
      2,
      () => clock,
      async (ms) => {
        clock += ms + stall;
        stall = 0;
      },
    );
    pacer.plan(1);
    const first = await pacer.reserve();
    stall = 500; // the environment's event loop was busy when the wait should have ended
    expect(await pacer.ready(first)).toBe(false);
    const second = await pacer.reserve();
    expect(second).toBeGreaterThan(clock);
    expect(await pacer.ready(second)).toBe(true);
    await pacer.waitUntil(second);
    expect(clock - second).toBeGreaterThanOrEqual(0);
    await pacer.finish();
    // One send was made: the batch was not full, so nothing is claimed ahead for a next one.
    expect(calls).toEqual(['claim 1', 'claim 1']);
  });

  it('gives a record that comes late to its batch a slot still ahead, not one gone by', async () => {
    let clock = 1_000_000;
    const { claims, calls } = memorySchedule();
    // A high rate: the batch's block spans 30 µs, less than rendering one message takes.
    const pacer = new FleetPacer(
      claims,
      100_000,
      25,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    pacer.plan(3);
    const ready: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const at = await pacer.reserve();
      expect(at - clock).toBeGreaterThanOrEqual(0);
      ready.push(await pacer.ready(at));
      clock += 200; // this record's claim, mark and call, and the next one's rendering
    }
    expect(ready).toEqual([true, true, true]);
    expect(calls).toEqual(['claim 3', 'claim 2', 'claim 1']);
  });

  it('recovers from one very slow claim: the next batch sends, and waits little after its mark', async () => {
    let clock = 1_000_000;
    const { claims } = memorySchedule();
    const pacer = new FleetPacer(
      claims,
      14,
      25,
      () => clock,
      async (ms) => {
        clock += ms;
      },
    );
    const send = async (claimAndMark: number) => {
      pacer.plan(1);
      let at = await pacer.reserve();
      let passed = 0;
      while (!(await pacer.ready(at))) {
        passed++;
        at = await pacer.reserve();
      }
      clock += claimAndMark;
      const marked = clock;
      await pacer.waitUntil(at);
      await pacer.finish();
      clock += 5_000;
      return { passed, afterMark: clock - 5_000 - marked };
    };
    await send(7_000); // the SDK retried a throttled claim for seven seconds
    // The estimates are capped: the next slot is still within reach, and the wait after the mark
    // (where a crash would leave a false `uncertain`) stays short.
    for (let i = 0; i < 3; i++) {
      const { passed, afterMark } = await send(5);
      expect(passed).toBe(0);
      expect(afterMark).toBeLessThanOrEqual(FleetPacer.MAX_ESTIMATE_MS + 50);
    }
  });

  it('skips a slot claimed ahead that will be late once the claim and the mark are done', async () => {
    const { claims, next } = memorySchedule();
    // Real timers on a fake clock: overlapping waits end in order, as in a sender's batch.
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const pacer = new FleetPacer(claims, 10, 2);
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // Full batches of two, processed together as the sender does: both reserve, each waits
      // for its slot, claims and marks (200 ms) and waits out the rest. Each full batch claims
      // the next block ahead.
      let onTime: boolean[] = [];
      for (let batch = 0; batch < 20; batch++) {
        pacer.plan(2);
        const slots = [await pacer.reserve(), await pacer.reserve()];
        const sent = Promise.all(
          slots.map(async (at) => {
            const ready = await pacer.ready(at);
            await pause(200);
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

describe('dynamoSlotClaims', () => {
  it('takes DynamoDB throttling the schedule item for contention, and passes other errors on', async () => {
    const failing = (name: string) =>
      dynamoSlotClaims({
        table: 't',
        db: {
          send: async () => {
            throw Object.assign(new Error(name), { name });
          },
        } as never,
      });
    const window = () => ({ from: 1, start: 2 });
    await expect(
      failing('ProvisionedThroughputExceededException').claim(1, 100, window, true),
    ).rejects.toBeInstanceOf(SlotsContendedError);
    await expect(failing('ThrottlingException').claim(1, 100, window, false)).rejects.toBeInstanceOf(
      SlotsContendedError,
    );
    await expect(failing('AccessDeniedException').claim(1, 100, window, true)).rejects.toThrow(
      'AccessDeniedException',
    );
  });
});
