import { describe, expect, it } from 'vitest';
import { firedRefs, referenceEngine } from '../../../lib/engine/reference';
import { defaultRegistry } from '../../../lib/engine/registry';
import type { Condition, LoadedRule } from '../../../lib/engine/rule-file';
import { RuleSet } from '../../../lib/engine/rule-set';
import type { Facts } from '../../../lib/scoring/scorer';

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}

const NUMBER_FACTS = ['recencyDays', 'monetary', 'rfmR', 'pAlive', 'churnRisk'];
const STRING_FACTS = ['rfmCode', 'repurchaseCycleSource'];
const BOOLEAN_FACTS = ['flagged'];
const FACTS = [...NUMBER_FACTS, ...STRING_FACTS, ...BOOLEAN_FACTS, 'tags', 'neverSet'];
/** Staff tags as the `tags` fact holds them, joined by ", ". */
const TAG_LISTS = ['价格敏感', '价格敏感, 老客户', 'VIP, 价格敏感', '', '老客户', '价格敏感老客户'];
const TAGS = ['价格敏感', ' 价格敏感 ', '老客户', 'VIP', '', '价格'];
const NUMBERS = [0, 1, 3, 5, 30, 90, 0.5, 400, 1000, -2];
const STRINGS = ['555', '111', '545', 'own', 'population', '', '5', '90'];
const OPERATORS = [
  'equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive',
  'between', 'not:equal', 'not:greaterThan', 'not:in', 'not:between', 'hasTag', 'not:hasTag',
];

function generator(seed: number) {
  const r = random(seed);
  const scalar = () => (r.next() < 0.6 ? r.pick(NUMBERS) : r.next() < 0.8 ? r.pick(STRINGS) : r.pick([true, false, null]));
  function value(operator: string): unknown {
    if (/(^|:)(in|notIn)$/.test(operator)) return Array.from({ length: r.int(4) }, scalar);
    if (/hasTag$/.test(operator)) return r.next() < 0.9 ? r.pick(TAGS) : scalar();
    if (/between$/.test(operator)) return r.next() < 0.9 ? [r.pick(NUMBERS), r.pick(NUMBERS)].sort((a, b) => a - b) : [r.pick(STRINGS), r.pick(NUMBERS)];
    if (r.next() < 0.15) return { fact: r.pick(FACTS) };
    return scalar();
  }
  function leaf(): Condition {
    const operator = r.pick(OPERATORS);
    const condition: Condition = { fact: r.pick(FACTS), operator, value: value(operator) };
    if (r.next() < 0.2) condition.priority = 1 + r.int(3);
    // A path makes the condition one the fast path leaves to the engine.
    if (r.next() < 0.03) condition.path = '$.x';
    return condition;
  }
  function node(depth: number): Condition {
    if (depth >= 3 || r.next() < 0.35) return leaf();
    const kind = r.pick(['all', 'any', 'not'] as const);
    if (kind === 'not') return { not: node(depth + 1) };
    const children = Array.from({ length: r.int(5) }, () => node(depth + 1));
    return kind === 'all' ? { all: children, ...(r.next() < 0.2 ? { priority: 2 } : {}) } : { any: children };
  }
  function rule(i: number): LoadedRule {
    const kind = r.pick(['all', 'any', 'not'] as const);
    const conditions = kind === 'not' ? { not: node(1) } : kind === 'all' ? { all: Array.from({ length: r.int(4) }, () => node(1)) } : { any: Array.from({ length: 1 + r.int(4) }, () => node(1)) };
    const priority = r.next() < 0.5 ? 1 + r.int(4) : undefined;
    const name = `r${i}`;
    return { ref: `gen/${name}`, fileId: 'gen', rule: { name, priority, conditions, event: { type: 'badge', params: { label: { en: name, 'zh-CN': name }, colour: '#888888' } } } };
  }
  function customer(): Facts {
    const facts: Facts = {};
    for (const name of NUMBER_FACTS) if (r.next() < 0.9) facts[name] = r.next() < 0.15 ? null : r.next() < 0.7 ? r.pick(NUMBERS) : r.pick(['90', '5', 'x']);
    for (const name of STRING_FACTS) if (r.next() < 0.9) facts[name] = r.next() < 0.15 ? null : r.pick(STRINGS);
    for (const name of BOOLEAN_FACTS) if (r.next() < 0.9) facts[name] = r.pick([true, false, null]);
    if (r.next() < 0.9) facts.tags = r.next() < 0.1 ? r.pick(NUMBERS) : r.pick(TAG_LISTS);
    return facts;
  }
  return { rule, customer };
}

describe('the fast evaluator against json-rules-engine', () => {
  it('fires exactly the rules the engine fires, over 2,000 generated rules × 150 customers, and the rules that compiled alone on the fast path', async () => {
    const registry = defaultRegistry();
    let compared = 0;
    let leftToEngine = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const gen = generator(seed);
      const rules = Array.from({ length: 50 }, (_, i) => gen.rule(i));
      const set = new RuleSet(rules, registry);
      leftToEngine += set.rules.filter((rule) => !rule.test).length;
      const engine = referenceEngine(rules, registry);
      // The rules that compiled, on their own: a set the fast path runs whole, its facts read once a customer for every rule.
      const compiledOnly = set.rules.filter((rule) => rule.test);
      const fast = new RuleSet(compiledOnly, registry);
      expect(fast.compiled).toBe(true);
      const fastEngine = referenceEngine(compiledOnly, registry);
      for (let c = 0; c < 150; c += 1) {
        const facts = gen.customer();
        const expected = [...(await firedRefs(engine, facts))].sort();
        const actual = (await set.fired(facts)).map((rule) => rule.ref).sort();
        if (actual.join() !== expected.join()) {
          expect({ seed, customer: c, facts, actual }).toEqual({ seed, customer: c, facts, actual: expected });
        }
        const expectedFast = [...(await firedRefs(fastEngine, facts))].sort();
        const actualFast = fast.firedSync(facts).map((rule) => rule.ref).sort();
        if (actualFast.join() !== expectedFast.join()) {
          expect({ seed, customer: c, facts, actual: actualFast }).toEqual({ seed, customer: c, facts, actual: expectedFast });
        }
        compared += rules.length + compiledOnly.length;
      }
    }
    expect(compared).toBeGreaterThan(500_000);
    // Some rules went through the fallback, most through the fast path.
    expect(leftToEngine).toBeGreaterThan(20);
    expect(leftToEngine).toBeLessThan(400);
  }, 120_000);

  it('lists fired rules by priority, then in file order', () => {
    const gen = generator(7);
    const rules: LoadedRule[] = [1, 3, 2, 3].map((priority, i) => {
      const r = gen.rule(i);
      return { ...r, rule: { ...r.rule, priority, conditions: { all: [] } } };
    });
    const set = new RuleSet(rules, defaultRegistry());
    expect(set.firedSync({}).map((r) => r.ref)).toEqual(['gen/r1', 'gen/r3', 'gen/r2', 'gen/r0']);
  });
});
