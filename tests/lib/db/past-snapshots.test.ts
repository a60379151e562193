import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deleteAllData } from '../../../lib/db/backup';
import { importFile } from '../../../lib/db/importer';
import { missingMonthEnds, monthsToRebuild, rebuildPastSnapshots } from '../../../lib/db/past-snapshots';
import { allProfiles } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { snapshotDays } from '../../../lib/db/snapshots';
import { sha256Hex } from '../../../lib/import/encoding';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { keyHashes, SnapshotReader, type PastSnapshotStatus } from '../../../lib/snapshots';
import { endOfDay } from '../../../lib/time';
import { chunked, FIXTURES, importable } from '../../helpers';

const ZONE = 'Asia/Shanghai';
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const DEMO = 'demo/ExportOrderList202611201200.csv';

async function importedDemo(name: string, asOf?: string): Promise<Database> {
  const db = await openTiermarkDB(name);
  const bytes = readFileSync(join(FIXTURES, DEMO));
  await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 65_536), asOf ? { asOf } : {});
  return db;
}

describe('month ends without a snapshot', () => {
  it('run from the first order’s month to last month, skipping months a kept snapshot stands for, newest kept', () => {
    const ends = missingMonthEnds(dayOf('2025-11-17'), dayOf('2026-03-02'), [dayOf('2026-01-09')]);
    expect(ends).toEqual([dayOf('2025-11-30'), dayOf('2025-12-31'), dayOf('2026-02-28')]);
    expect(missingMonthEnds(dayOf('2025-11-17'), dayOf('2026-03-02'), [], 2)).toEqual([dayOf('2026-01-31'), dayOf('2026-02-28')]);
    expect(missingMonthEnds(dayOf('2026-03-01'), dayOf('2026-03-02'), [])).toEqual([]);
  });

  it('are only those of the last months rebuilt: a longer history, once rebuilt, has none missing', () => {
    // First order in March 2020, today in December 2026: 80 months of history, the last 24 kept (as a
    // first rebuild leaves them), and today's snapshot. Found missing before: the 24 months before those.
    const today = dayOf('2026-12-03');
    const kept = [...Array.from({ length: 24 }, (_, i) => Date.UTC(2024, 11 + i + 1, 1) / 86_400_000 - 1), today];
    expect(kept[0]).toBe(dayOf('2024-12-31'));
    expect(kept[23]).toBe(dayOf('2026-11-30'));
    expect(missingMonthEnds(dayOf('2020-03-14'), today, kept)).toEqual([]);
    // One month of the window without its snapshot is the only one found.
    expect(missingMonthEnds(dayOf('2020-03-14'), today, kept.filter((day) => day !== dayOf('2025-06-30')))).toEqual([dayOf('2025-06-30')]);
    expect(missingMonthEnds(dayOf('2020-03-14'), today, [today])).toHaveLength(24);
  });
});

describe('past months rebuilt from the orders', () => {
  it('stand each customer where a rescore on that day, of the orders made by then, put them', async () => {
    const db = await importedDemo('past-demo');
    const today = endOfDay('2026-11-20', ZONE);
    const scored = await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today });
    expect(scored.firstOrderDay).toBeDefined();
    const progress: PastSnapshotStatus[] = [];
    const status = await rebuildPastSnapshots(db, { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today, onProgress: (p) => progress.push(p) });
    expect(status).toMatchObject({ state: 'done', error: null });
    // The month ends from the export's first order (unpaid ones too; its times are Beijing's) to October, the newest 24, counted from its rows.
    const rows = Papa.parse<Record<string, string>>(new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, DEMO))), { header: true, skipEmptyLines: true }).data;
    const first = rows.filter((row) => row['买家会员名']).map((row) => row['订单创建时间']!.slice(0, 10)).sort()[0]!;
    const allEnds: number[] = [];
    for (let month = Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7)) - 1; month < 2026 * 12 + 10; month += 1) allEnds.push(Date.UTC(Math.floor(month / 12), (month % 12) + 1, 0) / 86_400_000);
    const ends = allEnds.slice(-24);
    expect(ends.length).toBeGreaterThan(3);
    expect(scored.firstOrderDay).toBe(dayOf(first));
    expect(status.of).toBe(ends.length);
    expect(progress.filter((p) => p.state === 'running').map((p) => p.done)).toEqual(expect.arrayContaining(ends.map((_, i) => i + 1)));
    const days = await snapshotDays(db);
    expect(days).toEqual([...ends, dayOf('2026-11-20')]);
    expect(status.kept).toBe(ends.length);
    expect(status.bytes).toBeGreaterThan(0);

    // The same shop imported as it stood at the end of August (later orders left out by the import), rescored that day.
    const august = await importedDemo('past-demo-august', '2026-08-31');
    await rescore(august, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-08-31', ZONE) });
    const profiles = await allProfiles(august);
    const rebuilt = new SnapshotReader((await db.get('snapshots', dayOf('2026-08-31')))!);
    const keys = Object.keys(profiles);
    expect(keys.length).toBeGreaterThan(50);
    expect((await db.get('snapshots', dayOf('2026-08-31')))!.size).toBe(keys.length);
    for (const key of keys) {
      const profile = profiles[key]!;
      const standing = rebuilt.standingOf(keyHashes(key));
      expect(standing && { tier: standing.tier, segment: standing.segment, stage: standing.stage }, key).toEqual({
        tier: profile.tier?.ref ?? null,
        segment: profile.badges.find((b) => b.ref.startsWith('rfm-segments/'))?.ref ?? null,
        stage: typeof profile.facts.lifecycleStage === 'string' ? profile.facts.lifecycleStage : null,
      });
    }

    // Nothing left to rebuild: a second run finds every month kept, and writes nothing.
    const again = await rebuildPastSnapshots(db, { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today });
    expect(again).toMatchObject({ state: 'done', of: 0, kept: 0, days: ends });
    expect(await snapshotDays(db)).toEqual(days);
    expect(await monthsToRebuild(db, scored.firstOrderDay!, dayOf('2026-11-20'), ZONE)).toEqual([]);

    // A later export with an order of last June: the months from June on are rebuilt with it, not the ones before.
    const header = new TextDecoder('gbk').decode(readFileSync(join(FIXTURES, DEMO))).split('\n')[0]!;
    const row = '="3861204117009999001","补录买家0001",,"88.00","0.00","0","88.00","0","88.00","0","交易成功",,"王五","浙江省 杭州市 西湖区 文一路1号","快递",,="13900000001","2026-06-15 10:00:00","2026-06-15 10:05:00","祁门红茶 特级 100g","1",,"圆通速递",,"1","58213306","小茶馆",,"0","0",,"手机订单",,,,,,,"0.00","0.00","否"';
    const late = Buffer.from(new TextEncoder().encode(`${header}\n${row}\n`));
    await importFile(db, { name: 'ExportOrderList202611201300.csv', size: late.length, hash: await sha256Hex(late), stream: () => chunked(late, 65_536) }, {});
    expect(await monthsToRebuild(db, scored.firstOrderDay!, dayOf('2026-11-20'), ZONE)).toEqual(ends.filter((day) => day >= dayOf('2026-06-30')));
    const redone = await rebuildPastSnapshots(db, { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today });
    expect(redone).toMatchObject({ state: 'done', of: ends.filter((day) => day >= dayOf('2026-06-30')).length, days: ends });
    const june = new SnapshotReader((await db.get('snapshots', dayOf('2026-06-30')))!);
    expect(june.standingOf(keyHashes('taobao:补录买家0001'))).not.toBeNull();
    const may = new SnapshotReader((await db.get('snapshots', dayOf('2026-05-31')))!);
    expect(may.standingOf(keyHashes('taobao:补录买家0001'))).toBeNull();
  }, 120_000);

  it('stop at the next month, and keep nothing, when the seller deletes everything while they are rebuilt', async () => {
    const db = await importedDemo('past-demo-deleted');
    const today = endOfDay('2026-11-20', ZONE);
    await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today });
    let deleting: Promise<void> | null = null;
    const status = await rebuildPastSnapshots(db, { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today, onProgress: (p) => void (p.done === 1 && (deleting ??= deleteAllData(db))) });
    await deleting;
    expect(deleting).not.toBeNull();
    expect(status).toMatchObject({ state: 'done', done: 1 });
    expect(status.of).toBeGreaterThan(1);
    expect(await snapshotDays(db)).toEqual([]);
  }, 120_000);

  it('keep the months written before the background stopped, and the next run rebuilds only the rest', async () => {
    const db = await importedDemo('past-demo-stopped');
    const today = endOfDay('2026-11-20', ZONE);
    await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today });
    const stopped = await rebuildPastSnapshots(db, {
      timeZone: ZONE,
      settings: DEFAULT_SCORE_SETTINGS,
      asOf: today,
      onProgress: (p) => {
        if (p.done === 3 && p.state === 'running') throw new Error('the browser stopped the background');
      },
    });
    expect(stopped).toMatchObject({ state: 'failed', done: 3, kept: 3 });
    const first = await snapshotDays(db);
    // Today's snapshot and the three oldest month ends, which the status names as rebuilt.
    expect(first).toHaveLength(4);
    expect(stopped.days).toEqual(first.slice(0, 3));
    const rest = await rebuildPastSnapshots(db, { timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: today });
    expect(rest).toMatchObject({ state: 'done', of: stopped.of - 3, done: stopped.of - 3 });
    const days = await snapshotDays(db);
    expect(days).toHaveLength(stopped.of + 1);
    expect(rest.days).toEqual(days.slice(0, -1));
    expect(days.slice(0, 3)).toEqual(first.slice(0, 3));
  }, 120_000);
});
