import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { badgeLooks } from '../../../lib/db/badge-index';
import { lookOf } from '../../../lib/overlay/badge-index';
import type { Ref } from '../../../lib/overlay/site-adapter';
import { rescore } from '../../../lib/db/rescore';
import { openTiermarkDB } from '../../../lib/db/schema';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { endOfDay } from '../../../lib/time';
import { importable } from '../../helpers';

// Two buyers called Wei Wang, and one Marie Curie with two orders.
const CSV = `Order Number,Order Date,Email (Billing),First Name (Billing),Last Name (Billing),Order Total
1,2024-01-01,a@example.com,Wei,Wang,10.00
2,2024-01-02,b@example.com,Wei,Wang,20.00
3,2024-02-01,marie@example.org,Marie,Curie,500.00
4,2024-03-01,marie@example.org,Marie,Curie,30.00
`;

async function shop() {
  const db = await openTiermarkDB(`lookup-test-${Math.random()}`);
  const bytes = new TextEncoder().encode(CSV);
  await importFile(db, await importable('woo.csv', bytes, 1024), {});
  await rescore(db, { reason: 'import', timeZone: 'UTC', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2024-03-10', 'UTC') });
  return db;
}

describe('looking up the rows of a seller page', () => {
  it('resolves by buyer id, order number, email and name, strongest first', async () => {
    const db = await shop();
    const [byOrder, byEmail, byId, nobody] = await lookupRows(db, 'woocommerce', [
      [{ kind: 'name', value: 'Wei Wang' }, { kind: 'order', value: '3' }],
      [{ kind: 'email', value: 'MARIE@example.org' }],
      [{ kind: 'id', value: 'marie@example.org' }],
      [{ kind: 'order', value: '999' }, { kind: 'name', value: 'Nobody Here' }],
    ], 'zh-CN');
    // The order number wins over an ambiguous name in the same row. 530 USD (no currency column: the
    // default) is past the ladder's 150 USD top rung: 尊贵VIP.
    for (const match of [byOrder, byEmail, byId]) expect(match).toMatchObject({ kind: 'customer', view: { customerKey: 'woocommerce:marie@example.org', tier: { label: '尊贵VIP' } } });
    expect(byOrder).toMatchObject({ view: { summary: expect.stringMatching(/^2 单 · 累计 530\.00 /) } });
    expect(nobody).toEqual({ kind: 'none' });
  });

  it('says a shared name is ambiguous and lists both buyers, never guessing', async () => {
    const db = await shop();
    const [match] = await lookupRows(db, 'woocommerce', [[{ kind: 'name', value: ' wei WANG ' }]], 'en');
    expect(match).toEqual({ kind: 'ambiguous', candidates: expect.arrayContaining(['a@example.com', 'b@example.com']) });
    expect((match as { candidates: string[] }).candidates).toHaveLength(2);
  });

  it('answers from what it read until the store changes', async () => {
    const db = await shop();
    const ask = async () => (await lookupRows(db, 'woocommerce', [[{ kind: 'order', value: '3' }]], 'en'))[0];
    expect(await ask()).toMatchObject({ view: { tier: { label: 'Premier VIP' } } });
    await rescore(db, { reason: 'daily', timeZone: 'UTC', settings: DEFAULT_SCORE_SETTINGS, asOf: endOfDay('2026-03-10', 'UTC') });
    // Still the parsed buckets from before; cleared, the new profile shows (two years on: dormant).
    expect(await ask()).toMatchObject({ view: { badges: expect.not.arrayContaining([expect.objectContaining({ label: 'Dormant' })]) } });
    clearLookupCache(db);
    expect(await ask()).toMatchObject({ view: { badges: expect.arrayContaining([expect.objectContaining({ label: 'Dormant' })]) } });
  });

  it('finds the order numbers, emails and buyer ids a page of no known platform shows in the badge index, as the lookup does', async () => {
    const db = await shop();
    const rows: Ref[][] = [[{ kind: 'order', value: '3' }], [{ kind: 'email', value: 'Marie@Example.org' }], [{ kind: 'id', value: 'marie@example.org' }], [{ kind: 'order', value: '999' }], [{ kind: 'id', value: 'Wang' }]];
    const looks = await badgeLooks(db, null, rows, 'en');
    expect(looks?.map((look) => look?.kind ?? null)).toEqual(['customer', 'customer', 'customer', null, null]);
    expect(looks).toEqual((await lookupRows(db, null, rows, 'en')).map(lookOf));
  });

  it('finds a buyer id on a page of unknown platform', async () => {
    const [match] = await lookupRows(await shop(), null, [[{ kind: 'id', value: 'marie@example.org' }]], 'en');
    expect(match).toMatchObject({ kind: 'customer', view: { customerKey: 'woocommerce:marie@example.org' } });
  });
});
