import Papa from 'papaparse';
import { InputError } from './encoding';

export type Delimiter = ',' | '\t' | ';' | '|' | 'whitespace';

/** The longest a single row may grow while its quote is still open: a broken quote, not a real cell. */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;

/** Guesses the delimiter from the first lines: the candidate that splits them into the most, equal, columns. */
export function detectDelimiter(sampleText: string): Delimiter {
  const lines = sampleText.split(/\r?\n/).filter((line) => line.trim() !== '').slice(0, 20);
  if (lines.length === 0) return ',';
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const delimiter of [',', '\t', ';', '|'] as const) {
    const counts = lines.map((line) => Papa.parse<string[]>(line, { delimiter }).data[0]?.length ?? 0);
    const first = counts[0] ?? 0;
    if (first < 2) continue;
    const consistent = counts.filter((count) => count === first).length / counts.length;
    const score = first * consistent;
    if (score > bestScore) {
      bestScore = score;
      best = delimiter;
    }
  }
  if (bestScore === 0 && lines.every((line) => line.trim().split(/\s+/).length >= 2)) return 'whitespace';
  return best;
}

/**
 * Turns text chunks into rows. A chunk is cut at the last line break outside quotes (quote parity
 * tells), and each complete part goes to papaparse; so multi-line cells and chunk edges are safe.
 */
export class RowSplitter {
  private pending = '';
  private quotesOpen = false;
  private scanFrom = 0;
  private rowsSeen = 0;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly onRows: (rows: string[][]) => void,
  ) {}

  push(text: string): void {
    this.pending += text;
    const cut = this.lastRowEnd();
    if (cut < 0) {
      if (this.pending.length > MAX_ROW_CHARS) {
        throw new InputError(
          `Row ${this.rowsSeen + 1} runs past ${MAX_ROW_CHARS / 1024 / 1024} MB: a quote (") opened there is never closed, or a cell is far larger than any order field. Fix that row in a text editor, or export again.`,
        );
      }
      return;
    }
    // The row-ending newline is left out so papaparse sees no trailing empty row.
    const complete = this.pending.slice(0, this.pending[cut - 1] === '\r' ? cut - 1 : cut);
    this.pending = this.pending.slice(cut + 1);
    this.scanFrom = this.pending.length;
    this.emit(complete);
  }

  /** Parses the rest; an unclosed quote at the end of the file is reported, never imported as one giant cell. */
  end(): void {
    if (this.quotesOpen) {
      throw new InputError(
        `Row ${this.rowsSeen + 1} has a quote (") that is never closed before the end of the file. The file is truncated or that row is broken; export again or fix the row.`,
      );
    }
    const rest = this.pending.replace(/\r?\n$/, '');
    if (rest !== '') this.emit(rest);
    this.pending = '';
  }

  /** Index of the last newline outside quotes in `pending`, scanning only text not seen before. */
  private lastRowEnd(): number {
    let cut = -1;
    const text = this.pending;
    let open = this.quotesOpen;
    let i = this.scanFrom;
    for (;;) {
      const quote = text.indexOf('"', i);
      const newline = open ? -1 : text.indexOf('\n', i);
      if (!open && newline >= 0 && (quote < 0 || newline < quote)) {
        // No quote before this newline: every newline up to the next quote is a row end.
        const limit = quote < 0 ? text.length : quote;
        const last = text.lastIndexOf('\n', limit - 1);
        cut = Math.max(cut, last);
        if (quote < 0) break;
        i = quote;
        continue;
      }
      if (quote < 0) break;
      open = !open;
      i = quote + 1;
    }
    this.quotesOpen = open;
    this.scanFrom = text.length;
    return cut;
  }

  private emit(text: string): void {
    let rows: string[][];
    if (this.delimiter === 'whitespace') {
      rows = text.split(/\r?\n/).map((line) => {
        const trimmed = line.trim();
        return trimmed === '' ? [''] : trimmed.split(/\s+/);
      });
    } else {
      rows = Papa.parse<string[]>(text, { delimiter: this.delimiter }).data;
    }
    this.rowsSeen += rows.length;
    if (rows.length > 0) this.onRows(rows);
  }
}
