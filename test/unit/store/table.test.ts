import { describe, expect, it } from 'vitest';
import { applied, conditionally, oneOf } from '../../../functions/store/table.js';

const named = (name: string) => Object.assign(new Error(name), { name });

describe('conditionally', () => {
  it('answers what the write answered when its condition held', async () => {
    await expect(conditionally(Promise.resolve({ Attributes: { state: 'queued' } }))).resolves.toEqual({
      Attributes: { state: 'queued' },
    });
    await expect(applied(Promise.resolve({}))).resolves.toBe(true);
  });

  it('answers undefined (applied: false) when the condition did not hold', async () => {
    await expect(
      conditionally(Promise.reject(named('ConditionalCheckFailedException'))),
    ).resolves.toBeUndefined();
    await expect(applied(Promise.reject(named('ConditionalCheckFailedException')))).resolves.toBe(false);
  });

  it('throws every other error: a throttled or failed write is not a lost race', async () => {
    for (const name of ['ProvisionedThroughputExceededException', 'InternalServerError', 'TimeoutError']) {
      await expect(conditionally(Promise.reject(named(name)))).rejects.toThrow(name);
      await expect(applied(Promise.reject(named(name)))).rejects.toThrow(name);
    }
  });
});

describe('oneOf', () => {
  it('names each state with its own placeholder', () => {
    expect(oneOf('#s', ['sending', 'planning'], 'f')).toEqual({
      condition: '#s IN (:f0, :f1)',
      values: { ':f0': 'sending', ':f1': 'planning' },
    });
  });
});
