import { describe, expect, it } from 'vitest';
import { importToMemory } from '../../../lib/import/collect';
import { InputError } from '../../../lib/import/encoding';
import { encodeGbk } from '../../../lib/ui/gbk';
import { chunked } from '../../helpers';

/** A seeded generator, so a failing case can be replayed by its number. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMES = ['茶友小王', 'lily_2019', 'Müller', 'José', '张三丰', 'a@b.com'];
const NOTES = ['', '请周末送达', 'say "hi"', 'a, b', '第一行\n第二行', 'x\r\ny', 'end\r', '"', ',,,'];
const BAD_AMOUNTS = ['1,2,3', '12-', 'abc', '1.2.3,4', '--5'];

function amountText(minor: number, mark: '.' | ',', grouped: boolean): string {
  const whole = String(Math.floor(minor / 100));
  const fraction = String(minor % 100).padStart(2, '0');
  const group = mark === '.' ? ',' : '.';
  const wholeText = grouped ? whole.replace(/\B(?=(\d{3})+$)/g, group) : whole;
  return `${wholeText}${mark}${fraction}`;
}

interface Case {
  bytes: Uint8Array;
  /** Every record the writer wrote (header excluded). */
  records: number;
  /** Order id → its total in minor units, for the rows written well. */
  good: Map<string, number>;
  /** Rows written with a broken amount (copies included): each must be refused. */
  broken: number;
  /** Exact copies of good rows: each must be skipped as a duplicate. */
  copies: number;
  chunk: number;
}

/** One generated export with every mutation class: line breaks, encodings, decimal marks, notes, repeats, broken amounts, a repeated header name. */
function makeCase(seed: number): Case {
  const next = random(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const mark = next() < 0.5 ? '.' : ',';
  const delimiter = mark === ',' ? ';' : pick([',', '\t', ';']);
  const gbk = next() < 0.3;
  const bom = !gbk && next() < 0.3;
  const twinHeader = next() < 0.2;
  const quote = (cell: string) => (/["\r\n,;\t]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const header = ['Order', 'Customer', 'Date', 'Total', 'Note', ...(twinHeader ? ['Total'] : [])];
  const lines: string[] = [];
  const good = new Map<string, number>();
  let broken = 0;
  const count = 1 + Math.floor(next() * 40);
  for (let i = 0; i < count; i += 1) {
    const order = String(1000 + i);
    const minor = Math.floor(next() * 500_000);
    const bad = next() < 0.1;
    const amount = bad ? pick(BAD_AMOUNTS) : amountText(minor, mark, next() < 0.5);
    if (bad) broken += 1;
    else good.set(order, minor);
    const day = String(1 + (i % 28)).padStart(2, '0');
    const cells = [order, pick(NAMES), `2024-05-${day} 10:00:00`, amount, pick(NOTES), ...(twinHeader ? ['999'] : [])];
    lines.push(cells.map(quote).join(delimiter));
  }
  // Pasted again: a run of rows, as when two overlapping exports are joined.
  const copies = next() < 0.5 ? lines.slice(Math.floor(next() * lines.length)) : [];
  const copiedBroken = copies.filter((line) => BAD_AMOUNTS.some((bad) => line.includes(`${delimiter}${quote(bad)}${delimiter}`))).length;
  const all = [header.join(delimiter), ...lines, ...copies];
  const style = pick(['crlf', 'lf', 'cr', 'mixed', 'crlf-header']);
  const breakAt = (i: number) =>
    style === 'crlf' ? '\r\n' : style === 'lf' ? '\n' : style === 'cr' ? '\r' : style === 'crlf-header' ? (i === 0 ? '\r\n' : '\n') : pick(['\r\n', '\n', '\r']);
  const text = all.map((line, i) => line + (i === all.length - 1 && next() < 0.3 ? '' : breakAt(i))).join('');
  const bytes = gbk ? encodeGbk(text) : new TextEncoder().encode(`${bom ? '\uFEFF' : ''}${text}`);
  return {
    bytes,
    records: lines.length + copies.length,
    good,
    broken: broken + copiedBroken,
    copies: copies.length - copiedBroken,
    chunk: 1 + Math.floor(next() * 300),
  };
}

describe('import fuzz', () => {
  it('never loses a record without a refusal, never counts a repeated row twice, never changes an amount in silence (400 files)', async () => {
    const mapping = { order: 'Order', customer: 'Customer', date: 'Date', amount: 'Total' };
    for (let seed = 1; seed <= 400; seed += 1) {
      const c = makeCase(seed);
      const label = `case ${seed}`;
      let result;
      try {
        result = await importToMemory(chunked(c.bytes, c.chunk), { format: 'generic', mapping, timeZone: 'Asia/Shanghai' });
      } catch (error) {
        expect(error, label).toBeInstanceOf(InputError);
        throw new Error(`${label}: ${(error as Error).message}`);
      }
      const { report, orders } = result;
      expect(report.rowsRead, label).toBe(c.records);
      expect(report.rowsRejected, label).toBe(c.broken);
      expect(report.duplicateRows, label).toBe(c.copies);
      expect(report.rowsImported + report.rowsRejected + report.duplicateRows, label).toBe(report.rowsRead);
      expect(new Map([...orders.values()].map((o) => [o.orderId, o.totalMinor])), label).toEqual(c.good);
    }
  });
});
