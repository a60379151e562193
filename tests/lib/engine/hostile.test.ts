import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../lib/engine/registry';
import { parseJsonWithLines } from '../../../lib/engine/json-text';
import { checkRuleFile, formatProblem } from '../../../lib/engine/validate';

const registry = defaultRegistry();
const ladder = (conditions: unknown, extra = '') =>
  `{"id": "x", "title": {"en": "X", "zh-CN": "X"}, "version": 1, "enabled": true${extra}, "rules": [{"name": "a", "conditions": ${typeof conditions === 'string' ? conditions : JSON.stringify(conditions)}, "event": {"type": "tier", "params": {"label": {"en": "A", "zh-CN": "A"}, "colour": "#000000", "rank": 1}}}]}`;
// Bounded time is the suite's own per-test timeout: a recursion or a quadratic "did you mean" would blow it.
const check = (text: string) => ({ problems: checkRuleFile(text, 'hostile.json', registry).problems.map(formatProblem) });

describe('a rule file written to break the checker', () => {
  it('names a fact called constructor or __proto__ as unknown, like any other', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const { problems } = check(ladder({ all: [{ fact: name, operator: 'equal', value: 1 }] }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^hostile\\.json: /rules/0/conditions/all/0/fact: unknown fact "${name}"; `));
    }
  });

  it('reads "__proto__" as JSON.parse does, so a rule cannot hide in it', () => {
    const text = '{"a": 1, "__proto__": {"hidden": true}}';
    const { value } = parseJsonWithLines(text);
    expect(value).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { hidden?: boolean }).hidden).toBeUndefined();
    const hidden = ladder({ all: [{ fact: 'monetary', operator: 'greaterThan', value: 1 }] }, ', "__proto__": {"rules": []}');
    expect(check(hidden).problems).toEqual([expect.stringMatching(/^hostile\.json: \/__proto__: unknown property "__proto__"/)]);
  });

  it('refuses a key given twice, naming both lines', () => {
    const text = '{\n  "id": "x",\n  "version": 1,\n  "id": "y"\n}';
    expect(check(text).problems).toEqual(['hostile.json: /: malformed JSON at column 8: "id" is given twice in this object (lines 2 and 4); JSON keeps only the last, so remove one (line 4)']);
  });

  it('refuses a number too large to compare with', () => {
    const { problems } = check(ladder({ all: [{ fact: 'monetary', operator: 'greaterThan', value: 1 }] }).replace('"value":1', '"value":1e999'));
    expect(problems).toEqual([expect.stringMatching(/^hostile\.json: \/rules\/0\/conditions\/all\/0\/value: malformed JSON at column \d+: the number 1e999 is too large to compare with/)]);
  });

  it('stops at 100 levels of nesting with one message, however deep the file goes', () => {
    const deep = `${'{"not": '.repeat(5000)}{"fact": "monetary", "operator": "equal", "value": 1}${'}'.repeat(5000)}`;
    const { problems } = check(ladder(deep));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/: malformed JSON at column \d+: nested more than 100 levels deep; a rule file needs a few \(line 1\)$/);
  });

  it('checks a list of 200,000 values, and lists a hundred problems and a count of the rest', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => i);
    expect(check(ladder({ all: [{ fact: 'monetary', operator: 'in', value: values }] })).problems).toEqual([]);
    const words = values.map(String);
    const { problems } = check(ladder({ all: [{ fact: 'monetary', operator: 'in', value: words }] }));
    expect(problems).toHaveLength(101);
    expect(problems[0]).toBe('hostile.json: /rules/0/conditions/all/0/value/0: monetary is a number: write 0, without quotes (line 1)');
    expect(problems[100]).toBe('hostile.json: /: and 199,900 more problems; fix these first');
  });

  it('answers a 10 MB fact name at once, quoting only its start', () => {
    const name = 'x'.repeat(10_000_000);
    const { problems } = check(ladder({ all: [{ fact: name, operator: 'equal', value: 1 }] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.length).toBeLessThan(1000);
    expect(problems[0]).toContain(`unknown fact "${'x'.repeat(40)}…"; the facts are: `);
  });
});
