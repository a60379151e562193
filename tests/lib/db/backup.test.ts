import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backupLines, BackupProblem, compressBackup, deleteAllData, readBackupFile, restoreBackup, unfinishedRestore } from '../../../lib/db/backup';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allFollowUps } from '../../../lib/db/profiles';
import { setKeptDates } from '../../../lib/db/kept-dates';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, storeCounts } from '../../../lib/db/schema';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { collected, fixture, importable } from '../../helpers';

async function taobaoShop() {
  const db = await openTiermarkDB(`backup-test-${Math.random()}`);
  const bytes = new Uint8Array(readFileSync(fixture('taobao-order-report.gbk.csv')));
  await importFile(db, await importable('ExportOrderList.csv', bytes, 4096), {});
  await rescore(db, { reason: 'import', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-05-01', 'Asia/Shanghai') });
  return db;
}

const SETTINGS = { timeZone: 'Asia/Shanghai', clvDiscountRate: 0.01 };
const gzip = (lines: string[]) => compressBackup(lines);

describe('backing up and restoring the store', () => {
  it('restores into an emptied store exactly what was backed up: counts, lookups, follow-ups, kept dates, import history', async () => {
    const db = await taobaoShop();
    await setKeptDates(db, 'taobao:茶友小王', [{ name: 'birthday', monthDay: '05-17' }, { name: '结婚纪念日', monthDay: '10-01' }]);
    const look = async () => lookupRows(db, 'taobao', [[{ kind: 'order', value: '2847561230003' }], [{ kind: 'id', value: '茶友小王' }]], 'zh-CN');
    const state = async () => ({ counts: await storeCounts(db), matches: await look(), followUps: await allFollowUps(db), imports: await db.getAll('imports'), dates: await db.getAll('keptDates') });
    const before = await state();
    expect(before.dates).toHaveLength(1);
    expect(before.counts.customers).toBe(3);
    const progress: number[] = [];
    const lines = await collected(backupLines(db, SETTINGS, (share) => progress.push(share)));
    const file = await compressBackup(lines);
    // The bar moves with every slice of buckets read, never back.
    expect(progress.at(-1)).toBe(1);
    expect(new Set(progress).size).toBeGreaterThan(100);
    expect(progress.every((share, i) => i === 0 || share >= progress[i - 1]!)).toBe(true);
    // The badge index is rebuilt by the rescore after a restore, never carried in a backup.
    expect(await db.count('badgeShards')).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes('badgeIndex') || line.includes('badgeShards'))).toEqual([]);
    await deleteAllData(db);
    expect(await db.count('badgeShards')).toBe(0);
    clearLookupCache(db);
    expect(await storeCounts(db)).toMatchObject({ customers: 0, orders: 0 });
    expect(await look()).toEqual([{ kind: 'none' }, { kind: 'none' }]);
    const backup = await readBackupFile(file, 'tiermark-backup.json.gz');
    expect(backup.settings).toEqual(SETTINGS);
    expect(backup.customers).toBe(3);
    // Written a few records per transaction, as a big shop's is.
    const restored: number[] = [];
    await restoreBackup(db, backup, (share) => restored.push(share), 1);
    expect(restored.length).toBeGreaterThan(5);
    expect(restored.at(-1)).toBe(1);
    expect(await unfinishedRestore(db)).toBeUndefined();
    clearLookupCache(db);
    expect(await state()).toEqual(before);
  });

  it('restores a backup of each release since notes as it was made', async () => {
    for (const version of [8, 9]) {
      const db = await taobaoShop();
      const made = await collected(backupLines(db, SETTINGS));
      const lines = made.map((line, i) => (i === 0 ? line.replace(/"schemaVersion":\d+/, `"schemaVersion":${version}`) : line));
      expect(lines[0]).not.toEqual(made[0]);
      const texts = async () => (await db.getAll('orders')).map(({ bucket, json }) => ({ bucket, json }));
      const before = await texts();
      await deleteAllData(db);
      await restoreBackup(db, await readBackupFile(await gzip(lines), `v${version}.gz`));
      expect(await texts()).toEqual(before);
      expect((await storeCounts(db)).customers).toBe(3);
    }
  });

  it('restores a backup from before kept dates with none kept', async () => {
    const db = await taobaoShop();
    const lines = (await collected(backupLines(db, SETTINGS))).map((line) => line.replace(/"schemaVersion":\d+/, '"schemaVersion":4').replace(/,"keptDates":0\}/, '}'));
    await setKeptDates(db, 'taobao:茶友小王', [{ name: 'birthday', monthDay: '05-17' }]);
    await restoreBackup(db, await readBackupFile(await gzip(lines), 'v4.gz'));
    expect(await db.getAll('keptDates')).toEqual([]);
    expect((await storeCounts(db)).customers).toBe(3);
  });

  it('restores a backup from before shops, each import into its platform’s first shop', async () => {
    const db = await taobaoShop();
    const lines = await collected(backupLines(db, SETTINGS));
    const before = await db.getAll('imports');
    // A version-3 backup: no shops store, import records without a shop.
    const old = lines
      .filter((line) => !line.startsWith('{"store":"shops"'))
      .map((line) => line.replace(/"schemaVersion":\d+/, '"schemaVersion":3').replace(/,"shop":"taobao"/, '').replace(/,"shops":1\}/, '}'));
    expect(old.join('')).not.toContain('"shop"');
    await deleteAllData(db);
    await restoreBackup(db, await readBackupFile(await gzip(old), 'old.gz'));
    expect(await db.getAll('shops')).toEqual([{ id: 'taobao', name: '', platform: 'taobao', createdAt: before[0]!.startedAt }]);
    expect(await db.getAll('imports')).toEqual(before);
  });

  it('refuses a file that is not a backup, is cut short or edited, naming the line, and restores none of it', async () => {
    const db = await taobaoShop();
    const lines = await collected(backupLines(db, SETTINGS));
    const problem = async (file: Blob) => (await readBackupFile(file, 'b.gz').catch((e: unknown) => e)) as Error;
    expect(await problem(new Blob(['Order Number,Order Date\n1,2024-01-01\n']))).toBeInstanceOf(BackupProblem);
    expect((await problem(new Blob(['not gzip']))).message).toBe('b.gz: line 1: not a Tiermark backup (it is not a gzip file). Choose a file made by "Back up" on this page.');
    expect((await problem(await gzip(['{"orders": []}\n']))).message).toMatch(/^b\.gz: line 1: \/format: expected "tiermark-backup"/);
    expect((await problem(await gzip([lines[0]!.replace(/"schemaVersion":\d+/, '"schemaVersion":2'), ...lines.slice(1)]))).message).toMatch(/^b\.gz: line 1: \/schemaVersion: the backup's store version is 2, this Tiermark's is \d/);
    // Cut short: a half line, or no end line.
    expect((await problem(await gzip([...lines.slice(0, 3), lines[3]!.slice(0, 20)]))).message).toBe('b.gz: line 4: the backup is damaged (this line is not complete JSON). Make a new backup, or restore another one.');
    expect((await problem(await gzip(lines.slice(0, -1)))).message).toMatch(/: the backup is cut short: its end line is missing/);
    // An edited record names its line and what the store expects.
    const bad = lines.findIndex((line) => line.startsWith('{"store":"profiles"'));
    const edited = [...lines];
    edited[bad] = '{"store":"profiles","record":{"json":"{}"}}\n';
    expect((await problem(await gzip(edited))).message).toBe(`b.gz: line ${bad + 1}: /record: expected a bucket: a whole-number "bucket" and "json" text.`);
    // A line taken out: the counts at the end say so.
    expect((await problem(await gzip([...lines.slice(0, bad), ...lines.slice(bad + 1)]))).message).toMatch(/^b\.gz: \/counts\/profiles: the backup says \d+ records of profiles but holds \d+; the file was edited\.$/);
    // The store is as it was.
    expect((await storeCounts(db)).customers).toBe(3);
  });

  it('says a restore that stopped midway did, scores nobody from the part written, and finishes when run again', async () => {
    const db = await taobaoShop();
    const before = await storeCounts(db);
    const lines = await collected(backupLines(db, SETTINGS));
    const file = await compressBackup(lines);
    const backup = await readBackupFile(file, 'tiermark-backup.json.gz');
    // The file is whole when checked, and read short when restored (a disk pulled out, a file replaced).
    const half = await compressBackup(lines.slice(0, Math.floor(lines.length / 2)));
    const problem = await restoreBackup(db, { ...backup, file: half }, undefined, 1).catch((error: unknown) => error);
    expect(problem).toBeInstanceOf(BackupProblem);
    expect((problem as BackupProblem).text['zh-CN']).toContain('缺少结尾行');
    // Part of it was written, and the store says so.
    expect(await db.count('orders')).toBeGreaterThan(0);
    expect(await db.count('ruleFiles')).toBe(0);
    expect(await unfinishedRestore(db)).toMatchObject({ fileName: 'tiermark-backup.json.gz', records: lines.length - 2 });
    // No rescore runs on it: it says why, in both languages, and no page gets a badge.
    const refused = await rescore(db, { reason: 'manual', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-05-01', 'Asia/Shanghai') });
    expect(refused).toMatchObject({ state: 'failed', scored: 0 });
    expect(refused.problem?.en).toContain('The restore of tiermark-backup.json.gz did not finish');
    expect(refused.problem?.['zh-CN']).toContain('恢复没有完成');
    expect(await db.count('badgeShards')).toBe(0);
    // Another file in its place since it was checked: refused before anything is emptied.
    const partOrders = await db.count('orders');
    const other = await compressBackup(lines.map((line, i) => (i === 0 ? line.replace(/"createdAt":\d+/, '"createdAt":1') : line)));
    expect(((await restoreBackup(db, { ...backup, file: other }).catch((error: unknown) => error)) as Error).message).toBe('tiermark-backup.json.gz: the file changed since it was checked. Choose it again.');
    expect(await db.count('orders')).toBe(partOrders);
    expect(await unfinishedRestore(db)).toBeDefined();
    // Run again with the whole file, it finishes, and the shop scores as before.
    await restoreBackup(db, backup);
    expect(await unfinishedRestore(db)).toBeUndefined();
    expect(await storeCounts(db)).toEqual(before);
    expect(await rescore(db, { reason: 'manual', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-05-01', 'Asia/Shanghai') })).toMatchObject({ state: 'done', scored: 3 });
  });
});
