import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSesEvent, type SesEvent } from '../../../functions/feedback/ses-event.js';
import {
  advances,
  FEEDBACK_RANK,
  type FeedbackState,
  fromStatesFor,
  planFeedback,
} from '../../../functions/feedback/state.js';
import type { DeliveryState } from '../../../functions/store/model.js';
import { sesFixture } from './fixtures.js';

function event(name: string, edit: (e: ReturnType<typeof sesFixture>) => void = () => {}): SesEvent {
  const raw = sesFixture(name);
  edit(raw);
  const result = parseSesEvent(JSON.stringify(raw));
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

describe('the feedback ranking', () => {
  it('orders sent < delayed < delivered < bounced < complained', () => {
    const order: FeedbackState[] = ['sent', 'delayed', 'delivered', 'bounced', 'complained'];
    for (let i = 1; i < order.length; i++) {
      expect(FEEDBACK_RANK[order[i] as FeedbackState]).toBeGreaterThan(
        FEEDBACK_RANK[order[i - 1] as FeedbackState],
      );
    }
  });

  it('never moves a delivery back to sent', () => {
    for (const state of ['delayed', 'delivered', 'failed', 'bounced', 'complained'] as const) {
      expect(advances(state, 'sent')).toBe(false);
    }
    expect(fromStatesFor('sent')).toEqual(['uncertain']);
  });

  it('lets a bounce or a complaint overrule delivered', () => {
    expect(advances('delivered', 'bounced')).toBe(true);
    expect(advances('delivered', 'complained')).toBe(true);
    expect(advances('bounced', 'delivered')).toBe(false);
    expect(advances('complained', 'delivered')).toBe(false);
  });

  it('lets a delivery overrule a delay but not the reverse', () => {
    expect(advances('delayed', 'delivered')).toBe(true);
    expect(advances('delivered', 'delayed')).toBe(false);
  });

  it('settles an uncertain delivery with any event, and never touches pre-send or skipped deliveries', () => {
    for (const target of Object.keys(FEEDBACK_RANK) as FeedbackState[]) {
      expect(advances('uncertain', target)).toBe(true);
      for (const state of ['queued', 'sending', 'suppressed', 'cancelled'] as const) {
        expect(advances(state, target)).toBe(false);
        expect(fromStatesFor(target)).not.toContain(state);
      }
    }
  });

  it('gives every transition a from list of exactly the states below its target', () => {
    for (const target of Object.keys(FEEDBACK_RANK) as FeedbackState[]) {
      const from = fromStatesFor(target);
      expect(from).not.toContain(target);
      for (const state of from) expect(advances(state, target)).toBe(true);
    }
  });

  it('converges on the highest-ranked event whatever the order and however often each arrives', () => {
    const targets = Object.keys(FEEDBACK_RANK) as FeedbackState[];
    fc.assert(
      fc.property(
        fc.constantFrom<DeliveryState>('sent', 'uncertain'),
        fc.array(fc.constantFrom(...targets), { minLength: 1, maxLength: 12 }),
        (start, events) => {
          // The store's conditional update, modelled: move only from a state in the from list.
          let state: DeliveryState = start;
          let transitions = 0;
          for (const target of events) {
            if (fromStatesFor(target).includes(state)) {
              state = target;
              transitions++;
            }
          }
          const highest = events.reduce((a, b) => (FEEDBACK_RANK[b] > FEEDBACK_RANK[a] ? b : a));
          if (start === 'sent' && highest === 'sent') expect(state).toBe('sent');
          else expect(state).toBe(highest);
          // Each transition climbs, so counters move at most once per distinct state reached.
          expect(transitions).toBeLessThanOrEqual(new Set(events).size);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('planFeedback', () => {
  it('records a send as sent and a delivery as delivered, counting deliveries', () => {
    expect(planFeedback(event('send'))).toEqual({ target: 'sent', suppressions: [] });
    expect(planFeedback(event('delivery'))).toEqual({
      target: 'delivered',
      suppressions: [],
      metric: 'Delivered',
    });
  });

  it('bounces and globally suppresses the address of a permanent bounce, with the diagnosis', () => {
    const plan = planFeedback(event('bounce-permanent'));
    expect(plan).toMatchObject({ target: 'bounced', metric: 'Bounced' });
    expect(plan.reason).toBe('Permanent/General: smtp; 550 5.1.1 user unknown');
    expect(plan.suppressions).toEqual([
      {
        contactKey: 'f.karimov@example.org',
        email: 'f.karimov@example.org',
        reason: 'bounce',
        detail: plan.reason,
      },
    ]);
  });

  it('treats the SES suppression-list bounce as a permanent bounce', () => {
    const plan = planFeedback(event('bounce-suppressed'));
    expect(plan.target).toBe('bounced');
    expect(plan.reason).toMatch(/^Permanent\/Suppressed/);
    expect(plan.suppressions).toHaveLength(1);
  });

  it('marks a transient or undetermined bounce delayed and suppresses nobody', () => {
    const transient = planFeedback(event('bounce-transient'));
    expect(transient).toMatchObject({ target: 'delayed', suppressions: [] });
    expect(transient.reason).toMatch(/^Transient\/MailboxFull/);
    const undetermined = planFeedback(
      event('bounce-transient', (e) => {
        e.bounce.bounceType = 'Undetermined';
        e.bounce.bounceSubType = 'Undetermined';
      }),
    );
    expect(undetermined).toMatchObject({ target: 'delayed', suppressions: [] });
  });

  it('marks a delivery delay delayed with its type', () => {
    expect(planFeedback(event('delivery-delay'))).toMatchObject({
      target: 'delayed',
      reason: 'DeliveryDelay/TransientCommunicationFailure',
      suppressions: [],
    });
  });

  it('records a complaint and suppresses the complainant; a not-spam report does neither', () => {
    const plan = planFeedback(event('complaint'));
    expect(plan).toMatchObject({ target: 'complained', metric: 'Complained', reason: 'abuse' });
    expect(plan.suppressions.map((s) => [s.contactKey, s.reason])).toEqual([
      ['f.karimov@example.org', 'complaint'],
    ]);
    expect(planFeedback(event('complaint', (e) => (e.complaint.complaintFeedbackType = 'not-spam')))).toEqual(
      {
        suppressions: [],
      },
    );
  });

  it('suppresses the message recipients when the provider redacted the complainant', () => {
    const plan = planFeedback(event('complaint', (e) => (e.complaint.complainedRecipients = [])));
    expect(plan.suppressions.map((s) => s.contactKey)).toEqual(['f.karimov@example.org']);
  });

  it('suppresses by contact key, once per address, skipping what is not an address', () => {
    const plan = planFeedback(
      event('bounce-permanent', (e) => {
        e.bounce.bouncedRecipients = [
          { emailAddress: 'F.Karimov@Example.ORG' },
          { emailAddress: 'f.karimov@example.org' },
          { emailAddress: 'not an address' },
        ];
      }),
    );
    expect(plan.suppressions.map((s) => [s.contactKey, s.email])).toEqual([
      ['f.karimov@example.org', 'f.karimov@example.org'],
    ]);
  });

  it('fails a rejected or unrenderable message with the reason SES gave', () => {
    expect(planFeedback(event('reject'))).toEqual({
      target: 'failed',
      reason: 'Reject: Bad content',
      metric: 'Rejected',
      suppressions: [],
    });
    expect(planFeedback(event('rendering-failure'))).toMatchObject({
      target: 'failed',
      reason: "Rendering Failure: Attribute 'attributeName' is not present in the rendering data.",
    });
  });

  it('asks nothing of engagement events', () => {
    expect(planFeedback(event('open'))).toEqual({ suppressions: [] });
  });
});
