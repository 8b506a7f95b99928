import { describe, expect, it } from 'vitest';
import { sharedTemplate } from '../integration/support/local-stack.js';
import { runChaos } from './property.js';

/**
 * One schedule pinned: SES refuses the account (AccessDenied) on the third send, so the mailing is
 * paused mid-way; once the faults stop, `mailing resume` (the function the CLI calls) must bring it
 * to its end with every rule holding. Its own file: the fault layer is installed once per process.
 */
describe('chaos: a paused mailing', () => {
  it('brings a mailing that SES paused (AccessDenied) to its end once an organizer resumes it', {
    timeout: 900_000,
  }, async () => {
    const figures = await runChaos({
      runs: 1,
      recipients: 30,
      schedule: [{ fn: 'sender', op: 'SES.SendRawEmail', nth: 3, kind: 'error', error: 'access-denied' }],
      template: sharedTemplate(),
      log: (line) => console.log(line),
    });
    if (figures.failure) throw new Error(figures.failure);
    expect(figures.faults['error:access-denied']).toBe(1);
  });
});
