import { Rule as EngineRule } from 'json-rules-engine';
import schemaJson from '../../rules/rules.schema.json';
import { append, closest, didYouMean, describeValue, expectedFound, unknownName, validateSchema, type Schema } from './json-schema';
import { escapePointer, JsonSyntaxError, parseJsonWithLines } from './json-text';
import { clip } from '../text';
import { DECORATORS, parseOperatorName, type FactType } from './operators';
import type { Registry } from './registry';
import type { RuleFile } from './rule-file';
import { isMoneyTable } from './currency';
import { both, type Localised } from '../localised';

export const RULES_SCHEMA = schemaJson as unknown as Schema;

export interface RuleProblem {
  file: string;
  /** JSON pointer; "" is the whole file. */
  pointer: string;
  message: Localised;
  line?: number;
}

/** A problem as one line in the seller's language: file, pointer, what, and line. */
export const problemLine = (language: keyof Localised) => (p: RuleProblem): string => {
  const line = p.line ? (language === 'en' ? ` (line ${p.line})` : `（第 ${p.line} 行）`) : '';
  return `${p.file}: ${p.pointer || '/'}: ${p.message[language]}${line}`;
};

/** The English line, for the command line and logs. */
export const formatProblem = problemLine('en');

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
const TYPE_WORDS: Record<FactType, Localised> = { number: both('a number', '数字'), string: both('text', '文字'), boolean: both('a boolean', '布尔值（true/false）') };

/** How to write `value` for a fact of `type`: the fix for the commonest slip, quotes. */
function writeAs(type: FactType, value: unknown): Localised {
  if (type === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return both(`write ${value}, without quotes`, `请写 ${value}，不加引号`);
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return both(`write "${value}", in double quotes`, `请写 "${value}"，加双引号`);
  const found = describeValue(value);
  return both(`write a value such as ${example(type)}, not ${found.en}`, `请写 ${example(type)} 这样的值，而不是 ${found['zh-CN']}`);
}

/** "recencyDays is a number" in both languages. */
const factIs = (fact: unknown, type: FactType) => both(`${String(fact)} is ${TYPE_WORDS[type].en}`, `${String(fact)} 是${TYPE_WORDS[type]['zh-CN']}`);
/** Joins two localised parts with a colon or a semicolon. */
const then = (a: Localised, b: Localised, mark: ':' | ';' = ':'): Localised => both(`${a.en}${mark} ${b.en}`, `${a['zh-CN']}${mark === ':' ? '：' : '；'}${b['zh-CN']}`);

/** Checks what the schema cannot: facts, operators, values against the facts' types, names. */
class RegistryCheck {
  readonly problems: { pointer: string; message: Localised }[] = [];

  constructor(private readonly registry: Registry) {}

  private add(pointer: string, message: Localised) {
    this.problems.push({ pointer, message });
  }

  /** The fact's type, or null (reported) when the fact is unknown. */
  fact(name: unknown, pointer: string): FactType | null {
    if (typeof name !== 'string') return null;
    const spec = this.registry.facts.get(name);
    if (spec) return spec.type;
    const match = FACT_SYNONYMS.get(name.toLowerCase()) ?? closest(name, this.registry.facts.keys());
    if (!match) {
      this.add(pointer, unknownName(both('unknown fact', '未知指标'), name, [...this.registry.facts.keys()], both('the facts are', '可用的指标有')));
      return null;
    }
    const about = this.registry.facts.get(match)!.description;
    this.add(pointer, both(`unknown fact "${clip(name)}"; did you mean "${match}" (${about.en})?`, `未知指标 "${clip(name)}"；是否应为 "${match}"（${about['zh-CN']}）？`));
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
      const hint = didYouMean(node.operator.replace(/^not:/, ''), names);
      const list = names.join(', ');
      this.add(`${pointer}/operator`, both(`unknown operator "${clip(node.operator)}"${hint.en || `; the operators are: ${list}`}`, `未知运算符 "${clip(node.operator)}"${hint['zh-CN'] || `；可用的运算符有：${list}`}`));
      return;
    }
    const unsupported = parsed.decorators.find((d) => d !== 'not');
    if (unsupported) {
      const why = unsupported in DECORATORS ? both('it works on lists, and facts are single values', '它用于列表，而指标都是单个值') : both('it is not an operator decorator', '它不是运算符前缀');
      this.add(`${pointer}/operator`, both(`"${unsupported}:" is not supported here: ${why.en}; use "not:" or "in"/"notIn"`, `这里不支持 "${unsupported}:"：${why['zh-CN']}；请用 "not:" 或 "in"/"notIn"`));
      return;
    }
    const op = parsed.base;
    if (factType && !op.facts.includes(factType)) {
      const kinds = op.facts.map((t) => TYPE_WORDS[t]);
      const fix = op.facts.length === 0
        ? both('use "equal" or "in"', '请用 "equal" 或 "in"')
        : both(`use it on a fact that is ${kinds.map((k) => k.en).join(' or ')}`, `请用于${kinds.map((k) => k['zh-CN']).join('或')}类型的指标`);
      this.add(`${pointer}/operator`, then(both(`"${op.name}" does not work on ${String(node.fact)}, which is ${TYPE_WORDS[factType].en}`, `"${op.name}" 不能用于 ${String(node.fact)}，它是${TYPE_WORDS[factType]['zh-CN']}`), fix, ';'));
      return;
    }
    if (!('value' in node)) return;
    const value = node.value;
    const at = `${pointer}/value`;
    if (isMoneyTable(value)) {
      const spec = typeof node.fact === 'string' ? this.registry.facts.get(node.fact) : undefined;
      if (spec && spec.unit !== 'money') this.add(`${at}/byCurrency`, both(`${String(node.fact)} is not an amount of money: give one value, not one per currency`, `${String(node.fact)} 不是金额：请写一个值，不要按币种分别写`));
      if (op.value !== 'same' && op.value !== 'number') this.add(at, both(`"${op.name}" cannot take an amount per currency; use a comparison such as "greaterThanInclusive"`, `"${op.name}" 不能按币种取值；请用 "greaterThanInclusive" 这样的比较运算符`));
      for (const code of Object.keys(value.byCurrency)) {
        if (!/^[A-Z]{3}$/.test(code)) this.add(`${at}/byCurrency/${escapePointer(code)}`, both(`"${clip(code)}" is not a currency code; write three capital letters such as "CNY", "USD" or "EUR"`, `"${clip(code)}" 不是币种代码；请写三个大写字母，例如 "CNY"、"USD" 或 "EUR"`));
      }
      return;
    }
    if (isObject(value) && 'fact' in value) {
      if (op.value === 'list' || op.value === 'range') {
        this.add(at, both(`"${op.name}" needs a list written out, not another fact`, `"${op.name}" 需要直接写出的列表，不能引用另一个指标`));
        return;
      }
      const otherType = this.fact(value.fact, `${at}/fact`);
      if (factType && otherType && otherType !== factType) {
        const a = factIs(node.fact, factType);
        const b = factIs(value.fact, otherType);
        this.add(`${at}/fact`, both(`${a.en} but ${b.en}; compare facts of one type`, `${a['zh-CN']}，而 ${b['zh-CN']}；只能比较同一类型的指标`));
      }
      return;
    }
    const expectScalar = (v: unknown, where: string) => {
      const t = typeOfFact(v);
      if (!factType || t === factType || t === 'null') return;
      this.add(where, then(factIs(node.fact, factType), writeAs(factType, v)));
    };
    if (op.value === 'same') {
      if (Array.isArray(value)) this.add(at, both(`"${op.name}" compares with one value; for a list use "in"`, `"${op.name}" 只和一个值比较；列表请用 "in"`));
      else expectScalar(value, at);
    } else if (op.value === 'number') {
      if (typeof value !== 'number') this.add(at, then(both(`"${op.name}" needs a number`, `"${op.name}" 需要数字`), writeAs('number', value)));
    } else if (op.value === 'list') {
      const list = `[${example(factType ?? 'number')}]`;
      if (!Array.isArray(value)) this.add(at, expectedFound(both(`a list for "${op.name}", e.g. ${list}`, ` "${op.name}" 所需的列表，例如 ${list}`), describeValue(value)));
      else value.forEach((v, i) => expectScalar(v, `${at}/${i}`));
    } else if (op.value === 'range') {
      const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number') && (value[0] as number) <= (value[1] as number);
      const shown = JSON.stringify(value);
      if (!ok) this.add(at, expectedFound(both(`[min, max] for "${op.name}": two numbers, min first, e.g. [5000, 10000]`, ` "${op.name}" 所需的 [最小值, 最大值]：两个数字，小的在前，例如 [5000, 10000]`), both(shown, shown)));
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
      if (spec.unit !== unit) this.add(where, unit === 'days' ? both(`${String(name)} is not a number of days`, `${String(name)} 不是天数`) : both(`${String(name)} is not an amount of money`, `${String(name)} 不是金额`));
    };
    if (isObject(params.due)) {
      if ('since' in params.due && 'until' in params.due) this.add(`${at}/due`, both('give "since" or "until", not both', '"since" 和 "until" 只能写一个'));
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
            if (!coupon) this.add(at, both('{coupon} is used but there is no "coupon"', '用了 {coupon}，但没有 "coupon"'));
          } else if (name === 'minimumSpend') {
            if (!coupon || !('minimumSpend' in coupon)) this.add(at, both('{minimumSpend} is used but the coupon has no "minimumSpend"', '用了 {minimumSpend}，但优惠券没有 "minimumSpend"'));
          } else if (!this.registry.facts.has(name!)) {
            const hint = didYouMean(name!, this.registry.facts.keys());
            this.add(at, both(`unknown placeholder {${name}}${hint.en} (placeholders are fact names, {coupon} and {minimumSpend})`, `未知占位符 {${name}}${hint['zh-CN']}（占位符可以是指标名、{coupon} 和 {minimumSpend}）`));
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
    const message = both(`malformed JSON at column ${error.column}: ${error.text.en}`, `JSON 格式错误，在第 ${error.column} 列：${error.text['zh-CN']}`);
    return { ruleFile: null, problems: [{ file, pointer: error.pointer, line: error.line, message }] };
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
      if (names.has(rule.name)) {
        const message = both(`rule ${names.get(rule.name)} is also named "${rule.name}"; names must be unique in a file`, `规则 ${names.get(rule.name)} 也叫 "${rule.name}"；同一文件中的规则名不能重复`);
        check.problems.push({ pointer: `/rules/${i}/name`, message });
      }
      else names.set(rule.name, i);
    }
  });
  append(found, check.problems);
  if (found.length === 0) {
    rules.forEach((rule, i) => {
      try {
        new EngineRule(rule as never);
      } catch (error) {
        const said = (error as Error).message;
        found.push({ pointer: `/rules/${i}`, message: both(`json-rules-engine: ${said}`, `json-rules-engine 无法读取这条规则（${said}）`) });
      }
    });
  }
  const problems: RuleProblem[] = found.map((p) => ({ file, ...p, line: lineOf(p.pointer, lines) })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.splice(MAX_PROBLEMS, more, { file, pointer: '', message: both(`and ${more.toLocaleString('en')} more problems; fix these first`, `另有 ${more.toLocaleString('zh-CN')} 个问题；请先改正以上问题`) });
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
    if (other) problems.push({ file, pointer: '/id', message: both(`${other} has the same id "${result.ruleFile.id}"; give each file its own id`, `${other} 的 id 也是 "${result.ruleFile.id}"；每个文件的 id 必须不同`) });
    else {
      ids.set(result.ruleFile.id, file);
      ruleFiles.push(result.ruleFile);
    }
  }
  return { ruleFiles, problems };
}
