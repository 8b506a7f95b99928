import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IntakeDeps, processIntakeRecord } from '../../functions/intake/process.js';
import { listRejections, wasProcessed } from '../../functions/store/store.js';
import { useLocalStack } from './support/local-stack.js';
import { fixture, storeOf } from './support/pipeline.js';

const TYPES = [
  'conference.upserted',
  'registration.created',
  'registration.updated',
  'registration.cancelled',
  'agenda.changed',
  'press-contact.upserted',
  'press-contact.removed',
  'mailing.requested',
  'mailing.cancelled',
];

/** A valid fixture with one field replaced, deleted or retyped somewhere in it. */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.uuid(),
    fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    fc.oneof(
      fc.constant(undefined),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string()),
    ),
  )
  .map(([type, id, path, value]) => {
    const event = fixture(type) as Record<string, unknown>;
    event.id = id;
    let node: Record<string, unknown> = event;
    for (const step of path) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[step % keys.length] as string;
      const child = node[key];
      if (child && typeof child === 'object' && step % 3 !== 0) {
        node = child as Record<string, unknown>;
        continue;
      }
      if (value === undefined) delete node[key];
      else node[key] = value;
      break;
    }
    return JSON.stringify(event);
  });

const anyBody = fc.oneof(
  mutatedEvent,
  fc.string({ minLength: 1 }),
  fc.json().filter((s) => s.length > 0),
  fc.constantFrom(...TYPES).map((t) => JSON.stringify({ ...fixture(t), id: `valid-${t}-${Math.random()}` })),
);

describe('intake under random and mutated input', () => {
  const stack = useLocalStack({ runHandlers: false });

  it('never throws past the record, and every body ends applied, a duplicate, or a recorded rejection', async () => {
    const store = storeOf(stack.current);
    const deps: IntakeDeps = {
      ...store,
      sqs: stack.current.clients.sqs,
      sendQueueUrl: stack.current.outputs.SendQueueUrl ?? '',
      intakeQueueUrl: stack.current.outputs.IntakeQueueUrl ?? '',
      intakeDlqUrl: stack.current.outputs.IntakeDlqUrl ?? '',
    };
    // The conference exists, so mutated registrations can apply as well as fail.
    await processIntakeRecord(deps, JSON.stringify(fixture('conference.upserted')), 'setup');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        n++;
        const messageId = `prop-${n}`;
        const before = (await listRejections(store, 10_000)).length;
        const outcome = await processIntakeRecord(deps, body, messageId);
        expect(['applied', 'duplicate', 'rejected', 'continued']).toContain(outcome);
        if (outcome === 'rejected') {
          const after = await listRejections(store, 10_000);
          expect(after.length).toBe(before + 1);
          const mine = after.find((r) => r.sqsMessageId === messageId);
          expect(mine?.reason.length).toBeGreaterThan(0);
        }
        if (outcome === 'applied')
          expect(await wasProcessed(store, (JSON.parse(body) as { id: string }).id)).toBe(true);
      }),
      { numRuns: 120, seed: 20221018 },
    );
  }, 120_000);
});
