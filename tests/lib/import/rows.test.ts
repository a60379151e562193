import { describe, expect, it } from 'vitest';
import { RowSplitter, type Delimiter } from '../../../lib/import/rows';

/** Splits text pushed in pieces of `size` characters; the rows come back as the splitter emits them. */
function split(text: string, size: number, delimiter: Delimiter = ','): string[][] {
  const rows: string[][] = [];
  const splitter = new RowSplitter(delimiter, (batch) => rows.push(...batch));
  for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
  splitter.end();
  return rows;
}

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const BREAKS = ['\r\n', '\n', '\r'] as const;

/** Writes records as a spreadsheet would, quoting cells that need it; `lineBreak` picks each record's terminator. */
function write(records: string[][], lineBreak: (index: number) => string, delimiter = ','): string {
  return records
    .map((cells) => cells.map((cell) => (/[",\t\r\n;|]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(delimiter))
    .map((line, index) => line + lineBreak(index))
    .join('');
}

describe('RowSplitter', () => {
  const header = ['订单编号', '买家会员名', '买家留言', '金额'];
  const records = [
    header,
    ['1001', 'tb小王', '请周末送达', '10.00'],
    ['1002', 'tb小李', '第一行\r\n第二行', '20.50'],
    ['1003', 'tb小张', 'say "hi", then\rleave\nit', '30.00'],
    ['1004', 'tb小赵', '', '0.10'],
  ];

  it('ends a record at CRLF, LF or CR outside quotes, in any mix, at every chunk size', () => {
    const layouts: Record<string, (index: number) => string> = {
      'CRLF header over LF rows': (i) => (i === 0 ? '\r\n' : '\n'),
      'CR only (older Mac Excel)': () => '\r',
      'LF header over CRLF rows': (i) => (i === 0 ? '\n' : '\r\n'),
      'alternating': (i) => BREAKS[i % 3]!,
    };
    for (const [name, lineBreak] of Object.entries(layouts)) {
      const text = write(records, lineBreak);
      for (const size of [1, 2, 3, 5, 17, text.length]) {
        expect(split(text, size), `${name}, chunks of ${size}`).toEqual(records);
      }
    }
  });

  it('keeps line breaks inside quoted cells as they are, and reads a last record with no line break', () => {
    const text = write(records, (i) => (i === records.length - 1 ? '' : '\r'));
    expect(split(text, 4)).toEqual(records);
  });

  it('treats a CR that ends a chunk as half of a CRLF when the LF opens the next, not as two breaks', () => {
    const text = 'a,b\r\nc,d\r\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const rows: string[][] = [];
      const splitter = new RowSplitter(',', (batch) => rows.push(...batch));
      splitter.push(text.slice(0, cut));
      splitter.push(text.slice(cut));
      splitter.end();
      expect(rows, `cut at ${cut}`).toEqual([['a', 'b'], ['c', 'd']]);
    }
  });

  it('reads cells quoted whole (Shopify quotes its empty ones) exactly, beside cells only the cell-by-cell reader can take', () => {
    const next = random(20261203);
    const alphabet = ['a', '7', ' ', ',', '"', '\r', '\n', '买', ''];
    for (let round = 0; round < 200; round += 1) {
      const table = Array.from({ length: 1 + Math.floor(next() * 20) }, () =>
        Array.from({ length: 1 + Math.floor(next() * 6) }, () => Array.from({ length: Math.floor(next() * 4) }, () => alphabet[Math.floor(next() * alphabet.length)]!).join('')),
      );
      // Each cell quoted whether it needs it or not, or only when it does (a record of one empty
      // cell always: unquoted, it would be an empty line, which is no record).
      const text = table
        .map((cells) => cells.map((cell) => (next() < 0.5 || /[",\r\n]/.test(cell) || (cells.length === 1 && cell === '') ? `"${cell.replace(/"/g, '""')}"` : cell)).join(','))
        .join(next() < 0.5 ? '\n' : '\r\n');
      for (const size of [3, 64, text.length]) expect(split(text, size), `round ${round}, chunks of ${size}`).toEqual(table);
    }
  });

  it('gives each record’s text as the file has it, wherever the pieces are cut (repeated rows are found by it)', () => {
    const next = random(20261204);
    const alphabet = ['a', '7', ' ', ',', '"', '\r', '\n', '买'];
    for (let round = 0; round < 100; round += 1) {
      const table = Array.from({ length: 1 + Math.floor(next() * 12) }, () => Array.from({ length: 2 + Math.floor(next() * 4) }, () => Array.from({ length: Math.floor(next() * 5) }, () => alphabet[Math.floor(next() * alphabet.length)]!).join('')));
      const lines = table.map((cells) => write([cells], () => ''));
      const breaks = lines.map(() => BREAKS[Math.floor(next() * 2)]!); // CRLF or LF
      const text = lines.map((line, i) => line + breaks[i]).join('');
      for (const size of [1, 2, 7, 64, text.length]) {
        const texts: string[] = [];
        const splitter = new RowSplitter(',', (_, batch) => texts.push(...batch));
        for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
        splitter.end();
        expect(texts, `round ${round}, pieces of ${size}`).toEqual(lines);
      }
    }
  });

  it('reads a cell of megabytes across many small pieces exactly, and the rows around it', () => {
    // A long note of many lines (quotes, line breaks and delimiters in it), as an export of a shop's
    // notes may hold; each piece used to read the whole record again from its start.
    const note = Array.from({ length: 60_000 }, (_, i) => `line ${i}, "quoted" 留言\r\n`).join('');
    const table = [['order', 'note', 'total'], ['1', 'short', '1.00'], ['2', note, '2.00'], ['3', '', '3.00'], ['4', note.slice(0, 300_000), '4.00'], ['5', 'end', '5.00']];
    const text = write(table, () => '\r\n');
    expect(text.length).toBeGreaterThan(1_500_000);
    for (const size of [1_000, 65_536, text.length]) {
      const texts: string[] = [];
      const rows: string[][] = [];
      const splitter = new RowSplitter(',', (batch, lines) => {
        rows.push(...batch);
        texts.push(...lines);
      });
      for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
      splitter.end();
      expect(rows, `pieces of ${size}`).toEqual(table);
      expect(texts.join('\r\n') + '\r\n', `pieces of ${size}`).toBe(text);
    }
  });

  it('keeps text after a closing quote and a quote inside an unquoted cell, as spreadsheets do', () => {
    expect(split('"12" kg,"",x\nab"c,"d",""\n', 100)).toEqual([
      ['12 kg', '', 'x'],
      ['ab"c', 'd', ''],
    ]);
  });

  it('reads random tables with every kind of line break and hostile cells exactly, counted by the writer', () => {
    const next = random(20261201);
    const alphabet = ['a', '7', ' ', ',', '"', '\r', '\n', '买', '家', '\t', ';'];
    for (let round = 0; round < 200; round += 1) {
      const width = 1 + Math.floor(next() * 5);
      const count = 1 + Math.floor(next() * 30);
      const table: string[][] = [];
      for (let r = 0; r < count; r += 1) {
        const cells: string[] = [];
        for (let c = 0; c < width; c += 1) {
          let cell = '';
          const length = Math.floor(next() * 6);
          for (let k = 0; k < length; k += 1) cell += alphabet[Math.floor(next() * alphabet.length)];
          cells.push(cell);
        }
        // A lone empty cell would be written as an empty line, which is not a record.
        if (width === 1 && cells[0] === '') cells[0] = 'x';
        table.push(cells);
      }
      const text = write(table, () => BREAKS[Math.floor(next() * 3)]!);
      const size = 1 + Math.floor(next() * 40);
      expect(split(text, size), `round ${round}`).toEqual(table);
    }
  });

  it('splits whitespace tables on any line break', () => {
    const text = '00001 19970101 1 11.77\r00002 19970112 1 12.00\r\n00003 19970102 2 20.76\n';
    expect(split(text, 3, 'whitespace')).toEqual([
      ['00001', '19970101', '1', '11.77'],
      ['00002', '19970112', '1', '12.00'],
      ['00003', '19970102', '2', '20.76'],
    ]);
  });

  it('leaves out the record a preview stops inside, even inside a quoted multi-line note', () => {
    const text = write(records, () => '\n');
    const cut = text.indexOf('第二行') + 1;
    const rows: string[][] = [];
    const splitter = new RowSplitter(',', (batch) => rows.push(...batch));
    splitter.push(text.slice(0, cut));
    splitter.discard();
    expect(rows).toEqual(records.slice(0, 2));
  });

  it('keeps the whole records after a long one when a preview stops inside the next', () => {
    const note = 'a long "note", of many lines\n'.repeat(20_000);
    const table = [['order', 'note'], ['1', note], ['2', 'short'], ['3', 'also short']];
    const text = write(table, () => '\n');
    const cut = text.lastIndexOf('also');
    const rows: string[][] = [];
    const splitter = new RowSplitter(',', (batch) => rows.push(...batch));
    for (let i = 0; i < cut; i += 4096) splitter.push(text.slice(i, Math.min(cut, i + 4096)));
    splitter.discard();
    expect(rows).toEqual(table.slice(0, 3));
  });

  it('names the row of a quote that never closes', () => {
    expect(() => split('a,b\n1,"open\n2,3\n', 4)).toThrow(/Row 2 has a quote/);
  });
});
