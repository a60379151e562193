import type { Localised } from '../localised';
import type { Facts } from '../scoring/scorer';
import { compileCondition } from './compile';
import { ruleSetsByCurrency, unfitTables } from './currency';
import type { Condition, RuleFile } from './rule-file';
import type { Registry } from './registry';
import type { RuleSet } from './rule-set';
import { checkRuleFile, type RuleProblem } from './validate';

/** What a rule file being edited would do to the shop's customers, as of their last scoring. */
export interface RulePreview {
  problems: RuleProblem[];
  /** Each rule, in file order, with how many customers it fires for. */
  rules: Array<{ ref: string; label: Localised | null; matches: number }>;
  /** Customers any rule of the file fires for, and the buyer ids of the first few in the rows' order (biggest spenders first). */
  matches: number;
  sample: string[];
}

const SAMPLE = 5;

/** Customers' facts as the last rescore scored them, row by row: what a rule file is previewed over. */
export interface FactRows {
  size: number;
  /** Where a row stands in the order a sample is taken (biggest spenders first): lower first, ties in row order. */
  sampleKey(row: number): number;
  currency(row: number): string;
  /** Sets `facts` to the row's values of the facts it was read for; a fact the customer lacks is set to undefined. */
  fill(row: number, facts: Facts): void;
  buyerIds(rows: readonly number[]): Promise<string[]>;
  /** What the buyers of each currency spent (their `monetary` where `orderCount` > 0), ascending: for rules whose amounts are shares of it. */
  spend(): Promise<Map<string, Float64Array>>;
}

/** The facts a condition reads, on either side; false when it reads what only the engine resolves (a condition reference). */
function readFacts(condition: Condition, into: Set<string>): boolean {
  if ('all' in condition || 'any' in condition) {
    const list = 'all' in condition ? condition.all : condition.any;
    return Array.isArray(list) && list.every((child) => readFacts(child, into));
  }
  if ('not' in condition) return readFacts(condition.not, into);
  if (!('fact' in condition)) return false;
  into.add(condition.fact);
  const { value } = condition;
  if (value && typeof value === 'object' && 'fact' in value && typeof value.fact === 'string') into.add(value.fact);
  return true;
}

/** The facts a preview reads: those its rules name, and spend and orders for shares of spend (every fact when a rule needs the engine). */
function factsToRead(ruleFile: RuleFile, registry: Registry): string[] {
  const facts = new Set(['monetary', 'orderCount']);
  for (const rule of ruleFile.rules) {
    if (!readFacts(rule.conditions, facts) || !compileCondition(rule.conditions, registry.operators)) return [...registry.facts.keys()];
  }
  return [...facts];
}

/** Reads what a preview of the text reads (its facts' rows, the spend lists) without running it: a preview asked for next finds them read. */
export async function readForPreview(text: string, file: string, registry: Registry, rowsOf: (facts: string[]) => Promise<FactRows>): Promise<void> {
  const { ruleFile, problems } = checkRuleFile(text, file, registry);
  if (!ruleFile || problems.length > 0) return;
  await (await rowsOf(factsToRead(ruleFile, registry))).spend();
}

/**
 * Checks the text as a rule file and, when it has no problems, runs it over every customer's
 * facts with the compiled evaluator (json-rules-engine for what does not compile). The file is
 * previewed as if enabled, so a seller can shape a file before switching it on. Only the facts the
 * rules read are asked of `rowsOf`: a million customers are previewed from a few columns.
 */
export async function previewRuleFile(text: string, file: string, registry: Registry, rowsOf: (facts: string[]) => Promise<FactRows>): Promise<RulePreview> {
  const { ruleFile, problems } = checkRuleFile(text, file, registry);
  if (!ruleFile || problems.length > 0) return { problems, rules: [], matches: 0, sample: [] };
  const rows = await rowsOf(factsToRead(ruleFile, registry));
  const facts: Facts = {};
  const spend = await rows.spend();
  const setFor = ruleSetsByCurrency([{ ...ruleFile, enabled: true }], registry, (currency) => unfitTables([ruleFile], currency, spend.get(currency) ?? new Float64Array()));
  const refs = ruleFile.rules.map((rule) => `${ruleFile.id}/${rule.name}`);
  // Counts by the rule's place in the file; each currency's set, in its own order, mapped to those places once.
  const counts = new Float64Array(refs.length);
  const placesOf = new Map<RuleSet, Int32Array>();
  let matches = 0;
  // The first few matched in the sample's order, kept as the rows come (in row order, which reads
  // the columns straight through and needs no order of a million rows read first).
  const sample: Array<{ row: number; key: number }> = [];
  let currency: string | null = null;
  let set: RuleSet | null = null;
  let places: Int32Array = new Int32Array(0);
  for (let row = 0; row < rows.size; row += 1) {
    rows.fill(row, facts);
    const current = rows.currency(row);
    if (current !== currency || !set) {
      currency = current;
      set = setFor(current);
      const known = placesOf.get(set);
      places = known ?? Int32Array.from(set.rules, (rule) => refs.indexOf(rule.ref));
      if (!known) placesOf.set(set, places);
    }
    let fired = 0;
    if (set!.compiled) {
      // Without a list per customer: this loop runs a million times.
      set!.eachFired(facts, (i) => {
        counts[places[i]!]! += 1;
        fired += 1;
      });
    } else {
      for (const rule of await set!.fired({ ...facts })) {
        counts[refs.indexOf(rule.ref)]! += 1;
        fired += 1;
      }
    }
    if (fired === 0) continue;
    matches += 1;
    const key = rows.sampleKey(row);
    if (sample.length === SAMPLE && key >= sample[SAMPLE - 1]!.key) continue;
    let at = sample.length;
    while (at > 0 && sample[at - 1]!.key > key) at -= 1;
    sample.splice(at, 0, { row, key });
    if (sample.length > SAMPLE) sample.pop();
  }
  return {
    problems,
    rules: ruleFile.rules.map((rule, i) => ({ ref: refs[i]!, label: (rule.event.params as { label?: Localised } | undefined)?.label ?? null, matches: counts[i]! })),
    matches,
    sample: await rows.buyerIds(sample.map(({ row }) => row)),
  };
}
