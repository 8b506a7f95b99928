/**
 * README's table of moves, rendered from functions/store/transitions.ts; transitions.test.ts
 * checks that the README holds exactly this. `npx tsx test/unit/store/moves-table.ts` prints it.
 */
import { pathToFileURL } from 'node:url';
import { DELIVERY_MOVES, MAILING_MOVES, type Move } from '../../../functions/store/transitions.js';

const states = (list: readonly string[]) => list.map((s) => `\`${s}\``).join(', ');

function rows(kind: string, moves: Record<string, Move<string>>): string[] {
  return Object.entries(moves).map(
    ([name, m]) => `| ${kind} | \`${name}\` | ${states(m.from)} | \`${m.to}\` | ${m.by} | ${m.why} |`,
  );
}

export function movesTable(): string {
  return [
    '| row | move | from | to | by | why |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows('delivery', DELIVERY_MOVES),
    ...rows('mailing', MAILING_MOVES),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(movesTable());
