import Papa from 'papaparse';
import { InputError } from './encoding';
import { both } from '../localised';

export type Delimiter = ',' | '\t' | ';' | '|' | 'whitespace';

/** The longest a single row may grow while its quote is still open: a broken quote, not a real cell. */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;
/** A carried record this long waits for as much text again before it is read again (see RowSplitter.push). */
const LONG_RECORD = 256 * 1024;

/** Guesses the delimiter from the first lines: the candidate that splits them into the most, equal, columns. */
export function detectDelimiter(sampleText: string): Delimiter {
  const lines = sampleText.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '').slice(0, 20);
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
 * Turns text chunks into rows. Any of CRLF, LF or CR outside quotes ends a record, wherever it
 * appears: a CRLF header over LF rows (two exports pasted together) or CR-only lines (older Mac
 * Excel) must never glue a row into the previous row's last cell. A quoted cell may hold any of
 * them. The record a chunk ends inside is carried over to the next chunk.
 */
export class RowSplitter {
  private partial = '';
  /** Text after a long unfinished record, held until it is as long as the record: see push. */
  private held: string[] = [];
  private heldLength = 0;
  private rowsSeen = 0;
  private readonly quotesWhole = new Tries();

  constructor(
    private readonly delimiter: Delimiter,
    /** Each batch of rows, with each row's text as the file has it (for finding repeated rows cheaply). */
    private readonly onRows: (rows: string[][], texts: string[]) => void,
  ) {}

  push(text: string): void {
    // A record carried past LONG_RECORD (a quoted cell of many lines, or a quote never closed) is
    // read again from its start with each piece: held until the new text is as long as it, it is
    // read a few times in all rather than once per 64 kB piece.
    if (this.partial.length >= LONG_RECORD && this.heldLength + text.length < this.partial.length) {
      this.held.push(text);
      this.heldLength += text.length;
      this.checkLength();
      return;
    }
    if (this.held.length > 0) text = this.takeHeld() + text;
    // The carried record is finished on its own, with the text up to the first LF: rows split from
    // a string glued to the carry (a cons string) cost four times as much in V8. Up to an LF, as a
    // CR that ends a piece may be half of a CRLF (a file of CRs alone takes the slower way).
    if (this.partial !== '') {
      const cut = text.indexOf('\n') + 1;
      if (cut > 0 && cut < text.length) {
        this.parse(this.partial + text.slice(0, cut), false);
        text = text.slice(cut);
      }
    }
    this.parse(this.partial + text, false);
    this.checkLength();
  }

  /** Parses the rest; an unclosed quote at the end of the file is reported, never imported as one giant cell. */
  end(): void {
    const rest = this.partial + this.takeHeld();
    this.partial = '';
    if (rest !== '') this.parse(rest, true);
  }

  /**
   * Drops the record the text stopped inside, for a preview of a file's start: the cut may fall
   * inside a quoted multi-line cell, which only the rest of the file closes.
   */
  discard(): void {
    // Held text may finish the long record and hold whole records after it.
    if (this.held.length > 0) this.parse(this.partial + this.takeHeld(), false);
    this.partial = '';
  }

  private takeHeld(): string {
    const text = this.held.join('');
    this.held = [];
    this.heldLength = 0;
    return text;
  }

  private checkLength(): void {
    if (this.partial.length + this.heldLength > MAX_ROW_CHARS) {
      throw new InputError(
        both(
          `Row ${this.rowsSeen + 1} runs past ${MAX_ROW_CHARS / 1024 / 1024} MB: a quote (") opened there is never closed, or a cell is far larger than any order field. Fix that row in a text editor, or export again.`,
          `第 ${this.rowsSeen + 1} 行超过 ${MAX_ROW_CHARS / 1024 / 1024} MB：该行开始的引号（"）没有闭合，或某个单元格远大于任何订单字段。请用文本编辑器修正该行，或重新导出。`,
        ),
      );
    }
  }

  private parse(input: string, final: boolean): void {
    const { rows, texts } = this.delimiter === 'whitespace' ? this.splitWhitespace(input, final) : this.splitDelimited(input, final);
    this.rowsSeen += rows.length;
    if (rows.length > 0) this.onRows(rows, texts);
  }

  private splitWhitespace(input: string, final: boolean): Batch {
    let cut = input.length;
    if (!final) {
      cut = Math.max(input.lastIndexOf('\n'), input.lastIndexOf('\r')) + 1;
      // A CR that ends the chunk may be the first half of a CRLF.
      if (cut === input.length && input.endsWith('\r')) cut -= 1;
    }
    this.partial = input.slice(cut);
    const body = input.slice(0, cut);
    if (body === '') return { rows: [], texts: [] };
    const lines = body.split(/\r\n|\r|\n/);
    if (lines[lines.length - 1] === '') lines.pop(); // the break that ends the body ends its last line
    const rows = lines.map((line) => {
      const trimmed = line.trim();
      return trimmed === '' ? [''] : trimmed.split(/\s+/);
    });
    return { rows, texts: lines };
  }

  /**
   * An RFC 4180 reader that takes any line break. Positions of the next delimiter, LF and CR are
   * remembered between fields, so a row costs a few indexOf calls rather than a look at every character.
   */
  private splitDelimited(input: string, final: boolean): Batch {
    const delimiter = this.delimiter;
    const length = input.length;
    const rows: string[][] = [];
    const texts: string[] = [];
    const batch = { rows, texts };
    let row: string[] = [];
    let rowStart = 0;
    let pos = 0;
    let nextDelimiter = input.indexOf(delimiter);
    let nextLf = input.indexOf('\n');
    let nextCr = input.indexOf('\r');
    let nextQuote = input.indexOf('"');
    const carry = () => {
      this.partial = input.slice(rowStart);
      return batch;
    };
    const done = () => {
      this.partial = '';
      return batch;
    };
    /** The end of the cell that starts at `pos`: the next delimiter or line break, or the end of the text. */
    const cellEnd = () => {
      if (nextDelimiter >= 0 && nextDelimiter < pos) nextDelimiter = input.indexOf(delimiter, pos);
      if (nextLf >= 0 && nextLf < pos) nextLf = input.indexOf('\n', pos);
      if (nextCr >= 0 && nextCr < pos) nextCr = input.indexOf('\r', pos);
      return firstOf(nextDelimiter, nextLf, nextCr, length);
    };
    for (;;) {
      // A whole record with no quote in it, or only quotes around whole cells, as most are: one native split instead of a cell at a time.
      if (row.length === 0) {
        if (nextLf >= 0 && nextLf < pos) nextLf = input.indexOf('\n', pos);
        if (nextCr >= 0 && nextCr < pos) nextCr = input.indexOf('\r', pos);
        if (nextQuote >= 0 && nextQuote < pos) nextQuote = input.indexOf('"', pos);
        const lineEnd = firstOf(nextLf, nextCr, -1, -1);
        // A CR that ends the text may be half of a CRLF: the general path below carries it over.
        const whole = lineEnd >= 0 && !(lineEnd === length - 1 && input.charCodeAt(lineEnd) === CR && !final);
        const quoted = whole && nextQuote >= 0 && nextQuote < lineEnd;
        const line = whole && (!quoted || this.quotesWhole.worthTrying()) ? input.slice(pos, lineEnd) : null;
        const cells = line?.split(delimiter);
        if (line !== null && cells && (!quoted || this.quotesWhole.tried(unquoteWhole(cells)))) {
          rows.push(cells);
          texts.push(line);
          pos = lineEnd + (input.charCodeAt(lineEnd) === CR && input.charCodeAt(lineEnd + 1) === LF ? 2 : 1);
          rowStart = pos;
          if (pos >= length) return done();
          continue;
        }
      }
      let cell: string;
      if (input.charCodeAt(pos) === QUOTE) {
        cell = '';
        let from = pos + 1;
        for (;;) {
          const quote = input.indexOf('"', from);
          if (quote < 0) {
            if (!final) return carry();
            throw new InputError(
              both(
                `Row ${this.rowsSeen + rows.length + 1} has a quote (") that is never closed before the end of the file. The file is truncated or that row is broken; export again or fix the row.`,
                `第 ${this.rowsSeen + rows.length + 1} 行的引号（"）直到文件末尾都没有闭合。文件不完整或该行已损坏；请重新导出或修正该行。`,
              ),
            );
          }
          if (quote + 1 === length && !final) return carry(); // the next chunk may double it
          if (input.charCodeAt(quote + 1) === QUOTE) {
            cell += input.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          cell += input.slice(from, quote);
          pos = quote + 1;
          break;
        }
        // Text after a closing quote (`"12" kg`) is kept with the cell, as spreadsheets do.
        if (pos < length && input[pos] !== delimiter && input[pos] !== '\n' && input[pos] !== '\r') {
          const end = cellEnd();
          cell += input.slice(pos, end);
          pos = end;
        }
      } else {
        const end = cellEnd();
        cell = input.slice(pos, end);
        pos = end;
      }
      if (pos >= length) {
        if (!final) return carry(); // the record may go on in the next chunk
        row.push(cell);
        rows.push(row);
        texts.push(input.slice(rowStart));
        return done();
      }
      row.push(cell);
      const terminator = input[pos];
      if (terminator === delimiter) {
        pos += 1;
        if (pos === length && final) {
          row.push('');
          rows.push(row);
          texts.push(input.slice(rowStart));
          return done();
        }
        continue;
      }
      // The LF of a CRLF may open the next chunk.
      if (terminator === '\r' && pos + 1 === length && !final) return carry();
      rows.push(row);
      texts.push(input.slice(rowStart, pos));
      pos += terminator === '\r' && input.charCodeAt(pos + 1) === LF ? 2 : 1;
      row = [];
      rowStart = pos;
      if (pos === length) return done();
    }
  }
}

/**
 * Takes the quotes off cells quoted whole (`""`, `"5 Main St"`: Shopify quotes many, empty ones
 * too) in a record split at every delimiter; false, with the cells left as they were, when a
 * quote is anything else (a doubled quote, a delimiter or line break inside quotes, text after a
 * closing quote), which only the cell-by-cell reader takes.
 */
function unquoteWhole(cells: string[]): boolean {
  for (const cell of cells) {
    const quote = cell.indexOf('"');
    if (quote < 0) continue;
    if (quote !== 0 || cell.length < 2 || cell.indexOf('"', 1) !== cell.length - 1) return false;
  }
  for (let i = 0; i < cells.length; i += 1) {
    const cell = cells[i]!;
    if (cell.charCodeAt(0) === QUOTE) cells[i] = cell.slice(1, -1);
  }
  return true;
}

/** Whether a shortcut is still worth trying: not once it has failed for most of its tries, judged from the hundredth on. */
class Tries {
  private tries = 0;
  private failures = 0;
  worthTrying(): boolean {
    return this.tries < 100 || this.failures * 2 < this.tries;
  }
  tried(worked: boolean): boolean {
    this.tries += 1;
    if (!worked) this.failures += 1;
    return worked;
  }
}

/** A batch of rows, with each row's text as the file has it. */
interface Batch {
  rows: string[][];
  texts: string[];
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The nearest of three indexOf results (−1 for none), or `none` when all are −1. */
function firstOf(a: number, b: number, c: number, none: number): number {
  let first = Infinity;
  if (a >= 0 && a < first) first = a;
  if (b >= 0 && b < first) first = b;
  if (c >= 0 && c < first) first = c;
  return first === Infinity ? none : first;
}
