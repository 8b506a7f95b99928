import fc from 'fast-check';
import type { Fault } from '../../local/faults.js';

/**
 * Every (function, operation) pair the handlers call in a chaos flow of 120 recipients,
 * with roughly how many calls one chaos flow makes (so `nth` lands inside the
 * flow). The chaos run prints the calls it actually saw; a pair missing here
 * would show up there with no faults against it.
 */
export const STEPS: { fn: string; op: string; calls: number }[] = [
  { fn: 'intake', op: 'DynamoDB.GetItem', calls: 200 },
  { fn: 'intake', op: 'DynamoDB.PutItem', calls: 85 },
  { fn: 'intake', op: 'DynamoDB.BatchWriteItem', calls: 12 },
  { fn: 'intake', op: 'DynamoDB.BatchGetItem', calls: 8 },
  { fn: 'intake', op: 'DynamoDB.UpdateItem', calls: 40 },
  { fn: 'intake', op: 'DynamoDB.Query', calls: 80 },
  { fn: 'intake', op: 'SQS.SendMessageBatch', calls: 60 },
  { fn: 'intake', op: 'SQS.SendMessage', calls: 10 },
  { fn: 'sender', op: 'DynamoDB.UpdateItem', calls: 600 },
  { fn: 'sender', op: 'DynamoDB.GetItem', calls: 700 },
  { fn: 'sender', op: 'DynamoDB.Query', calls: 100 },
  { fn: 'sender', op: 'SES.SendRawEmail', calls: 270 },
  { fn: 'sender', op: 'SQS.SendMessage', calls: 5 },
  { fn: 'feedback', op: 'DynamoDB.GetItem', calls: 800 },
  { fn: 'feedback', op: 'DynamoDB.UpdateItem', calls: 650 },
  { fn: 'clock', op: 'DynamoDB.Query', calls: 100 },
  { fn: 'clock', op: 'DynamoDB.GetItem', calls: 100 },
  { fn: 'clock', op: 'DynamoDB.UpdateItem', calls: 30 },
  // Only when a function gave up on a message: few calls, so the faults land on the first ones.
  { fn: 'dead-letters', op: 'DynamoDB.PutItem', calls: 2 },
  { fn: 'dead-letters', op: 'SQS.SendMessage', calls: 2 },
];

/** Passing faults (throttling, 5xx, lost answers, latency, crashes) far more often than a 4xx. */
const kindArbitrary: fc.Arbitrary<Pick<Fault, 'kind' | 'error' | 'ms' | 'times'>> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('error' as const),
      error: fc.constant('throttle' as const),
      times: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('error' as const),
      error: fc.constant('5xx' as const),
      times: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('error' as const),
      error: fc.constant('access-denied' as const),
      times: fc.constant(1),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('lost' as const), times: fc.integer({ min: 1, max: 2 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('latency' as const),
      ms: fc.integer({ min: 50, max: 2_500 }),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash-before' as const), times: fc.constant(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash-after' as const), times: fc.constant(1) }) },
);

const faultArbitrary = (scale: number): fc.Arbitrary<Fault> =>
  fc
    .nat({ max: STEPS.length - 1 })
    .chain((i) => {
      const step = STEPS[i] ?? { fn: 'sender', op: 'SES.SendRawEmail', calls: 300 };
      return fc.record({
        fn: fc.constant(step.fn),
        op: fc.constant(step.op),
        nth: fc.integer({ min: 1, max: Math.max(1, Math.round(step.calls * scale)) }),
        spec: kindArbitrary,
      });
    })
    .map(({ fn, op, nth, spec }) => ({ fn, op, nth, ...spec }));

/**
 * A fault schedule: a handful of faults anywhere in the flow (shrinks towards fewer, earlier
 * ones). `recipients` scales the steps' call counts from the 120 they were measured with.
 */
export function scheduleArbitrary(maxFaults = 12, recipients = 120): fc.Arbitrary<Fault[]> {
  return fc.array(faultArbitrary(Math.max(0.3, recipients / 120)), { minLength: 1, maxLength: maxFaults });
}
