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
 * Cost: one UpdateItem per block (a batch), not per send, and one more for a
 * slot that a busy environment let go by when its block has none left; the item takes about
 * `rate / block` writes a second, far under a DynamoDB item's ~1,000/s.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../lib/errors.js';
import { keys } from '../store/model.js';
import { conditionally, isThrottled, type StoreDeps } from '../store/table.js';

/**
 * The schedule moved under every try: other senders claimed at the same moments. Like a
 * throttle, it says the fleet is sending at its rate; the job comes back without counting a fault.
 */
export class SlotsContendedError extends TransientError {
  constructor() {
    super('could not claim send slots: the schedule moved under every try');
    this.name = 'SlotsContendedError';
  }
}

/** The schedule item. */
export const PACE_KEY = keys.pace();

/** Claims on the shared schedule, in integer epoch microseconds. */
export interface SlotClaims {
  /**
   * Claims `count` slots `intervalUs` apart; returns where the block starts. `window()` (read
   * again on every try) says from when a schedule running ahead is taken as it is (`from`), and
   * where a block starts when the schedule has fallen behind that (`start`, at or after `from`).
   */
  claim(
    count: number,
    intervalUs: number,
    window: () => { from: number; start: number },
    aheadHint: boolean,
  ): Promise<number>;
  /** Gives back the block's tail [from, end) if nothing was claimed after it; says whether it did. */
  giveBack(fromUs: number, endUs: number): Promise<boolean>;
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
  const behind = async (span: number, now: number, start: number): Promise<number> => {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: PACE_KEY,
        UpdateExpression: 'SET nextAt = :end',
        ConditionExpression: 'attribute_not_exists(nextAt) OR nextAt < :now',
        ExpressionAttributeValues: { ':end': start + span, ':now': now },
      }),
    );
    return start;
  };
  return {
    async claim(count, intervalUs, window, aheadHint) {
      const span = count * intervalUs;
      // Exactly one of the two conditions holds at any moment, so a race lost on one is won on
      // the other at the next try; four tries cover two races lost in a row.
      let tryAhead = aheadHint;
      for (let attempt = 0; attempt < 4; attempt++) {
        const { from, start: fresh } = window();
        const start = await conditionally(tryAhead ? ahead(span, from) : behind(span, from, fresh)).catch(
          (error: unknown) => {
            // DynamoDB throttling the one schedule item is the fleet claiming at its rate, too.
            if (isThrottled(error)) throw new SlotsContendedError();
            throw error;
          },
        );
        if (start !== undefined) return start;
        tryAhead = !tryAhead;
      }
      throw new SlotsContendedError();
    },
    async giveBack(fromUs, endUs) {
      // A lost condition: someone claimed after us, and the slots pass unused.
      const given = await conditionally(
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
      return given !== undefined;
    },
  };
}

/**
 * A sender environment's view of the shared schedule. {@link plan} says how
 * many sends the batch may make; {@link reserve} takes the next slot (claiming a
 * block for the rest of the batch when it has none left) without waiting for
 * it; {@link ready} waits until the slot is a claim away and says
 * whether it is still on time; {@link waitUntil} waits out what is left after
 * them; {@link finish} gives back what the batch did not use.
 *
 * Sends `R` slots apart are `1 s / headroom` apart, so a send later than that
 * margin (10 ms at 0.99) can share a rolling second with the send `R` slots on,
 * which SES throttles. So the slot is the moment of the SES call, not of the
 * claim: the sender waits before its claim for the slot less the claim's
 * round trip (as this environment measured it), claims, and waits out the
 * rest. A slot the wait finds gone by (a busy machine, a
 * long stall) passes unused before anything is claimed, and the sender reserves
 * another: a slot lost instead of a throttled call. Nothing but a short wait
 * stands between a claim and its SES call.
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
  /** The claim ({@link ready} to {@link waitUntil}), ms: mean and mean deviation. */
  private prepMs = 20;
  private prepDevMs = 5;
  /** A claim on the schedule's round trip, ms (a moving average). */
  private refillMs = 10;
  /**
   * The most the averages believe (ms): one claim slowed by the SDK's retries must not push
   * every later slot out of reach (twice both caps is the lead's cap, so a fresh slot can always
   * be made), nor stretch the wait after the claim.
   */
  static readonly MAX_ESTIMATE_MS = 250;
  /** When each slot's {@link ready} returned (ms), by slot time. */
  private readonly readyAt = new Map<number, number>();

  /**
   * @param maxBlock the most slots one claim takes (the sender's batch size)
   * @param lateMs how late a send may leave after its slot: the headroom's margin, 10 ms at 0.99
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

  /** Takes this sender's next send slot without waiting for it; returns its time (epoch ms). */
  async reserve(): Promise<number> {
    for (;;) {
      while (this.slots.length === 0) {
        this.refilling ??= this.refill().finally(() => {
          this.refilling = undefined;
        });
        await this.refilling;
      }
      const at = (this.slots.shift() as number) / 1000;
      if (this.prefetched > 0) this.prefetched--;
      // A slot that went by while nobody took it — claimed ahead by the previous batch and the
      // gap outlasted it, or reserved for a record of this batch that came to it late (at a high
      // rate a block spans less than the batch takes to render) — or too near to outlast the
      // claim: it passes unused, before anything is claimed.
      if (at - this.now() < this.prepMs - this.lateMs) continue;
      this.expected = Math.max(0, this.expected - 1);
      this.used++;
      return at;
    }
  }

  /**
   * Waits until the slot is a slow claim away (its mean plus four deviations, from 20 to 50
   * ms: waking early costs nothing but a short wait after the claim).
   * False when even its mean would make the call late: the slot passes unused, nothing is
   * claimed yet, and the caller reserves another. No I/O.
   */
  async ready(at: number): Promise<boolean> {
    let now = this.now();
    const wake = at - this.prepMs - this.marginMs();
    if (wake > now) {
      await this.sleep(wake - now);
      now = this.now();
    }
    if (now + this.prepMs > at + this.lateMs) {
      // Not a send: the batch still has it to make.
      this.used = Math.max(0, this.used - 1);
      this.expected++;
      return false;
    }
    this.readyAt.set(at, now);
    return true;
  }

  /** The batch makes one send fewer: a job gave up the slots it let go by. */
  forgo(): void {
    this.expected = Math.max(0, this.expected - 1);
  }

  /** Waits for the slot's time itself, after the claim: the SES call's moment. No I/O. */
  async waitUntil(at: number): Promise<void> {
    const now = this.now();
    const ready = this.readyAt.get(at);
    if (ready !== undefined) {
      this.readyAt.delete(at);
      this.prepDevMs = average(this.prepDevMs, Math.abs(now - ready - this.prepMs));
      this.prepMs = average(this.prepMs, now - ready);
    }
    if (at > now) await this.sleep(at - now);
  }

  /** Reserves and waits at once, for a caller with no claim to make (tests). */
  async acquire(): Promise<number> {
    for (;;) {
      const at = await this.reserve();
      if (!(await this.ready(at))) continue;
      await this.waitUntil(at);
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
    this.readyAt.clear();
    if (first !== undefined) {
      // Only what another sender could still use: slots nearer than the floor would pass unused.
      const usable = this.slots.find((slot) => slot >= this.now() * 1000 + this.floorUs());
      this.slots = [];
      this.prefetched = 0;
      if (usable !== undefined && (await this.claims.giveBack(usable, end))) this.blockEnd = usable;
      return;
    }
    if (used >= this.maxBlock) {
      this.expected = used;
      await this.refill();
      this.prefetched = this.slots.length;
      this.expected = 0;
    }
  }

  /**
   * How far ahead of now a fresh block starts: enough for its own claim on the schedule, a slot's
   * claim (twice the measured means and the wake's margin), never less than the
   * floor; with the estimates' caps, at most 1.1 s.
   */
  /** How much earlier than the mean claim {@link ready} wakes: four deviations, 20–50 ms. */
  private marginMs(): number {
    return Math.min(50, Math.max(20, 4 * this.prepDevMs));
  }

  private leadUs(): number {
    const wanted = 2 * (this.refillMs + this.prepMs + this.marginMs());
    return Math.round(Math.min(1_200_000, Math.max(this.floorUs(), wanted * 1000)));
  }

  /**
   * How far ahead a schedule that runs ahead must be for a claim to take it as it is: ten slots
   * or 100 ms, whichever is less. A schedule nearer than that is taken to have fallen behind, and
   * the block starts a whole lead ahead; one between the two is taken as it is (jumping it would
   * leave its gap unused), and any of its first slots that then come too near pass unused.
   */
  private floorUs(): number {
    return Math.min(100_000, 10 * this.intervalUs);
  }

  private async refill(): Promise<void> {
    const count = Math.min(this.maxBlock, Math.max(1, this.expected));
    const lead = this.leadUs();
    const floor = this.floorUs();
    const window = () => {
      const now = Math.round(this.now() * 1000);
      return { from: now + floor, start: now + lead };
    };
    const started = this.now();
    const start = await this.claims.claim(count, this.intervalUs, window, this.blockEnd >= window().from);
    this.refillMs = average(this.refillMs, this.now() - started);
    this.slots = Array.from({ length: count }, (_, i) => start + i * this.intervalUs);
    this.blockEnd = start + count * this.intervalUs;
  }
}

/** A moving average that follows the last few samples. */
const average = (mean: number, sample: number) =>
  Math.min(FleetPacer.MAX_ESTIMATE_MS, 0.8 * mean + 0.2 * Math.max(0, sample));
