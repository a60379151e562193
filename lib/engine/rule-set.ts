import type { Engine } from 'json-rules-engine';
import type { Facts } from '../scoring/scorer';
import { compileRules, FactSlots, type CompiledRule, type SlotTest } from './compile';
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
  /** The rules' tests on their own, for the hot loop, over the facts they read, read once a customer into `values`. */
  private readonly tests: ReadonlyArray<SlotTest | null>;
  private readonly slots = new FactSlots();
  private readonly values: unknown[] = [];

  constructor(loaded: readonly LoadedRule[], registry: Registry) {
    this.rules = compileRules(loaded, registry.operators, this.slots);
    this.tests = this.rules.map((rule) => rule.test);
    const uncompiled = this.rules.filter((r) => !r.test);
    this.fallback = uncompiled.length > 0 ? referenceEngine(uncompiled, registry) : null;
  }

  /** True when every rule compiled, so `firedSync` may be used. */
  get compiled(): boolean {
    return this.fallback === null;
  }

  firedSync(facts: Facts): CompiledRule[] {
    const fired: CompiledRule[] = [];
    const { tests, values, rules } = this.read(facts);
    for (let i = 0; i < tests.length; i += 1) if (tests[i]!(values, facts)) fired.push(rules[i]!);
    return fired;
  }

  /** Calls `visit` with the place in `rules` of each rule that fires, in order, without a list: a preview runs it a million times. */
  eachFired(facts: Facts, visit: (i: number) => void): void {
    const { tests, values } = this.read(facts);
    for (let i = 0; i < tests.length; i += 1) if (tests[i]!(values, facts)) visit(i);
  }

  private read(facts: Facts): this {
    if (this.fallback) throw new Error('RuleSet: firedSync() and eachFired() need every rule compiled; use fired()');
    this.slots.read(facts, this.values);
    return this;
  }

  async fired(facts: Facts): Promise<CompiledRule[]> {
    if (!this.fallback) return this.firedSync(facts);
    const byEngine = await firedRefs(this.fallback, facts);
    // Read after the engine's await, and used before the next: another customer's may be read meanwhile.
    const { values } = this;
    this.slots.read(facts, values);
    return this.rules.filter((rule) => (rule.test ? rule.test(values, facts) : byEngine.has(rule.ref)));
  }

  /** What the rules say about one customer. */
  async outcome(facts: Facts, customerKey: string, asOfDay: number): Promise<Outcome> {
    return outcomeOf(await this.fired(facts), facts, customerKey, asOfDay);
  }
}
