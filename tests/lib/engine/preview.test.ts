import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { previewRuleFile } from '../../../lib/engine/preview';
import { defaultRegistry } from '../../../lib/engine/registry';

// 1,000 customers spending 0, 10, …, 9,990.
const customers = Array.from({ length: 1000 }, (_, i) => ({ key: `taobao:b${i}`, buyerId: `b${String(i).padStart(4, '0')}`, facts: { monetary: i * 10, orderCount: i % 3 }, currency: 'CNY' }));
const ladder = JSON.stringify(DEFAULT_RULE_FILES['member-ladder.json'], null, 2);

describe('previewing a rule file as it is edited', () => {
  it('counts the customers each rule fires for, and the file as a whole, with a sample', async () => {
    const preview = await previewRuleFile(ladder, 'member-ladder.json', defaultRegistry(), customers);
    expect(preview.problems).toEqual([]);
    // Every rung needs a purchase (orderCount ≥ 1: two customers in three). ≥ 1000 is i ≥ 100: 900
    // customers, of whom the 300 with i a multiple of 3 (102 … 999) bought nothing: 600. ≥ 700 is
    // i ≥ 70: 930 less 310 (72 … 999): 620. ≥ 400 is i ≥ 40: 960 less 320 (42 … 999): 640. A purchase: 666.
    expect(preview.rules.map((r) => [r.ref, r.matches])).toEqual([
      ['member-ladder/premier-vip', 600], ['member-ladder/vip', 620], ['member-ladder/senior', 640], ['member-ladder/member', 666],
    ]);
    // Any of them: every customer with a purchase.
    expect(preview.matches).toBe(666);
    expect(preview.sample).toEqual(['b0001', 'b0002', 'b0004', 'b0005', 'b0007']);
  });

  it('follows an edit: a lower threshold takes in more customers', async () => {
    const edited = ladder.replace('"CNY": 400', '"CNY": 300');
    expect(edited).not.toBe(ladder);
    const preview = await previewRuleFile(edited, 'member-ladder.json', defaultRegistry(), customers);
    // i ≥ 30: 970 customers, less the 324 multiples of 3 among them (30 … 999) who bought nothing.
    expect(preview.rules.find((r) => r.ref === 'member-ladder/senior')!.matches).toBe(646);
  });

  it('gives the problems instead of counts while the file is broken, with their lines', async () => {
    const broken = ladder.replace('"fact": "monetary"', '"fact": "totalSpend"');
    const preview = await previewRuleFile(broken, 'member-ladder.json', defaultRegistry(), customers);
    expect(preview.rules).toEqual([]);
    expect(preview.problems[0]).toMatchObject({ pointer: '/rules/0/conditions/all/1/fact', message: { en: expect.stringContaining('did you mean "monetary"'), 'zh-CN': expect.stringContaining('是否应为 "monetary"') } });
    expect(preview.problems[0]!.line).toBe(broken.split('\n').findIndex((line) => line.includes('totalSpend')) + 1);
  });
});
