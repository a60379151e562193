import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../lib/engine/registry';
import { explain, referenceEngine } from '../../../lib/engine/reference';
import { loadedRules } from '../../../lib/engine/rule-file';
import { checkRuleFile, checkRuleFiles, formatProblem } from '../../../lib/engine/validate';

const registry = defaultRegistry();
const file = (rules: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'shop-rules', title: { en: 'Shop rules', 'zh-CN': '店铺规则' }, version: 1, enabled: true, rules, ...extra }, null, 2);
const followUp = (params: Record<string, unknown>) => ({
  name: 'call',
  conditions: { all: [{ fact: 'recencyDays', operator: 'greaterThan', value: 90 }] },
  event: { type: 'follow-up', params: { action: 'call', label: { en: 'Call', 'zh-CN': '回访' }, channel: 'phone', due: {}, message: { en: 'Hi', 'zh-CN': '您好' }, ...params } },
});
/** The 1-based line of the n-th line containing `needle`, found by reading the text, not by the parser under test. */
const lineWith = (text: string, needle: string, nth = 1) => text.split('\n').map((line, i) => [line, i + 1] as const).filter(([line]) => line.includes(needle))[nth - 1]![1];
const problems = (text: string) => checkRuleFile(text, 'shop.json', registry).problems.map(formatProblem);

describe('checking a rule file', () => {
  it('says where malformed JSON goes wrong and what to do', () => {
    expect(problems('{"id": \'x\'}')).toEqual(['shop.json: /id: malformed JSON at column 8: strings need double quotes, not single quotes (line 1)']);
    expect(problems('{\n  "id": "x"\n  "title": {}\n}')).toEqual([
      'shop.json: /: malformed JSON at column 3: expected "," or "}" after the value of "id" but found ‘"title": {}’ (a missing comma?) (line 3)',
    ]);
    expect(problems('{"rules": [{"name": "a\n')).toEqual(['shop.json: /rules/0/name: malformed JSON at column 23: a string runs past the end of its line (a missing closing quote?) (line 1)']);
    // A byte-order mark from a Windows editor is fine.
    expect(problems(`\uFEFF${file([])}`)).toEqual([]);
  });

  it('checks what follow-ups and coupons name against the facts', () => {
    const text = file([
      followUp({ due: { since: 'daysSinceDelivery', until: 'daysUntilRepurchaseDue' } }),
      { ...followUp({ due: { since: 'monetary' }, coupon: { percent: 20, of: 'recencyDays' }, message: { en: 'Your {coupon} and {lastOrderValu}', 'zh-CN': '{coupon}' } }), name: 'other' },
    ]);
    expect(problems(text)).toEqual([
      `shop.json: /rules/0/event/params/due: give "since" or "until", not both (line ${lineWith(text, '"due"')})`,
      `shop.json: /rules/1/event/params/due/since: monetary is not a number of days (line ${lineWith(text, '"since": "monetary"')})`,
      `shop.json: /rules/1/event/params/message/en: unknown placeholder {lastOrderValu}; did you mean "lastOrderValue"? (placeholders are fact names, {coupon} and {minimumSpend}) (line ${lineWith(text, '{lastOrderValu}')})`,
      `shop.json: /rules/1/event/params/coupon/of: recencyDays is not an amount of money (line ${lineWith(text, '"of": "recencyDays"')})`,
    ]);
  });

  it('checks fixed coupons and tier benefits: amounts, per-currency tables, and the placeholders they fill', () => {
    const tier = (benefits: unknown[]) => ({
      name: 'vip', conditions: { all: [{ fact: 'monetary', operator: 'greaterThan', value: 700 }] },
      event: { type: 'tier', params: { label: { en: 'VIP', 'zh-CN': 'VIP' }, colour: '#c0392b', rank: 3, benefits } },
    });
    const good = file([
      tier([{ label: { en: 'Coupon', 'zh-CN': '满减券' }, detail: { en: '{coupon} off from {minimumSpend}', 'zh-CN': '满{minimumSpend}减{coupon}' }, coupon: { off: { byCurrency: { CNY: 30, USD: 5 } }, minimumSpend: { byCurrency: { CNY: 200, USD: 30 } } } }]),
      { ...followUp({ coupon: { off: 10 }, message: { en: 'A gift of {coupon}', 'zh-CN': '赠送{coupon}元' } }), name: 'gift' },
    ]);
    expect(problems(good)).toEqual([]);
    const bad = file([
      tier([{ label: { en: 'Coupon', 'zh-CN': '满减券' }, detail: { en: 'from {minimumSpend}', 'zh-CN': '{coupon}' } }, { label: { en: 'Free', 'zh-CN': '免费' }, coupon: { off: '20' } }]),
      { ...followUp({ coupon: { off: 10 }, message: { en: 'From {minimumSpend}', 'zh-CN': '您好' } }), name: 'gift' },
    ]);
    expect(problems(bad)).toEqual([
      `shop.json: /rules/0/event/params/benefits/0/detail/en: {minimumSpend} is used but the coupon has no "minimumSpend" (line ${lineWith(bad, 'from {minimumSpend}')})`,
      `shop.json: /rules/0/event/params/benefits/0/detail/zh-CN: {coupon} is used but there is no "coupon" (line ${lineWith(bad, '"zh-CN": "{coupon}"')})`,
      `shop.json: /rules/0/event/params/benefits/1/coupon/off: an amount is a number above 0, or one per currency: {"byCurrency": {"CNY": 20, "USD": 3}}, but found "20" (line ${lineWith(bad, '"off": "20"')})`,
      `shop.json: /rules/1/event/params/message/en: {minimumSpend} is used but the coupon has no "minimumSpend" (line ${lineWith(bad, 'From {minimumSpend}')})`,
    ]);
  });

  it('checks values against the operator and the fact, and decorators that cannot apply', () => {
    const text = file([{
      name: 'mixed',
      conditions: { any: [
        { fact: 'rfmCode', operator: 'in', value: ['555', 545] },
        { fact: 'frequency', operator: 'contains', value: 1 },
        { fact: 'monetary', operator: 'someFact:greaterThan', value: 1 },
        { fact: 'rfmR', operator: 'not:equal', value: 5 },
        { fact: 'monetary', operator: 'greaterThan', value: { fact: 'rfmCode' } },
      ] },
      event: { type: 'badge', params: { label: { en: 'X', 'zh-CN': 'X' }, colour: '#123456' } },
    }]);
    expect(problems(text).map((p) => p.replace(/ \(line \d+\)$/, ''))).toEqual([
      'shop.json: /rules/0/conditions/any/0/value/1: rfmCode is text: write "545", in double quotes',
      'shop.json: /rules/0/conditions/any/1/operator: "contains" does not work on frequency, which is a number; use "equal" or "in"',
      'shop.json: /rules/0/conditions/any/2/operator: "someFact:" is not supported here: it works on lists, and facts are single values; use "not:" or "in"/"notIn"',
      'shop.json: /rules/0/conditions/any/4/value/fact: monetary is a number but rfmCode is text; compare facts of one type',
    ]);
  });

  it('names a file that reuses another file’s id', () => {
    const { problems: found, ruleFiles } = checkRuleFiles([{ file: 'a.json', text: file([]) }, { file: 'b.json', text: file([]) }], registry);
    expect(found.map(formatProblem)).toEqual(['b.json: /id: a.json has the same id "shop-rules"; give each file its own id']);
    expect(ruleFiles).toHaveLength(1);
  });
});

describe('explaining a customer', () => {
  it('gives each condition’s fact value and result, from json-rules-engine', async () => {
    const { ruleFile } = checkRuleFile(file([{
      name: 'gold',
      conditions: { all: [{ fact: 'monetary', operator: 'greaterThanInclusive', value: 1000 }, { fact: 'recencyDays', operator: 'lessThan', value: { fact: 'repurchaseCycleDays' } }] },
      event: { type: 'tier', params: { label: { en: 'Gold', 'zh-CN': '金牌' }, colour: '#d4ac0d', rank: 3 } },
    }]), 'shop.json', registry);
    const [result] = await explain(referenceEngine(loadedRules([ruleFile!]), registry), { monetary: 1200, recencyDays: 50, repurchaseCycleDays: 40 });
    expect(result).toMatchObject({ name: 'shop-rules/gold', result: false });
    const conditions = (result!.conditions as { all: Array<{ fact: string; factResult: unknown; valueResult: unknown; result: boolean }> }).all;
    expect(conditions.map(({ fact, factResult, valueResult, result: passed }) => ({ fact, factResult, valueResult, passed }))).toEqual([
      { fact: 'monetary', factResult: 1200, valueResult: 1000, passed: true },
      { fact: 'recencyDays', factResult: 50, valueResult: 40, passed: false },
    ]);
  });
});
