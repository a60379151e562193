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
 * Turns text chunks into rows with papaparse's own chunk parser: each chunk is parsed after the
 * unfinished row of the one before, and the row it ends inside is carried over (as papaparse's
 * streamers do), so multi-line cells and chunk edges are safe.
 */
export class RowSplitter {
  private partial = '';
  private rowsSeen = 0;
  /** Found once in the first text; papaparse would otherwise guess it again for every chunk. */
  private newline: '\r\n' | '\n' | '\r' | null = null;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly onRows: (rows: string[][]) => void,
  ) {}

  push(text: string): void {
    if (this.newline === null) {
      const first = text.search(/[\r\n]/);
      if (first < 0) {
        this.partial += text;
        this.checkLength();
        return;
      }
      this.newline = text[first] === '\n' ? '\n' : text[first + 1] === '\n' ? '\r\n' : '\r';
    }
    this.parse(this.partial + text, false);
    this.checkLength();
  }

  /** Parses the rest; an unclosed quote at the end of the file is reported, never imported as one giant cell. */
  end(): void {
    const rest = this.partial.replace(/\r?\n$/, '');
    this.partial = '';
    if (rest !== '') this.parse(rest, true);
  }

  private checkLength(): void {
    if (this.partial.length > MAX_ROW_CHARS) {
      throw new InputError(
        `Row ${this.rowsSeen + 1} runs past ${MAX_ROW_CHARS / 1024 / 1024} MB: a quote (") opened there is never closed, or a cell is far larger than any order field. Fix that row in a text editor, or export again.`,
      );
    }
  }

  private parse(input: string, final: boolean): void {
    let rows: string[][];
    if (this.delimiter === 'whitespace') {
      const cut = final ? input.length : input.lastIndexOf('\n') + 1;
      this.partial = input.slice(cut);
      rows = input.slice(0, cut).split(/\r?\n/).map((line) => {
        const trimmed = line.trim();
        return trimmed === '' ? [''] : trimmed.split(/\s+/);
      });
      if (!final && rows.length > 0) rows.pop(); // the text after the last newline is carried over
    } else {
      const parser = new Papa.Parser({ delimiter: this.delimiter, newline: this.newline ?? '\n', quoteChar: '"' });
      const result = parser.parse(input, 0, !final) as Papa.ParseResult<string[]>;
      if (final && result.errors.some((e) => e.code === 'MissingQuotes')) {
        const row = result.errors.find((e) => e.code === 'MissingQuotes')!.row ?? 0;
        throw new InputError(
          `Row ${this.rowsSeen + row + 1} has a quote (") that is never closed before the end of the file. The file is truncated or that row is broken; export again or fix the row.`,
        );
      }
      rows = result.data;
      this.partial = final ? '' : input.substring(result.meta.cursor);
    }
    this.rowsSeen += rows.length;
    if (rows.length > 0) this.onRows(rows);
  }
}
