import { describe, expect, it } from 'vitest';
import { filesForCurrency, joinedSpend, ruleForCurrency, ruleSetsByCurrency, spendByCurrency, unfitTables } from '../../../lib/engine/currency';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { defaultRegistry } from '../../../lib/engine/registry';
import type { RuleFile } from '../../../lib/engine/rule-file';
import { checkRuleFile, formatProblem } from '../../../lib/engine/validate';

const registry = defaultRegistry();
const ladder = DEFAULT_RULE_FILES['member-ladder.json'] as RuleFile;
const rung = (name: string) => ladder.rules.find((rule) => rule.name === name)!;
const tierOf = async (currency: string, facts: Record<string, number>) => {
  const fired = await ruleSetsByCurrency([ladder], registry)(currency).fired({ orderCount: 1, monetaryPercentile: 0.5, ...facts });
  return fired.filter((rule) => rule.rule.event.type === 'tier').map((rule) => rule.rule.name);
};

describe('amounts per currency', () => {
  it('gives each shop the ladder in its own currency', async () => {
    expect(ruleForCurrency(rung('senior'), ladder, 'CNY', registry).amounts).toEqual({ how: 'table', amounts: [400] });
    expect(ruleForCurrency(rung('senior'), ladder, 'USD', registry).amounts).toEqual({ how: 'table', amounts: [60] });
    expect(ruleForCurrency(rung('premier-vip'), ladder, 'GBP', registry).amounts).toEqual({ how: 'table', amounts: [120] });
    expect(ruleForCurrency(rung('vip'), ladder, 'JPY', registry).amounts).toEqual({ how: 'table', amounts: [14000] });
    // 450 is a senior member in yuan, a premier VIP in dollars.
    expect(await tierOf('CNY', { monetary: 450 })).toEqual(['senior', 'member']);
    expect(await tierOf('USD', { monetary: 450 })).toEqual(['premier-vip', 'vip', 'senior', 'member']);
    expect(await tierOf('EUR', { monetary: 60 })).toEqual(['senior', 'member']);
  });

  it('climbs by the shop’s own spend in a currency the table does not name', async () => {
    expect(ruleForCurrency(rung('premier-vip'), ladder, 'PKR', registry).amounts).toEqual({ how: 'share', shares: [0.1] });
    // The top 10% by spend: monetaryPercentile of 0.9 or more, whatever the amount.
    expect(await tierOf('PKR', { monetary: 3, monetaryPercentile: 0.92 })).toEqual(['premier-vip', 'vip', 'senior', 'member']);
    expect(await tierOf('PKR', { monetary: 900_000, monetaryPercentile: 0.59 })).toEqual(['member']);
  });

  it('leaves out, for another currency, a rule whose plain amount is in the file’s currency', () => {
    const file: RuleFile = {
      id: 'big', title: { en: 'Big', 'zh-CN': '大' }, version: 1, enabled: true, currency: 'CNY',
      rules: [{ name: 'big', conditions: { all: [{ fact: 'monetary', operator: 'greaterThan', value: 5000 }] }, event: { type: 'badge', params: { label: { en: 'Big', 'zh-CN': '大' }, colour: '#000000' } } }],
    };
    expect(ruleForCurrency(file.rules[0]!, file, 'USD', registry)).toEqual({ rule: null, amounts: { how: 'none', why: 'other-currency', currency: 'CNY' }, couponLeftToStaff: false });
    expect(filesForCurrency([file], 'CNY', registry)[0]!.rules).toHaveLength(1);
    expect(filesForCurrency([file], 'USD', registry)[0]!.rules).toEqual([]);
    // Without a stated currency, plain amounts apply as written (a seller's own file for their own shop).
    const { currency: _, ...unstated } = file;
    expect(filesForCurrency([unstated], 'USD', registry)[0]!.rules).toHaveLength(1);
  });

  it('checks an amount per currency: a money fact, codes of three capitals, a comparison', () => {
    const file = (fact: string, operator: string, value: unknown) =>
      JSON.stringify({ id: 'x', title: { en: 'X', 'zh-CN': 'X' }, version: 1, enabled: true, rules: [{ name: 'a', conditions: { all: [{ fact, operator, value }] }, event: { type: 'badge', params: { label: { en: 'A', 'zh-CN': 'A' }, colour: '#000000' } } }] });
    const problems = (text: string) => checkRuleFile(text, 'x.json', registry).problems.map(formatProblem);
    expect(problems(file('monetary', 'greaterThan', { byCurrency: { CNY: 400, USD: 60 }, topShare: 0.4 }))).toEqual([]);
    expect(problems(file('monetary', 'greaterThan', { byCurrency: { yuan: 400 } }))).toEqual(['x.json: /rules/0/conditions/all/0/value/byCurrency/yuan: "yuan" is not a currency code; write three capital letters such as "CNY", "USD" or "EUR" (line 1)']);
    expect(problems(file('recencyDays', 'greaterThan', { byCurrency: { CNY: 30 } }))[0]).toMatch(/recencyDays is not an amount of money: give one value, not one per currency/);
    expect(problems(file('monetary', 'between', { byCurrency: { CNY: 30 } }))[0]).toMatch(/"between" cannot take an amount per currency/);
    expect(problems(file('monetary', 'greaterThan', { byCurrency: { CNY: 'lots' } }))[0]).toMatch(/\/value\/byCurrency\/CNY: expected a number/);
  });

  it('climbs by shares where the table’s amount takes in too many of the shop’s customers, and keeps the yuan as written', () => {
    // A wholesaler in dollars: 100 buyers spending 100 to 10,000. The ladder's 150 USD top rung
    // would take in 99% of them, far past twice its 10%: shares. 60 USD for senior: all of them.
    const wholesale = spendByCurrency(Array.from({ length: 100 }, (_, i) => ({ currency: 'USD', spend: 100 * (i + 1), bought: true })));
    expect([...unfitTables([ladder], 'USD', wholesale.get('USD')!)].sort()).toEqual(['member-ladder/premier-vip', 'member-ladder/senior', 'member-ladder/vip']);
    // A shop where 150 USD is reached by 15 of 100 buyers (under twice 10%): the table fits the top rung.
    const retail = spendByCurrency(Array.from({ length: 100 }, (_, i) => ({ currency: 'USD', spend: i < 85 ? 20 : 200, bought: true })));
    expect(unfitTables([ladder], 'USD', retail.get('USD')!).has('member-ladder/premier-vip')).toBe(false);
    // Buyers who never bought are not counted; the file's own currency is never replaced.
    expect(spendByCurrency([{ currency: 'USD', spend: 0, bought: false }]).get('USD')).toBeUndefined();
    const yuan = spendByCurrency(Array.from({ length: 100 }, () => ({ currency: 'CNY', spend: 5000, bought: true })));
    expect(unfitTables([ladder], 'CNY', yuan.get('CNY')!).size).toBe(0);
    // Under 50 buyers the table stands: three say nothing about a shop.
    const few = spendByCurrency([10, 20, 530].map((spend) => ({ currency: 'USD', spend, bought: true })));
    expect(unfitTables([ladder], 'USD', few.get('USD')!).size).toBe(0);
    const unfit = unfitTables([ladder], 'USD', wholesale.get('USD')!);
    expect(ruleForCurrency(rung('premier-vip'), ladder, 'USD', registry, true).amounts).toEqual({ how: 'share', shares: [0.1], tableDidNotFit: true });
    const names = filesForCurrency([ladder], 'USD', registry, unfit)[0]!.rules.map((rule) => JSON.stringify(rule.conditions));
    expect(names.filter((text) => text.includes('monetaryPercentile'))).toHaveLength(3);
  });

  it('joins the two threads’ shares of a shop’s spend as the whole shop’s, ascending', () => {
    // Spend in cents as a shop has it: repeats, refunds to zero, a refund larger than the order.
    const buyers = Array.from({ length: 5000 }, (_, i) => ({ currency: i % 7 === 0 ? 'CNY' : 'USD', spend: ((i * 7919) % 3001) / 100 - (i % 97 === 0 ? 5 : 0), bought: true }));
    const whole = spendByCurrency(buyers);
    for (const cut of [0, 1, 1234, 2500, 4999, 5000]) {
      const joined = joinedSpend(spendByCurrency(buyers.slice(0, cut)), spendByCurrency(buyers.slice(cut)));
      expect([...joined.keys()].sort(), `cut at ${cut}`).toEqual(['CNY', 'USD']);
      for (const [currency, list] of whole) expect([...joined.get(currency)!], `${currency}, cut at ${cut}`).toEqual([...list]);
    }
    // A currency only one thread read, and no other thread.
    const yen = spendByCurrency([{ currency: 'JPY', spend: 300, bought: true }]);
    expect([...joinedSpend(whole, yen).get('JPY')!]).toEqual([300]);
    expect(joinedSpend(whole)).toEqual(whole);
  });
});
