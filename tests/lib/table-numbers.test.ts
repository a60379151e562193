import { describe, expect, it } from 'vitest';
import { NumberColumn, numberValues } from '../../lib/table-numbers';
import { CustomerTableBuilder, type CustomerTableHead, type TableRecord } from '../../lib/customer-table';
import { PatchedTable } from '../../lib/table-patch';

/** A column filled with `values` in turn, from a small capacity so that it grows too. */
function filled(values: readonly number[]): NumberColumn {
  const column = new NumberColumn(2);
  let capacity = 2;
  values.forEach((value, row) => {
    if (row === capacity) column.grow((capacity *= 2));
    column.set(row, value);
  });
  return column;
}

/** What a reader of the stored column gets back. */
const readBack = (column: NumberColumn, n: number) => {
  const { coding, values } = column.stored(n);
  return { coding, values: Array.from(numberValues(coding, values)), bytes: values.byteLength };
};

describe('a number column of the customer table', () => {
  it('stores each fact in the narrowest coding its values are exact in, and reads back every value', () => {
    const cases: Array<{ fact: string; values: number[]; coding: object; bytesEach: number }> = [
      { fact: 'rfmR, quintiles', values: [1, 5, 3, Number.NaN, 2], coding: { bits: 8, scale: 1 }, bytesEach: 1 },
      { fact: 'churnRisk, shares to two places', values: [0.12, 1, 0, 0.99, Number.NaN], coding: { bits: 8, scale: 100 }, bytesEach: 1 },
      { fact: 'recencyDays, days of years', values: [0, 3650, -12, 29_000], coding: { bits: 16, scale: 1 }, bytesEach: 2 },
      { fact: 'pAlive, shares to four places', values: [0.9731, 0.0001, 1, 0.5], coding: { bits: 16, scale: 10_000 }, bytesEach: 2 },
      { fact: 'monetary, yuan and fen', values: [12_345_678.91, 0.01, -35.5, 199], coding: { bits: 32, scale: 100 }, bytesEach: 4 },
      { fact: 'orderCount of a wholesaler', values: [40_000, 1, 2_000_000_000], coding: { bits: 32, scale: 1 }, bytesEach: 4 },
      // Fen beyond what 32 bits count (21 million yuan): floats, exact in 32 bits here…
      { fact: 'monetary of a distributor', values: [30_000_000, 0.5, 2 ** 40], coding: { bits: 32 }, bytesEach: 4 },
      // …and in 64 where nothing narrower is exact.
      { fact: 'predictedClv unrounded', values: [1 / 3, 12.5], coding: { bits: 64 }, bytesEach: 8 },
      { fact: 'monetary in fen of a large shop', values: [21_474_836.48, 1], coding: { bits: 64 }, bytesEach: 8 },
      { fact: 'refundRate, a share in tiny steps', values: [0.00001], coding: { bits: 64 }, bytesEach: 8 },
      { fact: 'no value yet', values: [Number.NaN, Number.NaN], coding: { bits: 8, scale: 1 }, bytesEach: 1 },
    ];
    for (const { fact, values, coding, bytesEach } of cases) {
      const read = readBack(filled(values), values.length);
      expect(read.coding, fact).toEqual(coding);
      expect(read.bytes, fact).toBe(values.length * bytesEach);
      expect(read.values, fact).toEqual(values);
    }
  });

  it('widens mid-column and keeps what came before: -0, infinities and the coding’s own edges too', () => {
    const values = [5, -127, 127, Number.NaN, 128, -32_767, 2.5, Number.POSITIVE_INFINITY, -0, 0.1];
    const column = filled(values);
    const read = readBack(column, values.length);
    // An infinity is exact in no whole number: floats; 0.1 is not exact in 32 bits: 64.
    expect(read.coding).toEqual({ bits: 64 });
    expect(read.values).toEqual(values);
    // The values as each step left them: the lowest whole number of a coding is its unknown, not a value.
    for (let n = 1; n <= values.length; n += 1) expect(readBack(filled(values.slice(0, n)), n).values).toEqual(values.slice(0, n));
    expect(readBack(filled([-128]), 1).coding).toEqual({ bits: 16, scale: 1 });
    expect(readBack(filled([-128]), 1).values).toEqual([-128]);
  });

  it('takes in another builder’s column in either coding, as if it had set each value', () => {
    let seed = 11;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const money = (n: number) => Array.from({ length: n }, () => (next() < 0.05 ? Number.NaN : Math.round(next() * 500_000) / 100));
    const days = (n: number) => Array.from({ length: n }, () => Math.round(next() * 400));
    for (const [mine, theirs] of [[days(300), days(200)], [days(300), money(200)], [money(300), days(200)], [money(300), money(200)]] as const) {
      const column = new NumberColumn(mine.length + theirs.length);
      mine.forEach((value, row) => column.set(row, value));
      const other = filled(theirs);
      column.setFrom(mine.length, other.stored(theirs.length), theirs.length);
      const whole = readBack(filled([...mine, ...theirs]), mine.length + theirs.length);
      expect(readBack(column, mine.length + theirs.length)).toEqual(whole);
    }
  });

  it('reads a rescore of the touched’s rows over the table in whichever coding each holds them', async () => {
    const facts = new Map([['monetary', { type: 'number' }], ['rfmR', { type: 'number' }]]);
    const customer = (i: number) => ({ key: `taobao:b${i}`, platform: 'taobao', buyerId: `b${i}`, names: [], emails: [], phones: [], orderCount: 1, monetaryMinor: 100 * i, currency: 'CNY', lastOrderAt: 1.7e12, firstOrderAt: 1.7e12 }) as never;
    const table = async (rows: Array<{ monetary: number; rfmR: number }>) => {
      const builder = new CustomerTableBuilder(facts, rows.length);
      rows.forEach((row, i) => builder.add(customer(i), row, null, []));
      const records = await builder.finish('b', { customers: rows.length, orders: rows.length });
      return { head: records[0] as CustomerTableHead, records, bytes: (name: string) => (records.find((record) => record.name === name) as { bytes: ArrayBuffer }).bytes };
    };
    const base = await table([{ monetary: 35.5, rfmR: 1 }, { monetary: 199, rfmR: 2 }, { monetary: 0.01, rfmR: 5 }]);
    // The day's customers: the second again, with values the table's codings cannot hold, and one new.
    const day = await table([{ monetary: 1 / 3, rfmR: 300 }, { monetary: Number.NaN, rfmR: Number.NaN }]);
    expect(base.head.columns['fact:monetary']).toEqual({ kind: 'number', bits: 16, scale: 100 });
    expect(day.head.columns['fact:monetary']).toEqual({ kind: 'number', bits: 64 });
    const patched = new PatchedTable(base.head, { rows: Int32Array.from([1, -1]).buffer, records: day.records as TableRecord[], counts: { customers: 4, orders: 4 } });
    expect(Array.from(patched.column('fact:monetary', base.bytes('fact:monetary')))).toEqual([35.5, 1 / 3, 0.01, Number.NaN]);
    const rfm = patched.column('fact:rfmR', base.bytes('fact:rfmR'));
    expect(Array.from(rfm)).toEqual([1, 300, 5, Number.NaN]);
    // Whole numbers of both are exact in 32-bit floats: the page holds them so.
    expect(rfm).toBeInstanceOf(Float32Array);
  });
});
