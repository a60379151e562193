import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { TableQueries } from '../../../lib/db/customer-table';
import { importFile } from '../../../lib/db/importer';
import { allProfiles } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { forecastsToCheck, type ForecastRecord } from '../../../lib/forecast';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { FIXTURES, importable } from '../../helpers';

const ZONE = 'Asia/Shanghai';
const DEMO = join(FIXTURES, 'demo/ExportOrderList202611201200.csv');
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** The demo export's purchase days per buyer (paid, shipped or done; not unpaid, not closed), counted apart from Tiermark. */
function purchaseDays(): Map<string, Set<number>> {
  const rows = Papa.parse<Record<string, string>>(new TextDecoder('gbk').decode(readFileSync(DEMO)), { header: true, skipEmptyLines: true }).data;
  const days = new Map<string, Set<number>>();
  for (const row of rows) {
    if (!row['买家会员名'] || ['等待买家付款', '交易关闭'].includes(row['订单状态']!)) continue;
    const set = days.get(row['买家会员名']!) ?? new Set<number>();
    days.set(row['买家会员名']!, set);
    set.add(dayOf(row['订单创建时间']!.slice(0, 10)));
  }
  return days;
}

describe('the shop’s forecast of purchases', () => {
  it('is kept by each rescore with its day, and set against the purchases that came after it', async () => {
    const db = await openTiermarkDB('forecast-demo');
    const bytes = readFileSync(DEMO);
    await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 65_536), {});
    // A rescore as of 20 August forecasts; the one as of 20 November knows what happened.
    await rescore(db, { reason: 'manual', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-08-20', ZONE) });
    const facts = Object.values(await allProfiles(db)).map((profile) => profile.facts);
    const expected = (name: string) => facts.reduce((sum, f) => sum + (typeof f[name] === 'number' ? (f[name] as number) : 0), 0);
    await rescore(db, { reason: 'manual', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-11-20', ZONE) });

    const { entries } = (await db.get('meta', 'forecasts')) as ForecastRecord;
    expect(entries.map((entry) => entry.asOfDay)).toEqual([dayOf('2026-08-20'), dayOf('2026-11-20')]);
    const august = entries[0]!;
    expect(august.all.customers).toBe(facts.filter((f) => typeof f.expectedPurchases30d === 'number').length);
    expect(august.all.customers).toBeGreaterThan(200);
    expect(august.all.expected30).toBeCloseTo(expected('expectedPurchases30d'), 6);
    expect(august.all.expected90).toBeCloseTo(expected('expectedPurchases90d'), 6);
    expect(august.all.expected90).toBeGreaterThan(august.all.expected30);
    expect(Object.values(august.byShop).reduce((n, shop) => n + shop.customers, 0)).toBe(august.all.customers);
    expect(forecastsToCheck(entries, dayOf('2026-11-20')).map((entry) => entry.asOfDay)).toEqual([dayOf('2026-08-20')]);

    // What happened, from the export's rows: purchase days after 20 August by buyers who had bought by then.
    const d = dayOf('2026-08-20');
    let within30 = 0;
    let within90 = 0;
    for (const days of purchaseDays().values()) {
      if (![...days].some((day) => day <= d)) continue;
      within30 += [...days].filter((day) => day > d && day <= d + 30).length;
      within90 += [...days].filter((day) => day > d && day <= d + 90).length;
    }
    expect(within90).toBeGreaterThan(within30);
    const reply = await new TableQueries(async () => db).forecast({ kind: 'forecast', id: 1, storeVersion: 'v', shop: null, days: [d] });
    if (reply.kind !== 'forecast') throw new Error(JSON.stringify(reply));
    expect(reply.actuals).toEqual([{ day: d, within30, within90 }]);
  }, 60_000);
});
