import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it, vi } from 'vitest';
import { addTally, applyAliasPass, commitGroup, emptyTally, type CommitBeside } from '../../../lib/db/commit';
import { importFile } from '../../../lib/db/importer';
import { customersForAlias, getCustomerEntry } from '../../../lib/db/customers';
import { openTiermarkDB, storeCounts, type Database } from '../../../lib/db/schema';
import type { ImportRecord } from '../../../lib/db/ledger';
import { FIXTURES, importable, inEnglish } from '../../helpers';

/** The demo shop's Taobao order report as text, with each row read by papaparse. */
function report() {
  const text = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  return { text, ...Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }) };
}

/** The report again, every tenth order's number given to a buyer of its own (in buckets of both threads): refused as clashes by the second import. */
function clashingReport(): string {
  const { data, meta } = report();
  const rows = data.map((row, i) => (i % 10 === 3 ? { ...row, 买家会员名: `另一位买家${i}` } : row));
  return Papa.unparse({ fields: meta.fields!, data: rows });
}

/**
 * A thread beside played on this one: each group and range of identifiers goes through the plan and
 * tally as the worker gets them, cloned; it fails the group or range numbered in `fails` (counted from 0).
 */
function besideHere(db: Database, fails: { group?: number; pass?: number } = {}): CommitBeside & { groups: number[]; passes: number[] } {
  const groups: number[] = [];
  const passes: number[] = [];
  return {
    groups,
    passes,
    async start(plan) {
      const copy = structuredClone(plan);
      return {
        async group(group) {
          if (groups.length === fails.group) throw new Error('the worker went away');
          groups.push(group);
          const tally = emptyTally();
          await commitGroup(db, copy, group, undefined, tally);
          return structuredClone(tally);
        },
        async aliases(pass, staging) {
          if (passes.length === fails.pass) throw new Error('the worker went away');
          passes.push(pass);
          await applyAliasPass(db, copy.importId, pass, staging);
        },
      };
    },
    end() {},
  };
}

let dbCount = 0;

/** The report, then the clashing report, into a new store; orders spill into staging (a memory budget of 2). */
async function importBoth(beside?: (db: Database) => CommitBeside) {
  const db = await openTiermarkDB(`commit-beside-${(dbCount += 1)}`);
  const records: ImportRecord[] = [];
  for (const [name, text] of [['ExportOrderList202611201200.csv', report().text], ['clashing.csv', clashingReport()]] as const) {
    const file = await importable(name, new TextEncoder().encode(text), 4096);
    records.push(await importFile(db, file, {}, beside ? { commitBeside: beside(db) } : {}, 2));
  }
  return { db, records };
}

/** Everything a reader sees of the store: each buyer's history and aggregate, whom each order number names, the counts. */
async function contents(db: Database) {
  const buyers = [...new Set(report().data.map((row) => `taobao:${row['买家会员名']!}`))];
  const orderIds = report().data.map((row) => row['订单编号']!.replace(/[="]/g, ''));
  const strip = (entry: Awaited<ReturnType<typeof getCustomerEntry>>) => entry && { ...entry, orders: entry.orders.map((o) => ({ ...o, importId: '' })) };
  return {
    counts: await storeCounts(db),
    staged: [await db.count('staged'), await db.count('stagedAliases')],
    buyers: await Promise.all(buyers.map(async (key) => strip(await getCustomerEntry(db, key)))),
    named: await Promise.all(orderIds.map((id) => customersForAlias(db, `order:${id}`))),
  };
}

const ledgerOf = (record: ImportRecord) => ({ ...record, id: '', hash: '', timings: {}, startedAt: 0, updatedAt: 0, finishedAt: 0, rejections: inEnglish(record.rejections) });

describe('committing staged groups on a second thread', () => {
  it('stores what one thread stores: every buyer, order number and count, and the same ledger with the same refusals', async () => {
    const { data } = report();
    const one = await importBoth();
    let beside: ReturnType<typeof besideHere> | undefined;
    const two = await importBoth((db) => (beside = besideHere(db)));
    // Both threads took groups, and ranges of identifiers.
    expect(beside!.groups.length).toBeGreaterThan(4);
    expect(beside!.groups.length).toBeLessThan(60);
    expect(beside!.passes.length).toBeGreaterThan(0);
    expect(beside!.passes.length).toBeLessThan(16);
    // The ledger says how much was done beside (timings are left out of the comparison below).
    expect(two.records[1]!.timings.beside).toBe(beside!.groups.length + beside!.passes.length);
    expect(one.records[1]!.timings.beside).toBeUndefined();

    const [first, second] = two.records; 
    expect(first).toMatchObject({ status: 'complete', commitFrom: 'staging', ordersAdded: data.length, rowsRejected: 0 });
    // Counted from the file: every tenth row's number now names another buyer.
    const clashing = data.filter((_, i) => i % 10 === 3).length;
    expect(second).toMatchObject({ status: 'complete', ordersAdded: 0, rowsRejected: clashing });
    expect(second!.rejections.map((r) => r.row)).toEqual(data.flatMap((_, i) => (i % 10 === 3 ? [i + 2] : [])));
    expect(textIn(second!.warnings, /orders were not imported/)).toContain(`${clashing} orders were not imported`);

    expect(two.records.map(ledgerOf)).toEqual(one.records.map(ledgerOf));
    const stored = await contents(two.db);
    expect(stored).toEqual(await contents(one.db));
    expect(stored.counts.orders).toBe(data.length);
    expect(stored.staged).toEqual([0, 0]);
  }, 60_000);

  it.each([
    ['a group', { group: 3 }],
    ['a range of identifiers', { pass: 1 }],
  ])('commits on its own thread what the thread beside failed (%s), and says so once', async (_, fails) => {
    const one = await importBoth();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let beside: ReturnType<typeof besideHere> | undefined;
    const failing = await importBoth((db) => (beside = besideHere(db, fails)));
    // It took no more after its failure.
    if ('group' in fails) expect([beside!.groups.length, beside!.passes.length]).toEqual([3, 0]);
    else expect(beside!.passes).toHaveLength(1);
    // Once an import: the file, then the clashing file.
    expect(warn.mock.calls.filter(([text]) => /the commit worker failed \(the worker went away\)/.test(String(text)))).toHaveLength(2);
    warn.mockRestore();
    expect(failing.records.map(ledgerOf)).toEqual(one.records.map(ledgerOf));
    expect(await contents(failing.db)).toEqual(await contents(one.db));
  }, 60_000);

  it('commits every group here when the thread beside does not start', async () => {
    const one = await importBoth();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken = await importBoth(() => ({ start: () => Promise.reject(new Error('module workers are off')), end() {} }));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('module workers are off'));
    warn.mockRestore();
    expect(broken.records.map(ledgerOf)).toEqual(one.records.map(ledgerOf));
    expect(await contents(broken.db)).toEqual(await contents(one.db));
  }, 60_000);
});

describe('a tally of what groups did', () => {
  it('sums a group that refused more rows than a call takes arguments (a big file into the wrong shop)', () => {
    const reason = { en: 'order is already in this shop for another buyer', 'zh-CN': '订单在本店铺中属于另一位买家' };
    const group = { ...emptyTally(), rejections: Array.from({ length: 300_000 }, (_, i) => ({ row: i + 2, reason })), clashed: { orders: 300_000, rows: 300_000, first: { row: 2, orderId: '#1' } } };
    const sum = emptyTally();
    addTally(sum, group);
    addTally(sum, { ...emptyTally(), rejections: [{ row: 1, reason }], clashed: { orders: 1, rows: 1, first: { row: 1, orderId: '#0' } } });
    expect(sum.rejections).toHaveLength(300_001);
    expect(sum.clashed).toEqual({ orders: 300_001, rows: 300_001, first: { row: 1, orderId: '#0' } });
  });
});

function textIn(warnings: ImportRecord['warnings'], match: RegExp): string {
  return warnings.map((w) => w.en).find((en) => match.test(en)) ?? '';
}
