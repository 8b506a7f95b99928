import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { resumeMailing } from '../../functions/mailing/operations.js';
import type { PipelineDeps } from '../../functions/mailing/plan.js';
import { listMailings } from '../../functions/store/store.js';
import { createFaultLayer, describeFault, type Fault } from '../../local/faults.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { storeOf } from '../integration/support/pipeline.js';
import { checkInvariants, deadLettersOf, STALL_MS, settle } from './check.js';
import { type FlowShape, flowArbitrary, prepareFlow, sendFlow } from './flow.js';
import { scheduleArbitrary } from './schedule.js';

export interface ChaosOptions {
  runs: number;
  seed?: number;
  /** fast-check's replay path, printed with a failure. */
  path?: string;
  /** Registered delegates per flow (each gets the bulk mailing and the agenda notice). */
  recipients?: number;
  /** Stop at the first failure without shrinking (npm test), or shrink it (npm run chaos). */
  shrink?: boolean;
  /** Log violations and go on instead of failing the property (to survey what breaks). */
  keepGoing?: boolean;
  /** One schedule instead of random ones: a fault the property must survive, pinned. */
  schedule?: Fault[];
  /** The synthesized template (the tests share one). */
  template: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface ChaosFigures {
  seed: number;
  schedules: number;
  faults: Record<string, number>;
  violations: number;
  failure?: string;
  /** Calls the handlers made per `fn:Service.Operation` over all runs. */
  calls: Record<string, number>;
  deliveries: number;
  /** Messages a function gave up on that were recorded and sent back once (not violations). */
  deadLetters: number;
}

/** Figures of no schedule yet, to add runs to. */
export const noFigures = (seed: number): ChaosFigures => ({
  seed,
  schedules: 0,
  faults: {},
  violations: 0,
  calls: {},
  deliveries: 0,
  deadLetters: 0,
});

/**
 * Function timeouts shorter than the leases that cover them, as in AWS (the stack refuses a
 * lease that is not longer), and all short, so that a dead invocation is recovered in seconds.
 * A failed record comes back after `failedVisibilitySeconds`, and in AWS a record comes back
 * only after its claim ran out (visibility 6 × timeout > lease): here the event lease spans
 * two returns at most, so waiting out a dead claim spends no more of `maxReceiveCount` (5).
 */
export const CHAOS_TIMING = {
  timeouts: { sender: 8, intake: 10 },
  // A paused mailing's held jobs look again after 3 s instead of 15 min, so a resumed run settles.
  environment: {
    SEND_LEASE_SECONDS: '10',
    EVENT_LEASE_SECONDS: '12',
    SEND_HOLD_SECONDS: '3',
    STALE_QUEUED_SECONDS: '15',
    // The recount's two looks, longer than every function timeout above.
    COUNTERS_QUIET_SECONDS: '20',
  },
  failedVisibilitySeconds: 5,
};

/** A copy of the template with these function timeouts (by entry file name). */
export function withTimeouts(
  template: Record<string, unknown>,
  timeouts: Record<string, number>,
): Record<string, unknown> {
  const copy = structuredClone(template);
  const resources = copy.Resources as Record<
    string,
    { Type: string; Metadata?: Record<string, unknown>; Properties?: Record<string, unknown> }
  >;
  for (const [name, seconds] of Object.entries(timeouts)) {
    const fn = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' && r.Metadata?.['communique:entry'] === `functions/${name}.ts`,
    );
    if (!fn?.Properties) throw new Error(`function ${name} not found in the template`);
    fn.Properties.Timeout = seconds;
  }
  return copy;
}

/** What the CLI's `mailing resume` is given: the store and the queues of the stack. */
export function pipelineOf(stack: LocalStack): PipelineDeps {
  return {
    ...storeOf(stack),
    sqs: stack.clients.sqs,
    sendQueueUrl: stack.outputs.SendQueueUrl ?? '',
    intakeQueueUrl: stack.outputs.IntakeQueueUrl ?? '',
  };
}

/**
 * The chaos property: for a random fault schedule and a random ordering of a
 * whole flow's events, once the faults stop and the pipeline settles, every
 * rule holds when read from the outside (see check.ts). One embedded stack for
 * all runs; each run has its own conference, so runs don't see each other.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Date.now() % 2 ** 31;
  // The sender's last write before SES sets `submitting` (functions/sending/lease.ts).
  const layer = createFaultLayer({ watch: [':set_submitting'] });
  const dir = await mkdtemp(path.join(tmpdir(), 'communique-chaos-'));
  const stack: LocalStack = await startLocalStack({
    template: withTimeouts(options.template, CHAOS_TIMING.timeouts),
    emlDir: path.join(dir, 'outbox'),
    failedVisibilitySeconds: CHAOS_TIMING.failedVisibilitySeconds,
    scheduleEverySeconds: 2,
    faults: layer,
    environment: { SEND_RATE_PER_INVOCATION: '1000', ...CHAOS_TIMING.environment },
  });
  const store = storeOf(stack);
  const figures = noFigures(seed);
  let run = 0;
  try {
    const property = fc.asyncProperty(
      options.schedule ? fc.constant(options.schedule) : scheduleArbitrary(12, options.recipients ?? 120),
      flowArbitrary(),
      async (schedule: Fault[], shape: FlowShape) => {
        run++;
        figures.schedules++;
        const tag = `s${seed}-r${run}`;
        layer.clear();
        const { events, intended } = await prepareFlow(stack, store, tag, options.recipients ?? 150);
        layer.setSchedule(schedule);
        await sendFlow(stack, events, shape);
        // A schedule that made SES refuse the account (AccessDenied) pauses its mailings: the
        // organizer's documented way on (`mailing resume`, the same function) must bring each to its end.
        const settled = await settle(stack, store, intended.conferenceId, {
          resume: (mailingId) => resumeMailing(pipelineOf(stack), mailingId, 'chaos@example.org'),
        });
        layer.clear();
        const violations = await checkInvariants(stack, store, layer, intended);
        if (!settled.settled)
          violations.push(
            `did not settle; nothing moved for ${STALL_MS / 1000} s: ${JSON.stringify(settled.last)}`,
          );
        for (const m of await listMailings(store, intended.conferenceId))
          figures.deliveries += Number(m.total ?? 0);
        const deadLetters = await deadLettersOf(store, intended.conferenceId);
        figures.deadLetters += deadLetters;
        if (deadLetters > 0) log(`run ${run}: ${deadLetters} dead letters, recorded and sent back once`);
        log(
          `run ${run}: ${schedule.length} faults, batch ${shape.batch}: ${violations.length === 0 ? 'ok' : `${violations.length} violations`}`,
        );
        if (violations.length > 0) {
          figures.violations += violations.length;
          if (options.keepGoing) {
            for (const v of violations) log(`  ${v}`);
            log(`  schedule: ${schedule.map(describeFault).join('; ')}`);
            return;
          }
          throw new Error(
            `${violations.length} violations:\n  ${violations.slice(0, 25).join('\n  ')}\nschedule:\n  ${schedule.map(describeFault).join('\n  ')}`,
          );
        }
      },
    );
    const details = await fc.check(property, {
      numRuns: options.runs,
      seed,
      path: options.path,
      endOnFailure: !options.shrink,
      includeErrorInReport: true,
    });
    if (details.failed) figures.failure = fc.defaultReportMessage(details) ?? 'failed';
  } finally {
    figures.faults = layer.figures();
    figures.calls = Object.fromEntries([...layer.seen].sort());
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
