import type { Engine } from 'json-rules-engine';
import type { Facts } from '../scoring/scorer';
import { compileRules, type CompiledRule, type Test } from './compile';
import { firedRefs, referenceEngine } from './reference';
import type { Registry } from './registry';
import { outcomeOf, type Outcome } from './outcome';
import type { LoadedRule } from './rule-file';

/**
 * The enabled rules, ready to evaluate customer after customer: compiled tests where possible,
 * json-rules-engine for the rest. Fired rules come in the engine's order (priority, then file order).
 */
export class RuleSet {
  readonly rules: readonly CompiledRule[];
  /** Only the rules that did not compile; null when all did. */
  private readonly fallback: Engine | null;
  /** The rules' tests on their own, for the hot loop. */
  private readonly tests: ReadonlyArray<Test | null>;

  constructor(loaded: readonly LoadedRule[], registry: Registry) {
    this.rules = compileRules(loaded, registry.operators);
    this.tests = this.rules.map((rule) => rule.test);
    const uncompiled = this.rules.filter((r) => !r.test);
    this.fallback = uncompiled.length > 0 ? referenceEngine(uncompiled, registry) : null;
  }

  /** True when every rule compiled, so `firedSync` may be used. */
  get compiled(): boolean {
    return this.fallback === null;
  }

  firedSync(facts: Facts): CompiledRule[] {
    if (this.fallback) throw new Error('RuleSet: firedSync() needs every rule compiled; use fired()');
    const fired: CompiledRule[] = [];
    const { tests, rules } = this;
    for (let i = 0; i < tests.length; i += 1) if (tests[i]!(facts)) fired.push(rules[i]!);
    return fired;
  }

  async fired(facts: Facts): Promise<CompiledRule[]> {
    if (!this.fallback) return this.firedSync(facts);
    const byEngine = await firedRefs(this.fallback, facts);
    return this.rules.filter((rule) => (rule.test ? rule.test(facts) : byEngine.has(rule.ref)));
  }

  /** What the rules say about one customer. */
  async outcome(facts: Facts, customerKey: string, asOfDay: number): Promise<Outcome> {
    return outcomeOf(await this.fired(facts), facts, customerKey, asOfDay);
  }
}
