/**
 * A token bucket of capacity one: sends are spaced `1 / rate` apart, so one
 * sender never exceeds its share of the account's SES rate. Each concurrent
 * sender has its own pacer, and the stack sizes `maxConcurrency × rate` to the
 * account rate, so the fleet as a whole stays at or under it.
 */
export class Pacer {
  private next = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
  }

  /** Waits until this sender may send once more. */
  async acquire(): Promise<void> {
    const interval = 1000 / this.ratePerSecond;
    const now = this.now();
    const at = Math.max(now, this.next);
    this.next = at + interval;
    if (at > now) await this.sleep(at - now);
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
