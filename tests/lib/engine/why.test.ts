import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { defaultRegistry } from '../../../lib/engine/registry';
import { explainCustomer } from '../../../lib/engine/why';

describe('why a rule fired for a customer', () => {
  const files = Object.values(DEFAULT_RULE_FILES);

  it('gives every default rule its verdict, with the values json-rules-engine compared', async () => {
    // A customer with 450 spent: past 高级会员's 400, short of VIP会员's 700.
    const facts = { monetary: 450, orderCount: 3, frequency: 3, recencyDays: 20, repurchaseCycleDays: 40, rfmR: 5, rfmF: 4, rfmM: 3, rfmCode: '543', monetaryPercentile: 0.5 };
    const why = await explainCustomer(files, defaultRegistry(), facts, 'CNY');
    expect(why.map((rule) => rule.ref)).toEqual(files.flatMap((file) => file.rules.map((rule) => `${file.id}/${rule.name}`)));
    const rule = (ref: string) => why.find((r) => r.ref === ref)!;
    expect(rule('member-ladder/senior')).toMatchObject({ fired: true, eventType: 'tier', label: { 'zh-CN': '高级会员' }, file: { 'zh-CN': '会员等级' } });
    expect(rule('member-ladder/vip')).toMatchObject({
      fired: false,
      lines: [
        { kind: 'group', depth: 0, group: 'all' },
        { kind: 'test', depth: 1, fact: 'orderCount', operator: 'greaterThanInclusive', expected: 1, actual: 3, passed: true },
        { kind: 'test', depth: 1, fact: 'monetary', operator: 'greaterThanInclusive', expected: 700, actual: 450, passed: false },
      ],
    });
  });

  it('compares a fact with another fact, and gives each test of an `any` its own verdict', async () => {
    const why = await explainCustomer(
      [{ id: 'shop', title: { en: 'Shop', 'zh-CN': '店铺' }, version: 1, enabled: true, rules: [{
        name: 'overdue-regular',
        conditions: { any: [
          { fact: 'recencyDays', operator: 'greaterThan', value: { fact: 'repurchaseCycleDays' } },
          { fact: 'orderCount', operator: 'greaterThanInclusive', value: 10 },
        ] },
        event: { type: 'badge', params: { label: { en: 'Overdue', 'zh-CN': '逾期' }, colour: '#e67e22' } },
      } as never] }],
      defaultRegistry(),
      { recencyDays: 50, repurchaseCycleDays: 40, orderCount: 2 },
      'CNY',
    );
    expect(why).toHaveLength(1);
    expect(why[0]!.fired).toBe(true);
    const [, first, second] = why[0]!.lines;
    expect(first).toMatchObject({ fact: 'recencyDays', expected: 40, actual: 50, passed: true });
    expect(second).toMatchObject({ fact: 'orderCount', expected: 10, actual: 2, passed: false });
  });
});
