/**
 * Reading an organizer's spreadsheet export: every record with its line, and every stretch that
 * could not be read, as a refusal naming its lines — shared by the press and invitee imports.
 */
import { type CsvError, parse } from 'csv-parse/sync';

/** One record and the line it ends on. */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** The readable records and the unreadable stretches (with a reason). */
export function readCsv(text: string): {
  records: CsvRecord[];
  unreadable: { line: number; reason: string }[];
} {
  const skipped: (CsvError | undefined)[] = [];
  const records = parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: true,
    trim: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      skipped.push(error);
      return undefined;
    },
  }) as unknown as CsvRecord[];
  // A record that cannot be read (an unclosed quote swallows the rest of the file) starts right
  // after the last one that could.
  const lastGoodLine = records[records.length - 1]?.info.lines ?? 0;
  const unreadable = skipped.map((error) => {
    const from = lastGoodLine + 1;
    return {
      line: from,
      reason:
        error?.code === 'CSV_QUOTE_NOT_CLOSED'
          ? `a quote opened on line ${from} is never closed, so lines ${from}–${error.lines} could not be read`
          : `unreadable CSV: ${error?.message ?? 'unknown error'}`,
    };
  });
  return { records, unreadable };
}

/** A header cell as compared with the known spellings: lower-case, without spaces, dashes or underscores. */
export const headerKey = (raw: string): string => raw.toLowerCase().replace(/[\s_-]/g, '');
