import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backupOf, BackupProblem, compressBackup, deleteAllData, readBackupFile, restoreBackup } from '../../../lib/db/backup';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allFollowUps } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, storeCounts } from '../../../lib/db/schema';
import { sha256Hex } from '../../../lib/import/encoding';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { chunked, fixture } from '../../helpers';

async function taobaoShop() {
  const db = await openTiermarkDB(`backup-test-${Math.random()}`);
  const bytes = new Uint8Array(readFileSync(fixture('taobao-order-report.gbk.csv')));
  await importFile(db, { name: 'ExportOrderList.csv', size: bytes.length, hash: await sha256Hex(bytes), stream: () => chunked(bytes, 4096) }, {});
  await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-05-01', 'Asia/Shanghai') });
  return db;
}

const SETTINGS = { timeZone: 'Asia/Shanghai', clvDiscountRate: 0.01 };
const gzip = async (text: string) => new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).blob();

describe('backing up and restoring the store', () => {
  it('restores into an emptied store exactly what was backed up: counts, lookups, follow-ups, import history', async () => {
    const db = await taobaoShop();
    const look = async () => lookupRows(db, 'taobao', [[{ kind: 'order', value: '2847561230003' }], [{ kind: 'id', value: '茶友小王' }]], 'zh-CN');
    const before = { counts: await storeCounts(db), matches: await look(), followUps: await allFollowUps(db), imports: await db.getAll('imports') };
    expect(before.counts.customers).toBe(3);
    const file = await compressBackup(await backupOf(db, SETTINGS));
    await deleteAllData(db);
    clearLookupCache(db);
    expect(await storeCounts(db)).toMatchObject({ customers: 0, orders: 0 });
    expect(await look()).toEqual([{ kind: 'none' }, { kind: 'none' }]);
    const backup = await readBackupFile(file, 'tiermark-backup.json.gz');
    expect(backup.settings).toEqual(SETTINGS);
    await restoreBackup(db, backup);
    clearLookupCache(db);
    expect({ counts: await storeCounts(db), matches: await look(), followUps: await allFollowUps(db), imports: await db.getAll('imports') }).toEqual(before);
  });

  it('refuses a file that is not a backup, or is damaged, naming where, and restores none of it', async () => {
    const db = await taobaoShop();
    const good = await backupOf(db, SETTINGS);
    const problem = async (file: Blob) => (await readBackupFile(file, 'b.gz').catch((e: unknown) => e)) as Error;
    expect(await problem(new Blob(['Order Number,Order Date\n1,2024-01-01\n']))).toBeInstanceOf(BackupProblem);
    expect((await problem(new Blob(['not gzip']))).message).toBe('b.gz: not a Tiermark backup (it is not a gzip file). Choose a file made by "Back up" on this page.');
    expect((await problem(await gzip('{"format": "tiermark-backup", "stores": {'))).message).toMatch(/^b\.gz: the backup is damaged/);
    expect((await problem(await gzip('{"orders": []}'))).message).toMatch(/^b\.gz: \/format: expected "tiermark-backup"/);
    expect((await problem(await gzip(JSON.stringify({ ...good, schemaVersion: 2 })))).message).toMatch(/^b\.gz: \/schemaVersion: the backup's store version is 2, this Tiermark's is \d/);
    const edited = { ...good, stores: { ...good.stores, followups: [...good.stores.followups, { json: '{}' }] } };
    expect((await problem(await gzip(JSON.stringify(edited))))).toMatchObject({
      message: `b.gz: /stores/followups/${good.stores.followups.length}: expected a bucket: a whole-number "bucket" and "json" text.`,
    });
    const { ruleFiles: _, ...missing } = good.stores;
    expect((await problem(await gzip(JSON.stringify({ ...good, stores: missing })))).message).toBe('b.gz: /stores/ruleFiles: expected a list of records; the file is cut short or edited.');
    // The store is as it was.
    expect((await storeCounts(db)).customers).toBe(3);
  });
});
