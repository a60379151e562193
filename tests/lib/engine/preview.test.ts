import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_FILES } from '../../../lib/engine/default-rules';
import { previewRuleFile } from '../../../lib/engine/preview';
import { defaultRegistry } from '../../../lib/engine/registry';

// 1,000 customers spending 0, 10, …, 9,990.
const customers = Array.from({ length: 1000 }, (_, i) => ({ key: `taobao:b${i}`, buyerId: `b${String(i).padStart(4, '0')}`, facts: { monetary: i * 10, orderCount: i % 3 } }));
const ladder = JSON.stringify(DEFAULT_RULE_FILES['member-ladder.json'], null, 2);

describe('previewing a rule file as it is edited', () => {
  it('counts the customers each rule fires for, and the file as a whole, with a sample', async () => {
    const preview = await previewRuleFile(ladder, 'member-ladder.json', defaultRegistry(), customers);
    expect(preview.problems).toEqual([]);
    // ≥ 1000: 900 customers; ≥ 700: 930; ≥ 400: 960; a purchase (orderCount ≥ 1): 666.
    expect(preview.rules.map((r) => [r.ref, r.matches])).toEqual([
      ['member-ladder/premier-vip', 900], ['member-ladder/vip', 930], ['member-ladder/senior', 960], ['member-ladder/member', 666],
    ]);
    // Any of them: the 960 over 400, and the 26 below 40 with a purchase.
    expect(preview.matches).toBe(986);
    expect(preview.sample).toEqual(['b0001', 'b0002', 'b0004', 'b0005', 'b0007']);
  });

  it('follows an edit: a lower threshold takes in more customers', async () => {
    const edited = ladder.replace('"value": 400', '"value": 300');
    expect(edited).not.toBe(ladder);
    const preview = await previewRuleFile(edited, 'member-ladder.json', defaultRegistry(), customers);
    expect(preview.rules.find((r) => r.ref === 'member-ladder/senior')!.matches).toBe(970);
  });

  it('gives the problems instead of counts while the file is broken, with their lines', async () => {
    const broken = ladder.replace('"fact": "monetary"', '"fact": "totalSpend"');
    const preview = await previewRuleFile(broken, 'member-ladder.json', defaultRegistry(), customers);
    expect(preview.rules).toEqual([]);
    expect(preview.problems[0]).toMatchObject({ pointer: '/rules/0/conditions/all/0/fact', message: expect.stringContaining('did you mean "monetary"') });
    expect(preview.problems[0]!.line).toBe(broken.split('\n').findIndex((line) => line.includes('totalSpend')) + 1);
  });
});
