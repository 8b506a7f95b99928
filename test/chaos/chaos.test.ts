import { describe, expect, it } from 'vitest';
import { sharedTemplate } from '../integration/support/local-stack.js';
import { runChaos } from './property.js';

/**
 * The chaos property, bounded for `npm test`: a few random fault schedules over
 * whole flows. `npm run chaos -- --runs N` runs more (test/chaos/run.ts);
 * CHAOS_SEED reproduces a failure printed here.
 */
describe('chaos: the rules hold under random faults at every AWS call', () => {
  it('never sends twice, loses nothing, and tells the truth about every delivery', {
    timeout: 900_000,
  }, async () => {
    const figures = await runChaos({
      runs: Number(process.env.CHAOS_RUNS ?? 2),
      seed: process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined,
      recipients: Number(process.env.CHAOS_RECIPIENTS ?? 60),
      template: sharedTemplate(),
      log: (line) => console.log(line),
    });
    console.log(`chaos: ${JSON.stringify({ ...figures, failure: undefined })}`);
    if (figures.failure) throw new Error(figures.failure);
    expect(figures.schedules).toBeGreaterThan(0);
    // The schedules did inject faults, and of more than one kind.
    expect(Object.keys(figures.faults).length).toBeGreaterThan(1);
  });
});
