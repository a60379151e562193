import type { Localised } from '../localised';
import type { Facts } from '../scoring/scorer';
import type { Registry } from './registry';
import { ruleSetsByCurrency, spendByCurrency, unfitTables } from './currency';
import { checkRuleFile, type RuleProblem } from './validate';

export interface PreviewCustomer {
  key: string;
  buyerId: string;
  facts: Facts;
  /** The currency the customer buys in: amounts given per currency apply in it. */
  currency: string;
}

/** What a rule file being edited would do to the shop's customers, as of their last scoring. */
export interface RulePreview {
  problems: RuleProblem[];
  /** Each rule, in file order, with how many customers it fires for. */
  rules: Array<{ ref: string; label: Localised | null; matches: number }>;
  /** Customers any rule of the file fires for, and the first few of them by buyer id. */
  matches: number;
  sample: string[];
}

const SAMPLE = 5;

/**
 * Checks the text as a rule file and, when it has no problems, runs it over every customer's
 * facts with the compiled evaluator (json-rules-engine for what does not compile). The file is
 * previewed as if enabled, so a seller can shape a file before switching it on.
 */
export async function previewRuleFile(text: string, file: string, registry: Registry, customers: readonly PreviewCustomer[]): Promise<RulePreview> {
  const { ruleFile, problems } = checkRuleFile(text, file, registry);
  if (!ruleFile || problems.length > 0) return { problems, rules: [], matches: 0, sample: [] };
  const spend = spendByCurrency(customers.map((c) => ({ currency: c.currency, spend: typeof c.facts.monetary === 'number' ? c.facts.monetary : 0, bought: Number(c.facts.orderCount) > 0 })));
  const setFor = ruleSetsByCurrency([{ ...ruleFile, enabled: true }], registry, (currency) => unfitTables([ruleFile], currency, spend.get(currency) ?? new Float64Array()));
  const counts = new Map(ruleFile.rules.map((rule) => [`${ruleFile.id}/${rule.name}`, 0]));
  const matched: string[] = [];
  for (const customer of customers) {
    const set = setFor(customer.currency);
    const fired = set.compiled ? set.firedSync(customer.facts) : await set.fired(customer.facts);
    for (const rule of fired) counts.set(rule.ref, counts.get(rule.ref)! + 1);
    if (fired.length > 0) matched.push(customer.buyerId);
  }
  return {
    problems,
    rules: ruleFile.rules.map((rule) => {
      const ref = `${ruleFile.id}/${rule.name}`;
      return { ref, label: (rule.event.params as { label?: Localised } | undefined)?.label ?? null, matches: counts.get(ref) ?? 0 };
    }),
    matches: matched.length,
    sample: matched.sort().slice(0, SAMPLE),
  };
}
