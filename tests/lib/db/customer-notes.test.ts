import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { backupLines, compressBackup, readBackupFile, restoreBackup } from '../../../lib/db/backup';
import { clearBadgeCache, badgeLooks } from '../../../lib/db/badge-index';
import { notesOf, notesProblem, setNotes, tagsOfText } from '../../../lib/db/customer-notes';
import { TableQueries } from '../../../lib/db/customer-table';
import { importFile } from '../../../lib/db/importer';
import { clearLookupCache, lookupRows } from '../../../lib/db/lookup';
import { allFollowUps, allProfiles, getProfile } from '../../../lib/db/profiles';
import { rescore } from '../../../lib/db/rescore';
import { saveRuleFile } from '../../../lib/db/rule-files';
import { openTiermarkDB, type Database } from '../../../lib/db/schema';
import { DEMO_EXPORT_END } from '../../../lib/demo/shop';
import { defaultRegistry } from '../../../lib/engine/registry';
import { DEFAULT_SCORE_SETTINGS } from '../../../lib/scoring/scorer';
import { exportSegment } from '../../../lib/ui/segment-export';
import type { OverviewRecord } from '../../../lib/overview';
import { segmentsOfCounts } from '../../../lib/segments';
import { collected, FIXTURES, importable } from '../../helpers';

const DEMO = join(FIXTURES, 'demo/ExportOrderList202611201200.csv');
let dbCount = 0;

async function importDemo(db: Database) {
  const bytes = readFileSync(DEMO);
  await importFile(db, await importable('ExportOrderList202611201200.csv', bytes, 65_536), {});
}
const rescoreDemo = (db: Database) => rescore(db, { reason: 'manual', timeZone: 'Asia/Shanghai', settings: DEFAULT_SCORE_SETTINGS, asOf: DEMO_EXPORT_END });

/** A seller's file: a treatment for customers tagged 价格敏感, a follow-up for those tagged 回访. */
const TAGGED = JSON.stringify({
  id: 'tagged', title: { en: 'By tag', 'zh-CN': '按标签' }, version: 1, enabled: true,
  rules: [
    { name: 'price', conditions: { all: [{ fact: 'tags', operator: 'hasTag', value: '价格敏感' }] }, event: { type: 'treatment', params: { label: { en: 'Price-sensitive: lead with the offer', 'zh-CN': '价格敏感：先讲优惠' } } } },
    { name: 'call', conditions: { all: [{ fact: 'tags', operator: 'hasTag', value: '回访' }] }, event: { type: 'follow-up', params: { action: 'tag-call', label: { en: 'Call back', 'zh-CN': '回访' }, channel: 'phone', due: { days: 0 }, message: { en: 'Hello', 'zh-CN': '您好' } } } },
  ],
});

describe('notes, tags and flags staff keep for a customer', () => {
  it('reach the rules as `tags` and `doNotContact`, hold back follow-ups and exports, keep a hidden customer off pages, and survive a re-import and a backup', async () => {
    const db = await openTiermarkDB(`notes-${(dbCount += 1)}`);
    await importDemo(db);
    expect(await saveRuleFile(db, 'tagged.json', TAGGED, defaultRegistry())).toEqual([]);
    await rescoreDemo(db);
    // Three buyers of the demo export, by the follow-ups they have before any note.
    const before = await allFollowUps(db);
    const withFollowUps = [...new Set(before.map((f) => f.customerKey))];
    expect(withFollowUps.length).toBeGreaterThan(3);
    const [quiet, hidden, tagged] = withFollowUps as [string, string, string];
    await setNotes(db, { key: quiet, note: '不要打电话，只发短信也不要', tags: tagsOfText('物流敏感，价格敏感'), doNotContact: true, hideOnPages: false });
    await setNotes(db, { key: hidden, note: '', tags: [], doNotContact: false, hideOnPages: true });
    await setNotes(db, { key: tagged, note: '老客户', tags: ['回访'], doNotContact: false, hideOnPages: false });
    await rescoreDemo(db);
    clearLookupCache(db);
    clearBadgeCache(db);

    expect((await getProfile(db, quiet))!.facts).toMatchObject({ tags: '价格敏感, 物流敏感', doNotContact: true });
    expect((await getProfile(db, quiet))!.treatments.map((x) => x.label.en)).toContain('Price-sensitive: lead with the offer');
    expect((await getProfile(db, tagged))!.facts).toMatchObject({ tags: '回访', doNotContact: false });
    const after = await allFollowUps(db);
    // Do-not-contact: none of their follow-ups stays open, however many they had.
    expect(after.filter((f) => f.customerKey === quiet && f.status === 'open')).toEqual([]);
    expect(after.filter((f) => f.customerKey === tagged).map((f) => f.ref)).toContain('tagged/call');
    expect(after.filter((f) => f.customerKey !== quiet).length).toBeGreaterThan(0);

    // Hidden on pages: neither the badge index nor a lookup names them; the others still show.
    const buyerId = (key: string) => key.slice(key.indexOf(':') + 1);
    const rows = [[{ kind: 'id' as const, value: buyerId(hidden) }], [{ kind: 'id' as const, value: buyerId(tagged) }]];
    const looks = await badgeLooks(db, 'taobao', rows, 'zh-CN');
    expect(looks![0]).toBeNull();
    expect(looks![1]).not.toBeNull();
    const matches = await lookupRows(db, 'taobao', rows, 'zh-CN');
    expect(matches.map((match) => match.kind)).toEqual(['none', 'customer']);

    // The Customers page lists a tag's customers, and offers every tag kept.
    const queries = new TableQueries(async () => db);
    const listed = async (tag: string | null) => {
      const reply = await queries.answer({ kind: 'window', id: 1, storeVersion: 'v', from: 0, count: 50, query: { shop: null, text: '', tier: null, badge: null, tag, sortBy: 'monetary', ascending: false } });
      if (reply.kind !== 'answer') throw new Error(JSON.stringify(reply));
      return reply.answer;
    };
    expect((await listed('价格敏感')).rows.map((row) => row.key)).toEqual([quiet]);
    expect((await listed('回访')).rows.map((row) => row.key)).toEqual([tagged]);
    expect((await listed('敏感')).total).toBe(0);
    const all = await listed(null);
    expect(all.total).toBe(all.customers);
    expect(all.choices.tags).toEqual(['价格敏感', '回访', '物流敏感']);

    // Exports leave the do-not-contact customer out, and say so.
    const profile = (await getProfile(db, quiet))!;
    const segment = profile.tier ? { kind: 'tier' as const, ref: profile.tier.ref } : { kind: 'badge' as const, ref: profile.badges[0]!.ref };
    const reply = await exportSegment(new TableQueries(async () => db), { kind: 'segment', id: 1, storeVersion: 'v', segment, shop: null, files: { language: 'en', timeZone: 'Asia/Shanghai', encoding: 'utf-8' } });
    if (reply.kind !== 'files') throw new Error(JSON.stringify(reply));
    expect(reply.doNotContact).toBe(1);
    const exported = Papa.parse<string[]>((await reply.files![0]!.blob.text()).replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(exported.map((row) => row[0])).not.toContain(buyerId(quiet));
    // Every other customer of the segment, counted from the stored profiles.
    const inSegment = Object.values(await allProfiles(db)).filter((p) =>
      segment.kind === 'tier' ? p!.tier?.ref === segment.ref : p!.badges.some((b) => b.ref === segment.ref));
    expect(exported.length - 1).toBe(inSegment.length - 1);

    // Each tag is a segment of its own, counted by the rescore and exported like the others; listed by tag.
    const overview = (await db.get('meta', 'overview')) as OverviewRecord;
    expect(segmentsOfCounts(overview.all.segments).filter((x) => x.kind === 'tag').map((x) => [x.ref, x.count])).toEqual([['价格敏感', 1], ['回访', 1], ['物流敏感', 1]]);
    const tagExport = async (tag: string) => {
      const reply = await exportSegment(new TableQueries(async () => db), { kind: 'segment', id: 2, storeVersion: 'v', segment: { kind: 'tag', ref: tag }, shop: null, files: { language: 'en', timeZone: 'Asia/Shanghai', encoding: 'utf-8' } });
      if (reply.kind !== 'files') throw new Error(JSON.stringify(reply));
      return [reply.members, reply.doNotContact];
    };
    expect(await tagExport('回访')).toEqual([1, 0]);
    expect(await tagExport('价格敏感')).toEqual([0, 1]);

    // The same export again changes nothing kept; a backup restored elsewhere brings the notes.
    await importDemo(db);
    expect(await notesOf(db, quiet)).toMatchObject({ note: '不要打电话，只发短信也不要', tags: ['物流敏感', '价格敏感'], doNotContact: true });
    const file = await compressBackup(await collected(backupLines(db, null)));
    const elsewhere = await openTiermarkDB(`notes-${(dbCount += 1)}`);
    await restoreBackup(elsewhere, await readBackupFile(file, 'backup.jsonl.gz'));
    expect(await notesOf(elsewhere, hidden)).toMatchObject({ hideOnPages: true });
    expect(await notesOf(elsewhere, tagged)).toMatchObject({ tags: ['回访'] });
  }, 60_000);

  it('keeps nothing for a customer whose notes are emptied, and refuses notes too long, in both languages', async () => {
    const db = await openTiermarkDB(`notes-${(dbCount += 1)}`);
    await setNotes(db, { key: 'taobao:a', note: 'x', tags: [], doNotContact: false, hideOnPages: false });
    await setNotes(db, { key: 'taobao:a', note: '  ', tags: [], doNotContact: false, hideOnPages: false });
    expect(await db.count('customerNotes')).toBe(0);
    expect(tagsOfText(' 物流敏感 , 价格敏感、物流敏感;;VIP ')).toEqual(['物流敏感', '价格敏感', 'VIP']);
    expect(notesProblem({ note: '', tags: ['这是一个非常非常非常非常非常非常长的标签名字'] })).toMatchObject({ en: expect.stringContaining('at most 20 characters'), 'zh-CN': expect.stringContaining('最多 20 个字符') });
    expect(notesProblem({ note: 'x'.repeat(2001), tags: [] })!.en).toContain('2001');
    await expect(setNotes(db, { key: 'taobao:a', note: '', tags: Array.from({ length: 21 }, (_, i) => `t${i}`), doNotContact: false, hideOnPages: false })).rejects.toThrow('at most 20 tags');
  });
});
