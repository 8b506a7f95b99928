import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DELIVERY_STATES, MAILING_STATES } from '../../../functions/store/model.js';
import {
  DELIVERY_INITIAL,
  DELIVERY_MOVES,
  FEEDBACK_MOVES,
  FEEDBACK_RANK,
  type FeedbackState,
  FINAL_DELIVERY_STATES,
  FINAL_MAILING_STATES,
  MAILING_INITIAL,
  MAILING_MOVES,
  type Move,
  RANKED_BELOW_ALL,
} from '../../../functions/store/transitions.js';
import { movesTable } from './moves-table.js';

/** DESIGN.md, "Delivery state": every state a delivery row can be in. */
const DESIGN_DELIVERY_STATES =
  'queued sending sent delivered bounced complained suppressed failed uncertain cancelled delayed'.split(' ');

/** States in which the pipeline has nothing left to do for a delivery (the chaos check's end states). */
const SETTLED = 'sent delivered bounced complained suppressed cancelled failed uncertain'.split(' ');

/** The one move that leaves a settled state without SES or an organizer, and why it may. */
const LEAVES_SETTLED_BY_SENDER = {
  recordSent: 'a sender whose claim the clock expired into `uncertain` records the send SES did take',
};

function reachable<S extends string>(initial: readonly S[], moves: readonly Move<S>[]): Set<S> {
  const seen = new Set<S>(initial);
  let grew = true;
  while (grew) {
    grew = false;
    for (const m of moves) {
      if (!seen.has(m.to) && m.from.some((s) => seen.has(s))) {
        seen.add(m.to);
        grew = true;
      }
    }
  }
  return seen;
}

/** States that some move leaves for another state (a move that keeps its state leaves nothing). */
function left<S extends string>(moves: readonly Move<S>[]): Set<S> {
  return new Set(moves.flatMap((m) => m.from.filter((s) => s !== m.to)));
}

function expectRealStates<S extends string>(moves: [string, Move<S>][], states: readonly S[]): void {
  for (const [name, m] of moves) {
    expect(m.from.length, name).toBeGreaterThan(0);
    expect(new Set(m.from).size, name).toBe(m.from.length);
    for (const s of [...m.from, m.to]) expect(states, name).toContain(s);
  }
}

const deliveryMoves = Object.entries(DELIVERY_MOVES) as [string, Move<(typeof DELIVERY_STATES)[number]>][];
const mailingMoves = Object.entries(MAILING_MOVES) as [string, Move<(typeof MAILING_STATES)[number]>][];

describe('the delivery moves', () => {
  it("cover DESIGN.md's delivery states, and every one is reachable from where a row is created", () => {
    expect([...DELIVERY_STATES].sort()).toEqual([...DESIGN_DELIVERY_STATES].sort());
    const seen = reachable(
      DELIVERY_INITIAL,
      deliveryMoves.map(([, m]) => m),
    );
    expect([...seen].sort()).toEqual([...DELIVERY_STATES].sort());
  });

  it('name only real states, each from-list without repeats', () => {
    expectRealStates(deliveryMoves, DELIVERY_STATES);
  });

  it('leave no final state, and leave every other state somehow', () => {
    const out = left(deliveryMoves.map(([, m]) => m));
    const final = DELIVERY_STATES.filter((s) => !out.has(s));
    expect(final.sort()).toEqual([...FINAL_DELIVERY_STATES].sort());
    expect(final.sort()).toEqual(['cancelled', 'complained', 'suppressed']);
  });

  it('leave a settled state only on SES feedback, an organizer resend, or the documented late record of a send', () => {
    for (const [name, m] of deliveryMoves) {
      const leavesSettled = m.from.some((s) => SETTLED.includes(s) && s !== m.to);
      if (!leavesSettled) continue;
      if (m.by === 'feedback' || m.by === 'organizer') continue;
      expect(Object.keys(LEAVES_SETTLED_BY_SENDER), `${name} leaves a settled state`).toContain(name);
    }
  });

  it('never let anything but a claim put a delivery in `sending`, so only a claimant sends', () => {
    const into = deliveryMoves.filter(([, m]) => m.to === 'sending');
    expect(into.map(([name, m]) => [name, m.from, m.by])).toEqual([['claim', ['queued'], 'sender']]);
  });

  it('make `uncertain` only from a claim, and requeue it only by an organizer or the late record of the send', () => {
    for (const [name, m] of deliveryMoves) {
      if (m.to === 'uncertain') expect(m.from, name).toEqual(['sending']);
      if (m.from.includes('uncertain') && m.to === 'queued') expect(m.by, name).toBe('organizer');
    }
  });

  it('let feedback move a delivery only up the ranking, from every ranked state below its target', () => {
    for (const target of Object.keys(FEEDBACK_RANK) as FeedbackState[]) {
      const m = FEEDBACK_MOVES[target];
      expect(m.to).toBe(target);
      expect(m.by).toBe('feedback');
      const below = (Object.keys(FEEDBACK_RANK) as FeedbackState[]).filter(
        (s) => FEEDBACK_RANK[s] < FEEDBACK_RANK[target],
      );
      expect([...m.from].sort()).toEqual([...RANKED_BELOW_ALL, ...below].sort());
      for (const never of ['queued', 'sending', 'suppressed', 'cancelled'] as const)
        expect(m.from).not.toContain(never);
    }
    const feedback = deliveryMoves.filter(([, m]) => m.by === 'feedback').map(([, m]) => m);
    expect(new Set(feedback)).toEqual(new Set(Object.values(FEEDBACK_MOVES)));
  });
});

describe('the mailing moves', () => {
  it('reach every mailing state from the states a mailing is created in', () => {
    const seen = reachable(
      MAILING_INITIAL,
      mailingMoves.map(([, m]) => m),
    );
    expect([...seen].sort()).toEqual([...MAILING_STATES].sort());
  });

  it('name only real states, each from-list without repeats', () => {
    expectRealStates(mailingMoves, MAILING_STATES);
  });

  it('leave only `cancelled` never; a complete mailing leaves only for a resend or a pause', () => {
    const out = left(mailingMoves.map(([, m]) => m));
    const final = MAILING_STATES.filter((s) => !out.has(s));
    expect(final).toEqual([...FINAL_MAILING_STATES]);
    expect(final).toEqual(['cancelled']);
    const fromComplete = mailingMoves.filter(([, m]) => m.from.includes('complete') && m.to !== 'complete');
    expect(fromComplete.map(([name]) => name).sort()).toEqual(['pause', 'reopen']);
  });

  it('cancel from every state that is not final, and resume only a paused mailing', () => {
    expect([...MAILING_MOVES.cancel.from].sort()).toEqual(
      MAILING_STATES.filter((s) => s !== 'cancelled' && s !== 'complete').sort(),
    );
    for (const [name, m] of mailingMoves) {
      if (m.from.includes('paused'))
        expect(['resumePlanning', 'resumeSending', 'cancel'], name).toContain(name);
    }
  });
});

describe('the call sites', () => {
  const root = join(import.meta.dirname, '../../..');
  const sources = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) return name === 'node_modules' ? [] : sources(path);
      return name.endsWith('.ts') ? [path] : [];
    });
  /** The argument text of every call of `fn` in `text`, up to its closing parenthesis. */
  const callsOf = (text: string, fn: string): string[] => {
    const out: string[] = [];
    for (let at = text.indexOf(`${fn}(`); at >= 0; at = text.indexOf(`${fn}(`, at + 1)) {
      if (/function\s+$/.test(text.slice(Math.max(0, at - 20), at))) continue; // the definition
      let depth = 0;
      let end = at + fn.length;
      for (; end < text.length; end++) {
        if (text[end] === '(') depth++;
        else if (text[end] === ')' && --depth === 0) break;
      }
      out.push(text.slice(at + fn.length + 1, end));
    }
    return out;
  };

  it('move a delivery or a mailing only by a named move, never by a literal list of states', () => {
    const states = [...DELIVERY_STATES, ...MAILING_STATES];
    const literal = new RegExp(`\\[\\s*'(${states.join('|')})'`);
    let calls = 0;
    for (const file of [...sources('functions'), ...sources('cli'), ...sources('local')]) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const fn of ['transitionDelivery', 'setMailingState']) {
        for (const args of callsOf(text, fn)) {
          calls++;
          expect(literal.test(args), `${file}: ${fn}(${args.slice(0, 120)}…)`).toBe(false);
          expect(
            /MOVES|RELEASE_CLAIMED|SETTLE_QUEUED|\bmove\b/.test(args),
            `${file}: ${fn}(${args.slice(0, 120)}…)`,
          ).toBe(true);
        }
      }
    }
    // The scan found the call sites (a scan that finds nothing proves nothing).
    expect(calls).toBeGreaterThan(20);
  });

  it("are described by README's table of moves, which is this module", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- moves:start -->');
    const end = readme.indexOf('<!-- moves:end -->');
    expect(start, 'README has the moves markers').toBeGreaterThan(0);
    const section = readme.slice(start + '<!-- moves:start -->'.length, end).trim();
    const normalize = (t: string) =>
      t
        .split('\n')
        .map((l) => l.replace(/\s*\|\s*/g, '|').replace(/-{3,}/g, '---'))
        .join('\n');
    expect(normalize(section), 'regenerate with: npx tsx test/unit/store/moves-table.ts').toBe(
      normalize(movesTable()),
    );
  });
});
