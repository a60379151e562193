import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT, compressBackup, readBackupFile } from '../../lib/db/backup';
import { importFile } from '../../lib/db/importer';
import { DB_VERSION, openTiermarkDB } from '../../lib/db/schema';
import { defaultRegistry } from '../../lib/engine/registry';
import { checkRuleFiles, problemLine } from '../../lib/engine/validate';
import { importToMemory } from '../../lib/import/collect';
import type { StreamSettings } from '../../lib/import/stream';
import { SellerError, type Localised } from '../../lib/localised';
import { customAdapterProblems } from '../../lib/sites';
import { MESSAGE_IDS, translator } from '../../lib/ui/i18n';
import { chunked, fixture, importable, ROOT } from '../helpers';
import { latinSentences } from '../latin';

const HAN = /[\u3400-\u9fff]/;

/** The Chinese texts among `texts` that are not Chinese: English sentences, or no Chinese at all. */
function untranslated(texts: readonly Localised[]): string[] {
  return texts.map((text) => text['zh-CN']).filter((zh) => latinSentences(zh).length > 0 || !HAN.test(zh));
}

describe('the test for untranslated text', () => {
  it('finds an English sentence, and lets quoted values, JSON, names and patterns be', () => {
    expect(latinSentences('the file is empty')).toEqual(['the file is empty']);
    expect(latinSentences('文件中没有 "Order Date" 列。')).toEqual([]);
    expect(latinSentences('应为 {"all": […]} 或 {"not": {…}}；请用 yyyy MM dd HH mm ss，例如 Asia/Shanghai')).toEqual([]);
    expect(latinSentences('json-rules-engine 无法读取这条规则（Own system）')).toEqual([]);
    expect(untranslated([{ en: 'Row 3', 'zh-CN': 'Row 3 has no date' }, { en: 'x', 'zh-CN': 'CNY' }, { en: 'x', 'zh-CN': '第 3 行' }])).toEqual(['Row 3 has no date', 'CNY']);
  });
});

describe('every message a seller can see has its Chinese', () => {
  it('the dashboard’s own strings', () => {
    const zh = translator('zh-CN');
    const en = translator('en');
    const missing = MESSAGE_IDS.filter((id) => latinSentences(zh(id)).length > 0 || (zh(id) === en(id) && latinSentences(en(id)).length > 0));
    expect(missing).toEqual([]);
  });

  it('the rule checker, for every kind of mistake', () => {
    const shipped = readFileSync(join(ROOT, 'rules/follow-ups.json'), 'utf8');
    const base = JSON.parse(shipped) as { rules: Array<Record<string, any>> } & Record<string, unknown>;
    const variant = (change: (file: typeof base) => void) => {
      const copy = structuredClone(base);
      change(copy);
      return JSON.stringify(copy, null, 2);
    };
    const first = (file: typeof base) => file.rules[0]!;
    const texts = [
      shipped.replace(/",\n/, '"\n'),
      shipped.replace(/\]\n(\s*)\}/, '],\n$1}'),
      shipped.replace('"id"', "'id'"),
      shipped.replace(/"name": "[^"]*",/, '"name": "unclosed,'),
      `${shipped}\n{}`,
      shipped.replace(/"version": \d+/, '"version": 1e999'),
      shipped.replace('"id"', '"id": "twice",\n  "id"'),
      '',
      variant((f) => Object.assign(f, { version: 'two', colour: 'red', id: 'Not An Id' })),
      variant((f) => Object.assign(first(f), { priority: 0, extra: true })),
      variant((f) => delete first(f).event.type),
      variant((f) => (first(f).event.type = 'tiers')),
      variant((f) => delete first(f).name),
      variant((f) => (first(f).conditions = { every: [] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'orders', operator: 'greaterThan', value: 1 }, { fact: 'qwertyuiop', operator: 'equal', value: 1 }] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'orderCount', operator: 'biggerThan', value: 1 }, { fact: 'orderCount', operator: 'zzzzzz', value: 1 }] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'orderCount', operator: 'everyFact:equal', value: 1 }, { fact: 'orderCount', operator: 'some:equal', value: 1 }] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'orderCount', operator: 'greaterThan', value: '5' }, { fact: 'tier', operator: 'equal', value: 5 }, { fact: 'orderCount', operator: 'equal', value: 'x' }] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'tier', operator: 'greaterThan', value: 1 }, { fact: 'orderCount', operator: 'in', value: 3 }, { fact: 'orderCount', operator: 'between', value: [9, 1] }] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'orderCount', operator: 'in', value: { fact: 'monetary' } }, { fact: 'orderCount', operator: 'equal', value: { fact: 'tier' } }, { fact: 'orderCount', operator: 'equal', value: [1, 2] }] })),
      variant((f) => (first(f).conditions = { all: [{ fact: 'orderCount', operator: 'greaterThan', value: { byCurrency: { cny: 1 } } }, { fact: 'monetary', operator: 'in', value: { byCurrency: { CNY: 1 } } }] })),
      variant((f) => Object.assign(first(f).event.params, { due: { since: 'monetary', until: 'orderCount' }, coupon: { percent: 10, of: 'recencyDays' } })),
      variant((f) => (first(f).event.params.message = { en: '{coupon} {minimumSpend} {spendd}', 'zh-CN': '{coupon}' })),
      variant((f) => (first(f).event.params.coupon = { percent: 10 })),
      variant((f) => f.rules.push(structuredClone(first(f)))),
      variant((f) => (f.rules = Array.from({ length: 120 }, (_, i) => ({ ...first(f), name: `r-${i}`, priority: -1 })))),
    ];
    const files = texts.map((text, i) => ({ file: `broken-${i}.json`, text }));
    files.push({ file: 'same-id.json', text: shipped });
    const { problems } = checkRuleFiles([{ file: 'follow-ups.json', text: shipped }, ...files], defaultRegistry());
    // Every mistake was found, and each says it in Chinese.
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(files.map((f) => f.file)));
    expect(untranslated(problems.map((p) => p.message))).toEqual([]);
    expect(problems.map(problemLine('zh-CN')).filter((line) => / \(line \d+\)$/.test(line))).toEqual([]);
  });

  it('the importer: files it refuses and rows it leaves out', async () => {
    const refusals: Localised[] = [];
    const rejections: Localised[] = [];
    const read = async (text: string | Uint8Array, settings: StreamSettings = {}) => {
      const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
      try {
        const { report } = await importToMemory(chunked(bytes, 512), settings);
        for (const r of report.rejections) rejections.push(r.reason as Localised);
      } catch (error) {
        if (!(error instanceof SellerError)) throw error;
        refusals.push(error.text);
      }
    };
    const woo = 'Order Number,Order Date,Email (Billing),Order Total,Quantity,Item Name\n';
    await read(new Uint8Array([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]));
    await read('');
    await read(woo);
    await read(`${woo}"1001,2024-01-01`);
    await read(`${woo}1001,2024-01-01,a@b.cn,10,1,Tea\n`, { timeZone: 'Mars/Olympus' });
    await read(`${woo}1001,2024-01-01,a@b.cn,10,1,Tea\n`, { format: 'generic', mapping: { customer: 'Email (Billing)', date: 'Nope', amount: 'Order Total' } });
    await read(`${woo}1001,2024-01-01,a@b.cn,10,1,Tea\n`, { format: 'generic', mapping: { customer: 'Email (Billing)', amount: 'Order Total' } });
    await read(`${woo}1001,2024-01-01,a@b.cn,10,1,Tea\n`, { format: 'generic', mapping: { customer: 'Email (Billing)', date: 'Order Date' } });
    await read(`${woo}1001,2024-01-01,a@b.cn,10,1,Tea\n`, { format: 'generic', mapping: { date: 'Order Date', amount: 'Order Total' } });
    for (const pattern of ["yyyy-MM-dd 'T", 'yyyy-MM-dd QQ', 'MM-dd']) await read(`${woo}1001,2024-01-01,a@b.cn,10,1,Tea\n`, { format: 'generic', dateFormat: pattern });
    await read(
      [
        woo.trim(),
        '1001,yesterday,a@b.cn,10,1,Tea',
        '1002,1970-01-01,a@b.cn,10,1,Tea',
        '1003,2024-01-01,a@b.cn,lots,1,Tea',
        '1004,2024-01-01,a@b.cn,10,many,Tea',
        ',2024-01-01,a@b.cn,10,1,Tea',
        '1005,2024-01-02,a@b.cn,"1,234",1,Tea',
        '1006,2024-01-02,a@b.cn,1.50,1,Tea',
        '1007,2024-01-02,a@b.cn,"1,50",1,Tea',
        '1008,2024-01-03,a@b.cn,10,1,Tea',
        '1009,2024-01-03,a@b.cn,10,1,Tea',
        '1008,2024-01-03,c@d.cn,10,1,Tea',
      ].join('\n'),
    );
    await read('Name,Email,Financial Status,Created at,Lineitem name,Total\n#9,a@b.cn,paid,,Tea,\n');
    const generic = 'customer,date,amount,quantity,status\n';
    await read(`${generic}a,2024-01-01,,1,paid\nb,2024-01-01,-5,1,paid\nc,2024-01-01,5,-2,paid\n`, { format: 'generic' });
    await read(readFileSync(fixture('online-retail-ii.csv')));
    // UTF-8 with one row saved as GBK (茶友 in GBK: B2 E8 D3 D1).
    const utf8Rows = new TextEncoder().encode(`${woo}${Array.from({ length: 20 }, (_, i) => `${2000 + i},2024-01-01,a@b.cn,10,1,龙井茶\n`).join('')}`);
    await read(new Uint8Array([...utf8Rows, ...new TextEncoder().encode('3000,2024-01-01,'), 0xb2, 0xe8, 0xd3, 0xd1, ...new TextEncoder().encode('@b.cn,10,1,Tea\n')]));
    expect(refusals.length).toBeGreaterThanOrEqual(12);
    expect(rejections.length).toBeGreaterThanOrEqual(13);
    expect(untranslated([...refusals, ...rejections])).toEqual([]);
  });

  it('the import into a shop: orders the shop has for another buyer or day, a shop of another platform', async () => {
    const db = await openTiermarkDB(`bilingual-${Math.random()}`);
    const file = async (name: string, text: string) => {
      const bytes = new TextEncoder().encode(text);
      return importable(name, bytes, 512);
    };
    const woo = 'Order Number,Order Date,Email (Billing),Order Total\n';
    await importFile(db, await file('a.csv', `${woo}1001,2024-01-01,a@b.cn,10\n1002,2024-01-02,a@b.cn,10\n`), {});
    const clash = await importFile(db, await file('b.csv', `${woo}1001,2024-01-01,z@y.cn,10\n1002,2024-02-02,a@b.cn,10\n`), {});
    const shopify = await importFile(db, await file('c.csv', 'Name,Email,Financial Status,Created at,Lineitem name,Total\n#1,a@b.cn,paid,2024-01-01 10:00:00 +0800,Tea,10\n'), { shop: { id: 'woocommerce', name: '', platform: 'woocommerce', createdAt: 0 } });
    const texts = [...clash.rejections.map((r) => r.reason as Localised), shopify.error as Localised];
    expect(texts).toHaveLength(3);
    expect(untranslated(texts)).toEqual([]);
    db.close();
  });

  it('backups it cannot restore', async () => {
    const refusals: Localised[] = [];
    const header = JSON.stringify({ format: BACKUP_FORMAT, schemaVersion: DB_VERSION, createdAt: 0, settings: null });
    const end = (counts: Record<string, number> = {}) => JSON.stringify({ end: true, counts });
    const backups = [
      new Blob(['not gzip at all']),
      await compressBackup([]),
      await compressBackup([JSON.stringify({ format: 'other' })]),
      await compressBackup([JSON.stringify({ format: BACKUP_FORMAT, schemaVersion: 99 })]),
      await compressBackup([`${header}\n`, '{"store": "orders", "rec\n']),
      await compressBackup([`${header}\n`, `${JSON.stringify({ store: 'secrets', record: {} })}\n`]),
      await compressBackup([`${header}\n`, `${JSON.stringify({ store: 'shops', record: { id: 1 } })}\n`]),
      await compressBackup([`${header}\n`, `${end({ ruleFiles: 2 })}\n`]),
      await compressBackup([`${header}\n`, `${end()}\n`, `${end()}\n`]),
      await compressBackup([`${header}\n`]),
    ];
    for (const backup of backups) {
      await readBackupFile(backup, 'tiermark-backup.json.gz').then(
        () => undefined,
        (error: unknown) => {
          if (!(error instanceof SellerError)) throw error;
          refusals.push(error.text);
        },
      );
    }
    expect(refusals).toHaveLength(backups.length);
    expect(untranslated(refusals)).toEqual([]);
  });

  it('a console the seller describes', () => {
    const { document } = parseHTML('<p></p>');
    const problems = customAdapterProblems({ urlPattern: 'https://other.example.org/*', rowSelector: 'tr[', identifierSelector: '', identifierAttribute: 'data order', regex: '(' }, [], document);
    expect(problems).toHaveLength(5);
    expect(untranslated(problems)).toEqual([]);
  });
});
