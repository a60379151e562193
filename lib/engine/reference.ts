import { Engine, Fact, type RuleResult } from 'json-rules-engine';
import type { Facts } from '../scoring/scorer';
import type { Registry } from './registry';
import type { LoadedRule } from './rule-file';

/** Facts are flat, so a path is at most a few dots: no jsonpath-plus. */
function dotPath(value: object, path: string): unknown {
  let current: unknown = value;
  for (const key of path.replace(/^\$\.?/, '').split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * json-rules-engine set up as Tiermark reads rules: the reference semantics, the fallback for what
 * the fast evaluator does not compile, and the explanations of why a rule fired. Missing facts are
 * undefined rather than errors (validation has already named unknown ones); rule names are refs.
 */
export function referenceEngine(rules: readonly LoadedRule[], registry: Registry): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: dotPath, replaceFactsInEventParams: false });
  for (const op of registry.plugins) engine.addOperator(op.name, (a: unknown, b: unknown) => op.evaluate(a, b));
  for (const { ref, rule } of rules) engine.addRule({ ...structuredClone(rule), name: ref } as never);
  return engine;
}

/** A customer's facts as the engine takes them, with its fact cache off: it would hash every fact of every run. */
function engineFacts(facts: Facts): Record<string, Fact> {
  const out: Record<string, Fact> = {};
  for (const [id, value] of Object.entries(facts)) out[id] = new Fact(id, value, { cache: false });
  return out;
}

/** Every rule's result for one customer, fired or not, with each condition's fact and outcome. */
export async function explain(engine: Engine, facts: Facts): Promise<RuleResult[]> {
  const { results, failureResults } = await engine.run(engineFacts(facts));
  return [...results, ...failureResults];
}

/** The refs of the rules that fire for one customer. */
export async function firedRefs(engine: Engine, facts: Facts): Promise<Set<string>> {
  const { results } = await engine.run(engineFacts(facts));
  return new Set(results.map((r) => r.name));
}
