import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCustomerRows } from '../../../lib/db/customer-list';
import { importFile } from '../../../lib/db/importer';
import { allFollowUps, setFollowUpStatus } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { shopCurrencies } from '../../../lib/db/tallies';
import { saveRuleFile } from '../../../lib/db/rule-files';
import { openTiermarkDB } from '../../../lib/db/schema';
import { defaultRegistry } from '../../../lib/engine/registry';
import { dueOn, groupFollowUps, type DueTally } from '../../../lib/follow-ups';
import { overviewOf, overviewOfTally, type OverviewRecord } from '../../../lib/overview';
import { segmentsOf, segmentsOfCounts } from '../../../lib/segments';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay, localDayNumber } from '../../../lib/time';
import { fixture, importable } from '../../helpers';

const ZONE = 'Asia/Shanghai';

/** A call for every buyer 45 days after their first purchase, open for years: due days spread over the shop's history. */
const WELCOME = JSON.stringify({
  id: 'welcome', title: { en: 'Welcome call', 'zh-CN': '欢迎回访' }, version: 1, enabled: true,
  rules: [{
    name: 'call', conditions: { all: [{ fact: 'orderCount', operator: 'greaterThanInclusive', value: 1 }] },
    event: { type: 'follow-up', params: { action: 'welcome-call', label: { en: 'Welcome call', 'zh-CN': '欢迎回访' }, channel: 'phone', due: { days: 45, since: 'tenureDays', window: 4000 }, message: { en: 'Hello', 'zh-CN': '您好' } } },
  }],
});

async function importText(db: Awaited<ReturnType<typeof openTiermarkDB>>, name: string, bytes: Uint8Array) {
  await importFile(db, await importable(name, bytes, 4096), {});
}

/** 150 WooCommerce buyers whose first orders come two days apart from June 2023, some buying again. */
function wooShop(): Uint8Array {
  const lines = ['Order Number,Order Date,Email (Billing),Order Total'];
  const first = Date.UTC(2023, 5, 1);
  for (let i = 0; i < 150; i += 1) {
    const day = (n: number) => new Date(first + n * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${1000 + i},${day(2 * i)},buyer${i}@example.com,${(20 + (i % 7) * 13).toFixed(2)}`);
    if (i % 3 === 0) lines.push(`${5000 + i},${day(2 * i + 30)},buyer${i}@example.com,${(15 + (i % 5) * 9).toFixed(2)}`);
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

/**
 * Four shops, and the welcome calls raised by rescores on four days: a follow-up keeps the due day
 * of the rescore that first raised it, so due days spread over the year.
 */
async function shops() {
  const db = await openTiermarkDB(`aggregates-${Math.random()}`);
  for (const name of ['shopify-orders-79.csv', 'taobao-order-report.gbk.csv', 'jd-orders.gbk.csv']) await importText(db, name, new Uint8Array(readFileSync(fixture(name))));
  await importText(db, 'woo.csv', wooShop());
  expect(await saveRuleFile(db, 'welcome.json', WELCOME, defaultRegistry())).toEqual([]);
  let asOfDay = 0;
  for (const day of ['2023-09-01', '2023-12-01', '2024-03-01', '2024-05-01']) {
    const asOf = endOfDay(day, ZONE);
    await rescore(db, { reason: 'import', timeZone: ZONE, settings: DEFAULT_SCORE_SETTINGS, asOf });
    asOfDay = localDayNumber(asOf, ZONE);
  }
  return { db, asOfDay };
}

describe('figures the rescore keeps for the Overview', () => {
  it('are the figures counted from every customer, for all shops and for each, and the segments’ sizes', async () => {
    const { db } = await shops();
    const kept = (await db.get('meta', 'overview')) as OverviewRecord;
    const rows = await loadCustomerRows(db);
    const ids = [...new Set(rows.map((row) => row.key.slice(0, row.key.indexOf(':'))))].sort();
    expect(ids).toEqual(['jd', 'shopify', 'taobao', 'woocommerce']);
    expect(Object.keys(kept.byShop).sort()).toEqual(ids);
    for (const currency of [undefined, 'USD', 'CNY']) {
      expect(overviewOfTally(kept.all, currency)).toEqual(overviewOf(rows, currency));
      for (const shop of ids) expect(overviewOfTally(kept.byShop[shop]!, currency)).toEqual(overviewOf(rows.filter((row) => row.key.startsWith(`${shop}:`)), currency));
    }
    // And counted here on their own, from the stored customers and profiles.
    const all = overviewOfTally(kept.all, 'CNY');
    expect(all.customers).toBe(rows.length);
    expect(all.netSalesMinor).toBe(rows.filter((row) => row.currency === 'CNY').reduce((sum, row) => sum + row.monetaryMinor, 0));
    const byTier = new Map<string | null, number>();
    for (const row of rows) byTier.set(row.tier?.ref ?? null, (byTier.get(row.tier?.ref ?? null) ?? 0) + 1);
    expect(new Map(all.tiers.map((tier) => [tier.ref, tier.customers]))).toEqual(byTier);
    for (const cell of all.rfm.flat()) expect(cell.customers, `R${cell.r}F${cell.f}`).toBe(rows.filter((row) => row.facts.rfmR === cell.r && row.facts.rfmF === cell.f).length);
    // The Segments page's sizes too.
    expect(segmentsOfCounts(kept.all.segments)).toEqual(segmentsOf(rows));
    expect(segmentsOf(rows).length).toBeGreaterThan(5);
    for (const segment of segmentsOfCounts(kept.all.segments)) {
      const inIt = rows.filter((row) => (segment.kind === 'tier' ? row.tier?.ref === segment.ref : (segment.kind === 'badge' ? row.badges : row.treatments).some((x) => x.ref === segment.ref)));
      expect(segment.count, segment.ref).toBe(inIt.length);
    }
    for (const shop of ids) expect(segmentsOfCounts(kept.byShop[shop]!.segments)).toEqual(segmentsOf(rows.filter((row) => row.key.startsWith(`${shop}:`))));
    // The Rules page's currencies, most customers first.
    const perCurrency = new Map<string, number>();
    for (const row of rows) perCurrency.set(row.currency, (perCurrency.get(row.currency) ?? 0) + 1);
    expect(perCurrency.size).toBeGreaterThan(1);
    expect(await shopCurrencies(db, 'kept')).toEqual([...perCurrency.keys()].sort((a, b) => perCurrency.get(b)! - perCurrency.get(a)! || a.localeCompare(b)));
    db.close();
  });

  it('count the follow-ups due as the Follow-ups page groups them, on any day, as staff work them', async () => {
    const { db, asOfDay } = await shops();
    const days = Array.from({ length: 80 }, (_, i) => asOfDay - 300 + i * 5);
    const agree = async () => {
      const tally = (await db.get('meta', 'dueTally')) as DueTally;
      const records = await allFollowUps(db);
      for (const day of days) {
        const groups = groupFollowUps(records, day);
        expect(dueOn(tally, day), `day ${day}`).toEqual({ overdue: groups.overdue.length, today: groups.today.length });
      }
      return records;
    };
    const records = await agree();
    expect(records.length).toBeGreaterThan(150);
    expect(new Set(records.map((r) => r.dueDay)).size).toBeGreaterThan(30);
    // Done, snoozed past some of the days, snoozed and opened again.
    await setFollowUpStatus(db, records[0]!.id, 'done');
    await setFollowUpStatus(db, records[1]!.id, 'snoozed', asOfDay - 200);
    await setFollowUpStatus(db, records[2]!.id, 'snoozed', asOfDay + 30);
    await setFollowUpStatus(db, records[3]!.id, 'snoozed', asOfDay + 30);
    await setFollowUpStatus(db, records[3]!.id, 'open');
    await agree();
    db.close();
  });
});
