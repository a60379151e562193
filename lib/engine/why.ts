import type { RuleResult } from 'json-rules-engine';
import type { Localised } from '../localised';
import type { Facts } from '../scoring/scorer';
import { explain, referenceEngine } from './reference';
import type { Registry } from './registry';
import { loadedRules, type RuleFile } from './rule-file';
import { filesForCurrency } from './currency';

/** One line of a rule's conditions: a group (all / any / not) or a test of a fact, with what the engine found. */
export type WhyLine =
  | { kind: 'group'; depth: number; group: 'all' | 'any' | 'not' }
  | { kind: 'test'; depth: number; fact: string; operator: string; expected: unknown; actual: unknown; passed: boolean | null };

/** Why a rule did or did not fire for one customer. */
export interface RuleWhy {
  ref: string;
  file: Localised;
  eventType: string;
  label: Localised | null;
  fired: boolean;
  lines: WhyLine[];
}

interface ConditionResult {
  all?: ConditionResult[];
  any?: ConditionResult[];
  not?: ConditionResult;
  fact?: string;
  operator?: string;
  value?: unknown;
  factResult?: unknown;
  valueResult?: unknown;
  result?: boolean;
}

/** The condition tree as lines, depth first; a test the engine never reached (short-circuited) has `passed: null`. */
function lines(condition: ConditionResult, depth: number, out: WhyLine[]): void {
  for (const group of ['all', 'any', 'not'] as const) {
    const children = condition[group];
    if (children === undefined) continue;
    out.push({ kind: 'group', depth, group });
    for (const child of Array.isArray(children) ? children : [children]) lines(child, depth + 1, out);
    return;
  }
  if (condition.fact === undefined) return;
  const reached = typeof condition.result === 'boolean';
  out.push({
    kind: 'test',
    depth,
    fact: condition.fact,
    operator: condition.operator ?? '',
    expected: condition.valueResult !== undefined ? condition.valueResult : condition.value,
    actual: reached ? condition.factResult : undefined,
    passed: reached ? condition.result! : null,
  });
}

/**
 * Every enabled rule's verdict for one customer's facts, in file order, from json-rules-engine's own
 * results: which conditions passed, which failed, and the values it compared.
 */
export async function explainCustomer(ruleFiles: readonly RuleFile[], registry: Registry, facts: Facts, currency: string, unfit?: ReadonlySet<string>): Promise<RuleWhy[]> {
  // As the rules applied in the customer's currency: amounts per currency resolved (shares where the
  // last rescore found a table did not fit), rules without one left out.
  const rules = loadedRules(filesForCurrency(ruleFiles, currency, registry, unfit));
  const results = new Map((await explain(referenceEngine(rules, registry), facts)).map((result: RuleResult) => [result.name as string, result]));
  const titles = new Map(ruleFiles.map((file) => [file.id, file.title]));
  return rules.map(({ ref, fileId, rule }) => {
    const result = results.get(ref);
    const out: WhyLine[] = [];
    if (result) lines(result.conditions as unknown as ConditionResult, 0, out);
    const label = (rule.event.params as { label?: Localised } | undefined)?.label ?? null;
    return { ref, file: titles.get(fileId)!, eventType: rule.event.type, label, fired: result?.result === true, lines: out };
  });
}
