import { Rule as EngineRule } from 'json-rules-engine';
import schemaJson from '../../rules/rules.schema.json';
import { append, closest, didYouMean, describeValue, validateSchema, type Schema } from './json-schema';
import { escapePointer, JsonSyntaxError, parseJsonWithLines } from './json-text';
import { clip } from '../text';
import { DECORATORS, parseOperatorName, type FactType } from './operators';
import type { Registry } from './registry';
import type { RuleFile } from './rule-file';
import { isMoneyTable } from './currency';

export const RULES_SCHEMA = schemaJson as unknown as Schema;

export interface RuleProblem {
  file: string;
  /** JSON pointer; "" is the whole file. */
  pointer: string;
  message: string;
  line?: number;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}: ${p.pointer || '/'}: ${p.message}${p.line ? ` (line ${p.line})` : ''}`;
}

type Json = Record<string, unknown>;

/** Problems listed per file: past these, one line says how many more (a list of 200,000 wrong values gives one screen). */
const MAX_PROBLEMS = 100;

/** What sellers call a fact in their own words, for "did you mean". */
const FACT_SYNONYMS: ReadonlyMap<string, string> = new Map(Object.entries({
  spend: 'monetary', totalspend: 'monetary', amount: 'monetary', total: 'monetary', sales: 'monetary', gmv: 'monetary', revenue: 'monetary', '消费金额': 'monetary', '累计消费': 'monetary',
  orders: 'orderCount', '订单数': 'orderCount', aov: 'avgOrderValue', '客单价': 'avgOrderValue', recency: 'recencyDays', '回购周期': 'repurchaseCycleDays',
  clv: 'predictedClv365', ltv: 'predictedClv365', churn: 'churnRisk', '流失风险': 'churnRisk',
}));
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
function typeOfFact(v: unknown): FactType | 'null' | 'other' {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return typeof v as FactType;
  return 'other';
}
const example = (type: FactType) => (type === 'number' ? '5' : type === 'string' ? '"555"' : 'true');
const typeWords = (type: FactType) => (type === 'string' ? 'text' : `a ${type}`);

/** How to write `value` for a fact of `type`: the fix for the commonest slip, quotes. */
function writeAs(type: FactType, value: unknown): string {
  if (type === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return `write ${value}, without quotes`;
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return `write "${value}", in double quotes`;
  return `write a value such as ${example(type)}, not ${describeValue(value)}`;
}

/** Checks what the schema cannot: facts, operators, values against the facts' types, names. */
class RegistryCheck {
  readonly problems: { pointer: string; message: string }[] = [];

  constructor(private readonly registry: Registry) {}

  private add(pointer: string, message: string) {
    this.problems.push({ pointer, message });
  }

  /** The fact's type, or null (reported) when the fact is unknown. */
  fact(name: unknown, pointer: string): FactType | null {
    if (typeof name !== 'string') return null;
    const spec = this.registry.facts.get(name);
    if (spec) return spec.type;
    const match = FACT_SYNONYMS.get(name.toLowerCase()) ?? closest(name, this.registry.facts.keys());
    const hint = match ? `; did you mean "${match}" (${this.registry.facts.get(match)!.description.en})?` : `; the facts are: ${[...this.registry.facts.keys()].join(', ')}`;
    this.add(pointer, `unknown fact "${clip(name)}"${hint}`);
    return null;
  }

  condition(node: unknown, pointer: string) {
    if (!isObject(node)) return;
    for (const key of ['all', 'any'] as const) {
      if (Array.isArray(node[key])) (node[key] as unknown[]).forEach((child, i) => this.condition(child, `${pointer}/${key}/${i}`));
    }
    if (isObject(node.not)) this.condition(node.not, `${pointer}/not`);
    if (typeof node.fact === 'string') this.comparison(node, pointer);
  }

  private comparison(node: Json, pointer: string) {
    const factType = this.fact(node.fact, `${pointer}/fact`);
    if (typeof node.operator !== 'string') return;
    const parsed = parseOperatorName(node.operator, this.registry.operators);
    if (!parsed) {
      const names = [...this.registry.operators.keys()];
      this.add(`${pointer}/operator`, `unknown operator "${clip(node.operator)}"${didYouMean(node.operator.replace(/^not:/, ''), names) || `; the operators are: ${names.join(', ')}`}`);
      return;
    }
    const unsupported = parsed.decorators.find((d) => d !== 'not');
    if (unsupported) {
      const hint = unsupported in DECORATORS ? 'it works on lists, and facts are single values' : 'it is not an operator decorator';
      this.add(`${pointer}/operator`, `"${unsupported}:" is not supported here: ${hint}; use "not:" or "in"/"notIn"`);
      return;
    }
    const op = parsed.base;
    if (factType && !op.facts.includes(factType)) {
      const fix = op.facts.length === 0 ? 'use "equal" or "in"' : `use it on a ${op.facts.join(' or ')} fact`;
      this.add(`${pointer}/operator`, `"${op.name}" does not work on ${String(node.fact)}, which is ${typeWords(factType)}; ${fix}`);
      return;
    }
    if (!('value' in node)) return;
    const value = node.value;
    const at = `${pointer}/value`;
    if (isMoneyTable(value)) {
      const spec = typeof node.fact === 'string' ? this.registry.facts.get(node.fact) : undefined;
      if (spec && spec.unit !== 'money') this.add(`${at}/byCurrency`, `${String(node.fact)} is not an amount of money: give one value, not one per currency`);
      if (op.value !== 'same' && op.value !== 'number') this.add(at, `"${op.name}" cannot take an amount per currency; use a comparison such as "greaterThanInclusive"`);
      for (const code of Object.keys(value.byCurrency)) {
        if (!/^[A-Z]{3}$/.test(code)) this.add(`${at}/byCurrency/${escapePointer(code)}`, `"${clip(code)}" is not a currency code; write three capital letters such as "CNY", "USD" or "EUR"`);
      }
      return;
    }
    if (isObject(value) && 'fact' in value) {
      if (op.value === 'list' || op.value === 'range') {
        this.add(at, `"${op.name}" needs a list written out, not another fact`);
        return;
      }
      const otherType = this.fact(value.fact, `${at}/fact`);
      if (factType && otherType && otherType !== factType) this.add(`${at}/fact`, `${String(node.fact)} is ${typeWords(factType)} but ${String(value.fact)} is ${typeWords(otherType)}; compare facts of one type`);
      return;
    }
    const expectScalar = (v: unknown, where: string) => {
      const t = typeOfFact(v);
      if (!factType || t === factType || t === 'null') return;
      this.add(where, `${String(node.fact)} is ${typeWords(factType)}: ${writeAs(factType, v)}`);
    };
    if (op.value === 'same') {
      if (Array.isArray(value)) this.add(at, `"${op.name}" compares with one value; for a list use "in"`);
      else expectScalar(value, at);
    } else if (op.value === 'number') {
      if (typeof value !== 'number') this.add(at, `"${op.name}" needs a number: ${writeAs('number', value)}`);
    } else if (op.value === 'list') {
      if (!Array.isArray(value)) this.add(at, `"${op.name}" needs a list, e.g. [${example(factType ?? 'number')}], but found ${describeValue(value)}`);
      else value.forEach((v, i) => expectScalar(v, `${at}/${i}`));
    } else if (op.value === 'range') {
      const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number') && (value[0] as number) <= (value[1] as number);
      if (!ok) this.add(at, `"${op.name}" needs [min, max] with two numbers, min first, e.g. [5000, 10000], but found ${JSON.stringify(value)}`);
    }
  }

  /** Facts named in event params: due anchors, coupon bases, placeholders in messages and details. */
  event(event: unknown, pointer: string) {
    if (!isObject(event) || !isObject(event.params)) return;
    const params = event.params;
    const at = `${pointer}/params`;
    const needFact = (name: unknown, where: string, unit: 'days' | 'money') => {
      if (this.fact(name, where) === null) return;
      const spec = this.registry.facts.get(name as string)!;
      if (spec.unit !== unit) this.add(where, `${String(name)} is not ${unit === 'days' ? 'a number of days' : 'an amount of money'}`);
    };
    if (isObject(params.due)) {
      if ('since' in params.due && 'until' in params.due) this.add(`${at}/due`, 'give "since" or "until", not both');
      if ('since' in params.due) needFact(params.due.since, `${at}/due/since`, 'days');
      if ('until' in params.due) needFact(params.due.until, `${at}/due/until`, 'days');
    }
    const templates = (owner: Record<string, unknown>, field: string, where: string) => {
      const template = owner[field];
      if (!isObject(template)) return;
      const coupon = isObject(owner.coupon) ? owner.coupon : null;
      for (const [language, text] of Object.entries(template)) {
        if (typeof text !== 'string') continue;
        for (const [, name] of text.matchAll(/\{([^{}]*)\}/g)) {
          const at = `${where}/${field}/${escapePointer(language)}`;
          if (name === 'coupon') {
            if (!coupon) this.add(at, '{coupon} is used but there is no "coupon"');
          } else if (name === 'minimumSpend') {
            if (!coupon || !('minimumSpend' in coupon)) this.add(at, '{minimumSpend} is used but the coupon has no "minimumSpend"');
          } else if (!this.registry.facts.has(name!)) {
            this.add(at, `unknown placeholder {${name}}${didYouMean(name!, this.registry.facts.keys())} (placeholders are fact names, {coupon} and {minimumSpend})`);
          }
        }
      }
    };
    const couponBase = (owner: Record<string, unknown>, where: string) => {
      if (isObject(owner.coupon) && 'of' in owner.coupon) needFact(owner.coupon.of, `${where}/coupon/of`, 'money');
    };
    couponBase(params, at);
    templates(params, 'message', at);
    templates(params, 'detail', at);
    if (Array.isArray(params.benefits)) {
      params.benefits.forEach((benefit, i) => {
        if (!isObject(benefit)) return;
        couponBase(benefit, `${at}/benefits/${i}`);
        templates(benefit, 'detail', `${at}/benefits/${i}`);
      });
    }
  }
}

/**
 * Loads one rule file's text: the JSON, then the schema, then every fact, operator and value
 * against the registry, then json-rules-engine's own constructor as the last word. Returns the
 * file only when there is no problem; every problem names its JSON pointer and, where known, line.
 */
export function checkRuleFile(text: string, file: string, registry: Registry): { ruleFile: RuleFile | null; problems: RuleProblem[] } {
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { ruleFile: null, problems: [{ file, pointer: error.pointer, line: error.line, message: `malformed JSON at column ${error.column}: ${error.message}` }] };
  }
  const { value, lines } = parsed;
  const found = validateSchema(value, RULES_SCHEMA, RULES_SCHEMA);
  const check = new RegistryCheck(registry);
  const rules = isObject(value) && Array.isArray(value.rules) ? value.rules : [];
  const names = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (!isObject(rule)) return;
    check.condition(rule.conditions, `/rules/${i}/conditions`);
    check.event(rule.event, `/rules/${i}/event`);
    if (typeof rule.name === 'string') {
      if (names.has(rule.name)) check.problems.push({ pointer: `/rules/${i}/name`, message: `rule ${names.get(rule.name)} is also named "${rule.name}"; names must be unique in a file` });
      else names.set(rule.name, i);
    }
  });
  append(found, check.problems);
  if (found.length === 0) {
    rules.forEach((rule, i) => {
      try {
        new EngineRule(rule as never);
      } catch (error) {
        found.push({ pointer: `/rules/${i}`, message: `json-rules-engine: ${(error as Error).message}` });
      }
    });
  }
  const problems: RuleProblem[] = found.map((p) => ({ file, ...p, line: lineOf(p.pointer, lines) })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.splice(MAX_PROBLEMS, more, { file, pointer: '', message: `and ${more.toLocaleString('en')} more problems; fix these first` });
  }
  return { ruleFile: problems.length === 0 ? (value as RuleFile) : null, problems };
}

/** The line of the pointer, or of its nearest parent that has one (a missing property). */
function lineOf(pointer: string, lines: Map<string, number>): number | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const line = lines.get(p);
    if (line !== undefined || p === '') return line;
  }
}

/** Checks several files together: each on its own, and that no two share an id. */
export function checkRuleFiles(files: readonly { file: string; text: string }[], registry: Registry): { ruleFiles: RuleFile[]; problems: RuleProblem[] } {
  const ruleFiles: RuleFile[] = [];
  const problems: RuleProblem[] = [];
  const ids = new Map<string, string>();
  for (const { file, text } of files) {
    const result = checkRuleFile(text, file, registry);
    append(problems, result.problems);
    if (!result.ruleFile) continue;
    const other = ids.get(result.ruleFile.id);
    if (other) problems.push({ file, pointer: '/id', message: `${other} has the same id "${result.ruleFile.id}"; give each file its own id` });
    else {
      ids.set(result.ruleFile.id, file);
      ruleFiles.push(result.ruleFile);
    }
  }
  return { ruleFiles, problems };
}
