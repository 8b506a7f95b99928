/**
 * Fleet-wide pacing: every sender environment, in any number of Lambda
 * environments with no memory in common, takes its send times from one shared
 * schedule in DynamoDB, so the fleet as a whole keeps to the account's SES rate.
 *
 * The schedule is a single item holding `nextAt`, the time (epoch µs, an
 * integer so that the table's decimal sums and ours agree) of the next free send slot; slots are `1 / rate` apart. A sender claims a block of
 * slots for its batch with one conditional update — `nextAt += k × interval`
 * while the schedule is ahead of now, or `nextAt = now + k × interval` when it
 * has fallen behind (the fleet was idle) — and sends each message at its
 * slot's time. Because any two sends `R` slots apart are `R × interval` =
 * `1 s / headroom` apart, no rolling one-second window ever holds more than the
 * account's rate, whichever environment sends them; the headroom absorbs the
 * jitter of a send leaving a little after its slot. Polling gaps, batch ends
 * and cold starts lose nothing while the schedule runs ahead: another sender's
 * block (or this one's next) follows on the very next slot. Slots a batch did
 * not use are given back when nobody has claimed after them.
 *
 * Cost: one UpdateItem per block (a batch), not per send; the item takes
 * `rate / block` writes a second, far under a DynamoDB item's ~1,000/s.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../lib/errors.js';
import { keys } from '../store/model.js';
import { conditionally, type StoreDeps } from '../store/store.js';

/** The schedule item. */
export const PACE_KEY = keys.pace();

/** Claims on the shared schedule, in integer epoch microseconds. */
export interface SlotClaims {
  /** Claims `count` slots `intervalUs` apart; returns where the block starts. */
  claim(count: number, intervalUs: number, nowUs: number, aheadHint: boolean): Promise<number>;
  /** Gives back the block's tail [from, end) if nothing was claimed after it. */
  giveBack(fromUs: number, endUs: number): Promise<void>;
}

/** The schedule in the table. */
export function dynamoSlotClaims(deps: Pick<StoreDeps, 'db' | 'table'>): SlotClaims {
  const ahead = async (span: number, now: number): Promise<number> => {
    const result = await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: PACE_KEY,
        UpdateExpression: 'SET nextAt = nextAt + :span',
        ConditionExpression: 'nextAt >= :now',
        ExpressionAttributeValues: { ':span': span, ':now': now },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return Number(result.Attributes?.nextAt);
  };
  const behind = async (span: number, now: number): Promise<number> => {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: PACE_KEY,
        UpdateExpression: 'SET nextAt = :end',
        ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt < :now',
        ExpressionAttributeValues: { ':end': now + span, ':now': now },
      }),
    );
    return now;
  };
  return {
    async claim(count, intervalUs, nowUs, aheadHint) {
      const span = count * intervalUs;
      // Exactly one of the two conditions holds at any moment, so a race lost on one is won on
      // the other at the next try; four tries cover two races lost in a row.
      let tryAhead = aheadHint;
      for (let attempt = 0; attempt < 4; attempt++) {
        const now = attempt === 0 ? nowUs : Date.now() * 1000;
        const start = await conditionally(tryAhead ? ahead(span, now) : behind(span, now));
        if (start !== undefined) return start;
        tryAhead = !tryAhead;
      }
      throw new TransientError('could not claim send slots: the schedule moved under every try');
    },
    async giveBack(fromUs, endUs) {
      // A lost condition: someone claimed after us, and the slots pass unused.
      await conditionally(
        deps.db.send(
          new UpdateCommand({
            TableName: deps.table,
            Key: PACE_KEY,
            UpdateExpression: 'SET nextAt = :from',
            ConditionExpression: 'nextAt = :end',
            ExpressionAttributeValues: { ':from': fromUs, ':end': endUs },
          }),
        ),
      );
    },
  };
}

/**
 * A sender environment's view of the shared schedule: {@link plan} says how
 * many sends the batch may make, {@link acquire} waits for the next slot
 * (claiming a block for the rest of the batch when it has none left),
 * {@link finish} gives back what the batch did not use. Same interface as the
 * per-sender {@link Pacer} for `sendOne`.
 */
export class FleetPacer {
  private slots: number[] = [];
  private blockEnd = 0;
  private expected = 0;
  private used = 0;
  /** How many of the slots held were claimed ahead, by the previous batch's {@link finish}. */
  private prefetched = 0;
  private refilling: Promise<void> | undefined;
  private readonly intervalUs: number;

  /**
   * @param maxBlock the most slots one claim takes (the sender's batch size)
   * @param lateMs how late a slot claimed ahead may still be used. Sends `R` slots apart are
   *   `1 s / headroom` apart, so a send later than that margin (10 ms at 0.99) could share a
   *   rolling second with the send `R` slots on; such a slot is skipped, costing rate, not a throttle.
   */
  constructor(
    private readonly claims: SlotClaims,
    ratePerSecond: number,
    private readonly maxBlock = 25,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly lateMs = 10,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    this.intervalUs = Math.round(1e6 / ratePerSecond);
  }

  /** How many sends the batch about to run may make: the size of the block claimed for it. */
  plan(sends: number): void {
    this.expected = Math.max(0, sends);
    this.used = 0;
  }

  /** Waits until this sender may send once more; returns the slot's time (epoch ms). */
  async acquire(): Promise<number> {
    for (;;) {
      while (this.slots.length === 0) {
        this.refilling ??= this.refill().finally(() => {
          this.refilling = undefined;
        });
        await this.refilling;
      }
      const at = (this.slots.shift() as number) / 1000;
      const wait = at - this.now();
      // A slot claimed ahead by the previous batch may have gone by during the gap: too late to
      // use safely, it passes unused. (A block claimed for this batch starts a lead ahead.)
      if (this.prefetched > 0) {
        this.prefetched--;
        if (wait < -this.lateMs) continue;
      }
      this.expected = Math.max(0, this.expected - 1);
      this.used++;
      if (wait > 0) await this.sleep(wait);
      return at;
    }
  }

  /**
   * After a throttle, nothing: the slots after this one are other senders' as much as this
   * one's, so moving this sender's remaining sends later would put them into someone else's
   * slots and make the next second denser, not lighter. The throttled job comes back later.
   */
  backOff(_ms: number): void {}

  /**
   * Ends the batch. Unused slots go back to the schedule when nobody claimed after them. A
   * batch that used every slot it claimed had a backlog behind it, so the next batch's block is
   * claimed now: the schedule then runs on across the gap while this environment deletes and
   * polls, instead of starting again from whenever it comes back (a block left unused because
   * no batch came simply passes, and a slot found stale by then is skipped).
   */
  async finish(): Promise<void> {
    const first = this.slots[0];
    const end = this.blockEnd;
    const used = this.used;
    this.expected = 0;
    this.used = 0;
    if (first !== undefined) {
      this.slots = [];
      this.prefetched = 0;
      if (first > this.now() * 1000) await this.claims.giveBack(first, end);
      return;
    }
    if (used >= this.maxBlock) {
      this.expected = used;
      await this.refill();
      this.prefetched = this.slots.length;
      this.expected = 0;
    }
  }

  private async refill(): Promise<void> {
    const count = Math.min(this.maxBlock, Math.max(1, this.expected));
    // The block starts a little ahead of now (ten slots, at most 100 ms), so the claim's own
    // round trip does not make its first slots late.
    const lead = Math.min(100_000, 10 * this.intervalUs);
    const now = Math.round(this.now() * 1000) + lead;
    const start = await this.claims.claim(count, this.intervalUs, now, this.blockEnd >= now);
    this.slots = Array.from({ length: count }, (_, i) => start + i * this.intervalUs);
    this.blockEnd = start + count * this.intervalUs;
  }
}
