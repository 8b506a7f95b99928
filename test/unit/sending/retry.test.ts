import { describe, expect, it } from 'vitest';
import { jobToPutBack } from '../../../functions/sending/retry.js';

describe('the job put back after a try', () => {
  const job = { mailingId: 'm', contactKey: 'a@example.org', retries: 2, faults: 1 };

  it("carries this try's claim when it could not be given back", () => {
    expect(jobToPutBack(job, 'retry-claimed', 'this-try')).toEqual({ ...job, claimOwner: 'this-try' });
    expect(jobToPutBack({ ...job, claimOwner: 'earlier' }, 'retry-claimed', 'this-try')).toEqual({
      ...job,
      claimOwner: 'this-try',
    });
  });

  it('keeps carrying the earlier claim when this try could not give it back either', () => {
    expect(jobToPutBack({ ...job, claimOwner: 'earlier' }, 'retry-earlier-claim', 'this-try')).toEqual({
      ...job,
      claimOwner: 'earlier',
    });
  });

  it('goes on without a claim once it was given back', () => {
    for (const outcome of ['retry', 'throttled', 'held'] as const)
      expect(jobToPutBack({ ...job, claimOwner: 'earlier' }, outcome, 'this-try')).toEqual(job);
  });
});
