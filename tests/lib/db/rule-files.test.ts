import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { RULE_FILE_VERSIONS, ruleFileHistory, ruleFileTexts, saveRuleFile, shippedText } from '../../../lib/db/rule-files';
import { openTiermarkDB } from '../../../lib/db/schema';
import { defaultRegistry } from '../../../lib/engine/registry';

describe('saving rule files, with their earlier versions', () => {
  it('keeps the text each save replaced, newest first, starting from the shipped one', async () => {
    const db = await openTiermarkDB(`rule-files-test-${Math.random()}`);
    const shipped = shippedText('member-ladder.json')!;
    const at300 = shipped.replace('"CNY": 400', '"CNY": 300');
    const at350 = shipped.replace('"CNY": 400', '"CNY": 350');
    expect(await saveRuleFile(db, 'member-ladder.json', at300, defaultRegistry())).toEqual([]);
    expect(await saveRuleFile(db, 'member-ladder.json', at350, defaultRegistry())).toEqual([]);
    // Saving the same text again adds nothing.
    await saveRuleFile(db, 'member-ladder.json', at350, defaultRegistry());
    expect((await ruleFileHistory(db, 'member-ladder.json')).map((v) => v.text)).toEqual([at300, shipped]);
    expect((await ruleFileTexts(db)).find((f) => f.file === 'member-ladder.json')).toMatchObject({ text: at350, edited: true });
    // A refused file changes nothing.
    const problems = await saveRuleFile(db, 'member-ladder.json', at350.replace('"monetary"', '"totalSpend"'), defaultRegistry());
    expect(problems.length).toBeGreaterThan(0);
    expect((await ruleFileHistory(db, 'member-ladder.json'))).toHaveLength(2);
  });

  it('keeps at most the last versions', async () => {
    const db = await openTiermarkDB(`rule-files-test-${Math.random()}`);
    const shipped = shippedText('member-ladder.json')!;
    for (let value = 301; value <= 315; value += 1) await saveRuleFile(db, 'member-ladder.json', shipped.replace('"CNY": 400', `"CNY": ${value}`), defaultRegistry());
    const history = await ruleFileHistory(db, 'member-ladder.json');
    expect(history).toHaveLength(RULE_FILE_VERSIONS);
    expect(history[0]!.text).toContain('"CNY": 314');
  });
});
