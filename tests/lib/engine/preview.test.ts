import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CustomerTableBuilder } from '../../../lib/customer-table';
import { openCustomerTable, writeCustomerTable } from '../../../lib/db/customer-table';
import { openTiermarkDB } from '../../../lib/db/schema';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { previewRuleFile } from '../../../lib/engine/preview';
import { defaultRegistry } from '../../../lib/engine/registry';
import { RuleSet } from '../../../lib/engine/rule-set';
import { loadedRules, type RuleFile } from '../../../lib/engine/rule-file';
import type { Facts } from '../../../lib/scoring/scorer';

interface Made {
  buyerId: string;
  facts: Facts;
  currency: string;
}

/** The customers as the rescore writes them into the customer table. */
async function tableOf(customers: readonly Made[]) {
  const builder = new CustomerTableBuilder(defaultRegistry().facts);
  customers.forEach(({ buyerId, facts, currency }, i) =>
    builder.add({ key: `taobao:${buyerId}`, platform: 'taobao', buyerId, names: [], emails: [], phones: [], orderCount: Number(facts.orderCount) || 0, monetaryMinor: i, currency, lastOrderAt: 0, firstOrderAt: 0 } as never, facts, null, []),
  );
  const db = await openTiermarkDB(`preview-${Math.random()}`);
  await writeCustomerTable(db, await builder.finish('preview', { customers: customers.length, orders: 0 }));
  return (await openCustomerTable(db))!.table;
}

const preview = async (text: string, file: string, customers: readonly Made[]) => {
  const table = await tableOf(customers);
  return previewRuleFile(text, file, defaultRegistry(), (facts) => table.factRows(facts));
};

// 1,000 customers spending 0, 10, …, 9,990.
const customers = Array.from({ length: 1000 }, (_, i) => ({ buyerId: `b${String(i).padStart(4, '0')}`, facts: { monetary: i * 10, orderCount: i % 3 }, currency: 'CNY' }));
const ladder = JSON.stringify(DEFAULT_RULE_FILES['member-ladder.json'], null, 2);

describe('previewing a rule file as it is edited', () => {
  it('counts the customers each rule fires for, and the file as a whole, with the biggest spenders among them', async () => {
    const result = await preview(ladder, 'member-ladder.json', customers);
    expect(result.problems).toEqual([]);
    // Every rung needs a purchase (orderCount ≥ 1: two customers in three). ≥ 1000 is i ≥ 100: 900
    // customers, of whom the 300 with i a multiple of 3 (102 … 999) bought nothing: 600. ≥ 700 is
    // i ≥ 70: 930 less 310 (72 … 999): 620. ≥ 400 is i ≥ 40: 960 less 320 (42 … 999): 640. A purchase: 666.
    expect(result.rules.map((r) => [r.ref, r.matches])).toEqual([
      ['member-ladder/premier-vip', 600], ['member-ladder/vip', 620], ['member-ladder/senior', 640], ['member-ladder/member', 666],
    ]);
    // Any of them: every customer with a purchase; the biggest spenders first, skipping 996 and 993 (no purchase).
    expect(result.matches).toBe(666);
    expect(result.sample).toEqual(['b0998', 'b0997', 'b0995', 'b0994', 'b0992']);
  });

  it('takes its sample as the Customers page lists them: biggest spenders first, equal spends in the table’s order, unknown spend last', async () => {
    // Spends of 500, 900, 900, unknown, 900, 100 and 700: every one has a purchase.
    const spends = [500, 900, 900, Number.NaN, 900, 100, 700];
    const few = spends.map((monetary, i) => ({ buyerId: `s${i}`, facts: { monetary: Number.isNaN(monetary) ? null : monetary, orderCount: 1 }, currency: 'CNY' }));
    const member = JSON.stringify({ id: 'all', title: { en: 'All', 'zh-CN': '全部' }, version: 1, enabled: true, rules: [{ name: 'bought', conditions: { all: [{ fact: 'orderCount', operator: 'greaterThanInclusive', value: 1 }] }, event: { type: 'badge', params: { label: { en: 'Buyer', 'zh-CN': '买家' }, colour: '#336699' } } }] });
    const result = await preview(member, 'all.json', few);
    expect(result.matches).toBe(7);
    expect(result.sample).toEqual(['s1', 's2', 's4', 's6', 's0']);
    const table = await tableOf(few);
    const listed = await table.query({ shop: null, text: '', byOrder: [], tier: null, badge: null, sortBy: 'monetary', ascending: false }, 0, 7);
    expect(result.sample).toEqual(listed.rows.slice(0, 5).map((row) => row.buyerId));
  });

  it('follows an edit: a lower threshold takes in more customers', async () => {
    const edited = ladder.replace('"CNY": 400', '"CNY": 300');
    expect(edited).not.toBe(ladder);
    const result = await preview(edited, 'member-ladder.json', customers);
    // i ≥ 30: 970 customers, less the 324 multiples of 3 among them (30 … 999) who bought nothing.
    expect(result.rules.find((r) => r.ref === 'member-ladder/senior')!.matches).toBe(646);
  });

  it('gives the problems instead of counts while the file is broken, with their lines', async () => {
    const broken = ladder.replace('"fact": "monetary"', '"fact": "totalSpend"');
    const result = await preview(broken, 'member-ladder.json', customers);
    expect(result.rules).toEqual([]);
    expect(result.problems[0]).toMatchObject({ pointer: '/rules/0/conditions/all/1/fact', message: { en: expect.stringContaining('did you mean "monetary"'), 'zh-CN': expect.stringContaining('是否应为 "monetary"') } });
    expect(result.problems[0]!.line).toBe(broken.split('\n').findIndex((line) => line.includes('totalSpend')) + 1);
  });

  it('tells a fact the rescore left unknown from one a customer lacks, as the rescore’s rules do', async () => {
    // pAlive: a number for some, unknown (null) for some, missing for others; rfmCode likewise as text.
    const odd = customers.slice(0, 300).map((customer, i) => {
      const facts: Facts = { ...customer.facts };
      if (i % 3 === 0) facts.pAlive = i / 300;
      if (i % 3 === 1) facts.pAlive = null;
      if (i % 4 === 0) facts.rfmCode = '555';
      if (i % 4 === 1) facts.rfmCode = null;
      return { ...customer, facts };
    });
    const rule = (name: string, conditions: unknown) => ({ name, conditions, event: { type: 'badge', params: { label: { en: name, 'zh-CN': name }, colour: '#888888' } } });
    const ruleFile = {
      id: 'odd',
      title: { en: 'Odd facts', 'zh-CN': '特殊指标' },
      version: 1,
      enabled: true,
      rules: [
        rule('unknown', { all: [{ fact: 'pAlive', operator: 'equal', value: null }] }),
        rule('known', { all: [{ fact: 'pAlive', operator: 'notEqual', value: null }] }),
        rule('low', { all: [{ fact: 'pAlive', operator: 'lessThan', value: 0.5 }] }),
        rule('code-unknown', { any: [{ fact: 'rfmCode', operator: 'in', value: [null] }] }),
        rule('not-555', { not: { fact: 'rfmCode', operator: 'equal', value: '555' } }),
      ],
    } as never as RuleFile;
    const result = await preview(JSON.stringify(ruleFile), 'odd.json', odd);
    expect(result.problems, JSON.stringify(result.problems)).toEqual([]);
    // Each rule run on the facts themselves, one customer at a time.
    const set = new RuleSet(loadedRules([ruleFile]), defaultRegistry());
    const expected = new Map(ruleFile.rules.map((r) => [`odd/${r.name}`, 0]));
    for (const { facts } of odd) for (const fired of await set.fired(facts)) expected.set(fired.ref, expected.get(fired.ref)! + 1);
    expect(new Map(result.rules.map((r) => [r.ref, r.matches]))).toEqual(expected);
    expect(expected.get('odd/unknown')).toBe(100);
    expect(expected.get('odd/known')).toBe(200);
  });
});
