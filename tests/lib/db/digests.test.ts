import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { backupLines } from '../../../lib/db/backup';
import { readBucket } from '../../../lib/db/buckets';
import { getCustomerEntry } from '../../../lib/db/customers';
import { importFile } from '../../../lib/db/importer';
import { allFollowUps, allProfiles } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { digestOf, type OrderDigest } from '../../../lib/scoring/history';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { collected, FIXTURES, importable } from '../../helpers';
import { storedEntries } from './stored-buckets';

const ZONE = 'Asia/Shanghai';
const AS_OF = endOfDay('2026-11-20', ZONE);
let dbCount = 0;

/** The demo shop's Taobao order report (one row per order, products by title), as rows. */
function demoRows() {
  const text = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, 'demo/ExportOrderList202611201200.csv')));
  const { data, meta } = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  return { fields: meta.fields!, rows: data };
}

async function importRows(db: Database, name: string, fields: string[], rows: Record<string, string>[]) {
  const bytes = new TextEncoder().encode(Papa.unparse({ fields, data: rows.map((row) => fields.map((field) => row[field] ?? '')) }));
  return importFile(db, await importable(name, bytes, 4096), {});
}

const storedDigests = async (db: Database) => {
  const records = await db.getAll('customers');
  return { records, digests: await storedEntries<OrderDigest>(db, 'customers', 'digests') };
};

/** What a rescore leaves: every profile, and every follow-up without the moment it was written. */
async function scored(db: Database) {
  const profiles = await allProfiles(db);
  const followUps = (await allFollowUps(db)).map(({ createdAt, updatedAt, ...rest }) => rest);
  return { profiles, followUps };
}

describe('order digests kept with the customers', () => {
  it('follow every import: after a re-export that changes orders and adds new ones, each digest is that of the customer’s stored orders', async () => {
    const { fields, rows } = demoRows();
    const db = await openTiermarkDB(`digests-${(dbCount += 1)}`);
    await importRows(db, 'ExportOrderList202611010000.csv', fields, rows.slice(0, 400));
    // The next export repeats half of those orders, with news: parcels delivered, orders closed (refunded).
    let changed = 0;
    const next = rows.slice(200).map((row, i) => {
      if (i >= 200) return row;
      if (row['订单状态'] === '卖家已发货，等待买家确认') return (changed += 1), { ...row, 订单状态: '交易成功' };
      if (row['订单状态'] === '交易成功' && i % 5 === 0) return (changed += 1), { ...row, 订单状态: '交易关闭' };
      return row;
    });
    const record = await importRows(db, 'ExportOrderList202611201200.csv', fields, next);
    expect(changed).toBeGreaterThan(20);
    expect(record.ordersUpdated).toBe(changed);

    const { records, digests } = await storedDigests(db);
    expect(records.every((stored) => typeof stored.digests === 'string')).toBe(true);
    const buyers = new Set(rows.map((row) => row['买家会员名']).filter(Boolean));
    expect(Object.keys(digests)).toHaveLength(buyers.size);
    let orders = 0;
    for (const [key, digest] of Object.entries(digests)) {
      const entry = (await getCustomerEntry(db, key))!;
      expect(digest).toEqual(digestOf(entry.orders));
      orders += digest.e.length / 3;
    }
    // Every order of the two files counted once, from the rows themselves.
    expect(orders).toBe(new Set(rows.filter((row) => row['买家会员名']).map((row) => row['订单编号'])).size);
    // Products bought, by title (the report has no SKUs), with the instants of their purchases.
    expect(Object.values(digests).filter((digest) => digest.p?.length).length).toBeGreaterThan(buyers.size / 2);
  });

  it('are made from the orders for a store written before them, once, and score the same as those the import wrote', async () => {
    const { fields, rows } = demoRows();
    const withDigests = await openTiermarkDB(`digests-${(dbCount += 1)}`);
    const before = await openTiermarkDB(`digests-${(dbCount += 1)}`);
    for (const db of [withDigests, before]) await importRows(db, 'ExportOrderList202611201200.csv', fields, rows);
    // The release before digests wrote its customer buckets with none.
    for (const stored of await before.getAll('customers')) await before.put('customers', { bucket: stored.bucket, json: stored.json });
    expect((await before.getAll('customers')).some((stored) => stored.digests !== undefined)).toBe(false);

    for (const db of [withDigests, before]) await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: AS_OF });
    const expected = await scored(withDigests);
    expect(Object.keys(expected.profiles).length).toBeGreaterThan(300);
    expect(expected.followUps.length).toBeGreaterThan(0);
    expect(await scored(before)).toEqual(expected);
    expect((await storedDigests(before)).digests).toEqual((await storedDigests(withDigests)).digests);
  });

  it('are left out of a backup: the orders it holds make them again', async () => {
    const { fields, rows } = demoRows();
    const db = await openTiermarkDB(`digests-${(dbCount += 1)}`);
    await importRows(db, 'ExportOrderList202611201200.csv', fields, rows);
    const customers = (await collected(backupLines(db, null))).map((line) => JSON.parse(line)).filter((line) => line.store === 'customers');
    expect(customers.length).toBe((await db.getAll('customers')).length);
    expect(customers.every(({ record }) => record.digests === undefined && Object.keys(readBucket({ bucket: 0, json: record.json })).length > 0)).toBe(true);
  });
});
