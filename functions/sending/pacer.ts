/**
 * A token bucket: sends are spaced `1 / rate` apart, so one sender keeps to its
 * share of the account's SES rate. Each concurrent sender has its own pacer, and
 * the stack sizes `maxConcurrency × rate` to the account rate, so the fleet as a
 * whole stays at or under it. The bucket holds `burst` tokens: a sender that sat
 * idle between two batches (deleting, polling) may catch up by one slot, which
 * is what keeps its average at its share instead of below it; more would let
 * concurrent senders pile into the same second.
 */
export class Pacer {
  private next = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly burst = 2,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
  }

  /** Takes this sender's next slot without waiting for it; returns its time (on `now`'s clock). */
  async reserve(): Promise<number> {
    const interval = 1000 / this.ratePerSecond;
    // The slot this send takes: the next free one, or — after idle time — one of at
    // most `burst - 1` slots in the past, which it may use at once.
    const slot = Math.max(this.next, this.now() - (this.burst - 1) * interval);
    this.next = slot + interval;
    return slot;
  }

  /** Waits for a reserved slot's time; a slot of this bucket is never too late to use. */
  async ready(slot: number): Promise<boolean> {
    await this.waitUntil(slot);
    return true;
  }

  /** Nothing to give back: a bucket's slots are this sender's alone. */
  forgo(): void {}

  /** Waits for a reserved slot's time. */
  async waitUntil(slot: number): Promise<void> {
    const now = this.now();
    if (slot > now) await this.sleep(slot - now);
  }

  /** Waits until this sender may send once more. */
  async acquire(): Promise<void> {
    await this.waitUntil(await this.reserve());
  }

  /** After a throttle: hold off for `ms` so the next attempts don't pile onto a full second. */
  backOff(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }
}

const pacers = new Map<string, Pacer>();

/**
 * The pacer of one execution environment. In Lambda an environment runs one
 * invocation at a time, and its log stream names it; the local runner gives
 * each of its concurrent pollers a stream of its own, so the same key works in both.
 */
export function pacerFor(slot: string, ratePerSecond: number): Pacer {
  let pacer = pacers.get(slot);
  if (!pacer) {
    pacer = new Pacer(ratePerSecond);
    pacers.set(slot, pacer);
  }
  return pacer;
}
