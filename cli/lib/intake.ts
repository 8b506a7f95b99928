/**
 * The CLI's side of sending events: the producer helpers of `functions/events/producer.ts`, with
 * "the stack did not answer in time" reported as the CLI's {@link UnreachableError} (exit code 3).
 */
import {
  type EventOutcome,
  EventsNotSettledError,
  type IntakeRecord,
  type WaitOptions,
  waitForOutcomes as waitForProducerOutcomes,
} from '../../functions/events/producer.js';
import { UnreachableError } from './errors.js';

export {
  appliedAmong,
  CLI_SOURCE,
  cloudEvent,
  type EventOutcome,
  type OutgoingEvent,
  sendBodies,
  type WaitOptions,
} from '../../functions/events/producer.js';

/** {@link waitForProducerOutcomes}, throwing an {@link UnreachableError} when the stack is silent. */
export async function waitForOutcomes(
  target: IntakeRecord,
  ids: string[],
  options: WaitOptions = {},
): Promise<EventOutcome[]> {
  try {
    return await waitForProducerOutcomes(target, ids, options);
  } catch (error) {
    if (error instanceof EventsNotSettledError) throw new UnreachableError(error.message, { cause: error });
    throw error;
  }
}
