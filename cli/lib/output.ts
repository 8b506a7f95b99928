/**
 * How the CLI talks back: JSON on stdout for scripts (`--json`), tables and sentences for people,
 * progress bars on stderr only when a person is watching a terminal, so piped output stays clean.
 */
import cliProgress from 'cli-progress';
import Table from 'cli-table3';

/** Output settings shared by every command. */
export interface Io {
  /** `--json`: machine-readable stdout, no decoration. */
  json: boolean;
  /** stderr is a terminal: progress bars and colours are worth drawing. */
  tty: boolean;
  /** stdin is a terminal: questions can be asked. */
  canPrompt: boolean;
}

export function ioFrom(options: { json?: boolean }): Io {
  return {
    json: options.json === true,
    tty: process.stderr.isTTY === true,
    canPrompt: process.stdin.isTTY === true && process.stdout.isTTY === true,
  };
}

/** Writes a value as JSON (one document, newline-terminated). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a line for people (stdout); silent in JSON mode so stdout stays parseable. */
export function say(io: Io, text = ''): void {
  if (!io.json) process.stdout.write(`${text}\n`);
}

/** A hint or warning on stderr (shown in JSON mode too: it never pollutes stdout). */
export function hint(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Display width of a cell's longest line (good enough for Latin, Cyrillic and Arabic text). */
function widthOf(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => [...l].length));
}

/**
 * Column widths that fit the terminal: natural widths, with the widest columns narrowed first
 * (cells wrap) until the table fits, never below a readable minimum.
 */
function fitColumns(cells: string[][], columns: number, keep: readonly number[]): number[] {
  const count = cells[0]?.length ?? 0;
  const widths = Array.from({ length: count }, (_, i) =>
    Math.max(...cells.map((row) => widthOf(row[i] ?? ''))),
  );
  // Each column costs two spaces of padding and one border; the table one more border.
  const budget = columns - 1 - count * 3;
  const minimum = 10;
  let total = widths.reduce((a, b) => a + b, 0);
  // Ids and addresses are copied from tables into the next command: they are never narrowed.
  const narrowable = (i: number) => !keep.includes(i);
  while (total > budget) {
    const candidates = widths.map((w, i) => (narrowable(i) ? w : -1));
    const widest = candidates.indexOf(Math.max(...candidates));
    if (widest < 0) break;
    if ((widths[widest] ?? 0) <= minimum) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total--;
  }
  return widths.map((w) => w + 2);
}

/**
 * A plain table; long cells wrap to keep it within the terminal's width, except in the `keep`
 * columns (ids, addresses), which keep their full width.
 */
export function table(
  head: string[],
  rows: (string | number | undefined)[][],
  options: { keep?: readonly number[] } = {},
): string {
  const body = rows.map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))));
  const t = new Table({
    head,
    // Some pseudo-terminals report 0 columns: treat that as unknown.
    colWidths: fitColumns([head, ...body], process.stdout.columns || 120, options.keep ?? []),
    style: { head: process.stdout.isTTY ? ['cyan'] : [], border: process.stdout.isTTY ? ['grey'] : [] },
    wordWrap: true,
    wrapOnWordBoundary: true,
  });
  for (const row of body) t.push(row);
  return t.toString();
}

/**
 * A listing as a table (see {@link table}), or the `empty` line when there are no rows. Returns
 * whether there were rows, for what follows a table (a hint about more).
 */
export function sayTable<T>(
  io: Io,
  rows: readonly T[],
  listing: {
    empty: string;
    head: string[];
    cells: (row: T) => (string | number | undefined)[];
    keep: readonly number[];
  },
): boolean {
  if (rows.length === 0) {
    say(io, listing.empty);
    return false;
  }
  say(io, table(listing.head, rows.map(listing.cells), { keep: listing.keep }));
  return true;
}

/** A progress bar on stderr, or nothing when no one is watching. */
export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, setTotal: () => undefined, stop: () => undefined };

/**
 * A single progress bar (cli-progress) on stderr. `format` may use cli-progress tokens
 * (`{bar}`, `{value}`, `{total}`, `{percentage}`, `{eta}`) and payload keys.
 */
export function progressBar(
  io: Io,
  label: string,
  total: number,
  format?: string,
  payload: Record<string, unknown> = {},
): Progress {
  if (io.json || !io.tty) return NO_PROGRESS;
  const bar = new cliProgress.SingleBar(
    {
      format: format ?? `${label} {bar} {value}/{total}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0, payload);
  return {
    update: (value, payload) => bar.update(value, payload),
    setTotal: (t) => bar.setTotal(Math.max(t, 1)),
    stop: () => bar.stop(),
  };
}

/** A compact UTC date-time for tables: `2022-10-18 09:30Z`. */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}
