import { escapePointer } from './json-text';
import { clip } from '../text';
import { both, type Localised } from '../localised';

/** The part of JSON Schema (2020-12) that rules.schema.json uses, plus ajv-errors' `errorMessage`. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  description?: string;
  errorMessage?: string;
  /** The Chinese of `description` and `errorMessage`, for the Chinese interface. */
  'x-description-zh-CN'?: string;
  'x-errorMessage-zh-CN'?: string;
  $defs?: Record<string, Schema>;
}

export interface SchemaProblem {
  pointer: string;
  message: Localised;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const TYPE_WORDS: Record<string, Localised> = {
  object: both('an object { … }', '对象 { … }'),
  array: both('a list [ … ]', '列表 [ … ]'),
  string: both('text in double quotes', '双引号中的文字'),
  number: both('a number', '数字'),
  integer: both('a whole number', '整数'),
  boolean: both('true or false', 'true 或 false'),
  null: both('null', 'null'),
};

export function describeValue(value: unknown): Localised {
  if (Array.isArray(value)) return both('a list', '列表');
  if (value !== null && typeof value === 'object') return both('an object', '对象');
  const shown = typeof value === 'string' ? `"${clip(value)}"` : String(value);
  return both(shown, shown);
}

/** The schema's own words for a value (`errorMessage`, `description`), in both languages. */
function schemaText(schema: Schema | undefined, key: 'errorMessage' | 'description'): Localised | null {
  const en = schema?.[key];
  if (!en) return null;
  return both(en, schema[`x-${key}-zh-CN`] ?? en);
}

/** "expected …, but found …" in both languages. */
export const expectedFound = (expected: Localised, found: Localised): Localised =>
  both(`expected ${expected.en}, but found ${found.en}`, `应为${expected['zh-CN']}，但这里是 ${found['zh-CN']}`);

/** Edit distance, for "did you mean" on misspelt names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

const words = (name: string) => name.split(/(?=[A-Z])|[^A-Za-z]+/).filter(Boolean).map((w) => w.toLowerCase());

/** The closest candidate: a typo within a few edits, else one sharing a word's stem ("orders" → "orderCount"). */
export function closest(word: string, candidates: Iterable<string>): string | null {
  // No name is that long: a suggestion would cost time in proportion and help nobody.
  if (word.length > 64) return null;
  const list = [...candidates];
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of list) {
    const d = distance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best) return best;
  const stems = words(word).filter((w) => w.length >= 4).map((w) => w.slice(0, 4));
  return list.find((candidate) => words(candidate).some((w) => stems.includes(w.slice(0, 4)))) ?? null;
}

export const didYouMean = (word: string, candidates: Iterable<string>): Localised => {
  const match = closest(word, candidates);
  return match ? both(`; did you mean "${match}"?`, `；是否应为 "${match}"？`) : both('', '');
};

/** Adds many items without spreading them into arguments (a list of 200,000 values would overflow the stack). */
export function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

const quoteList = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/**
 * Validates a value against a schema and says what to write instead. For oneOf it reports only
 * the branch the value was evidently meant for (by a matching `const`, else by the most required
 * properties present), so one mistake gives one message.
 */
export function validateSchema(value: unknown, schema: Schema, root: Schema, pointer = ''): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const add = (at: string, message: Localised) => problems.push({ pointer: at, message });
  // Described only for a problem: a list of 200,000 values is checked value by value.
  const found = () => describeValue(value);
  if (schema.$ref) {
    const target = root.$defs?.[schema.$ref.replace('#/$defs/', '')];
    if (!target) throw new Error(`Schema: unknown $ref ${schema.$ref}`);
    return validateSchema(value, target, root, pointer);
  }
  if (schema.oneOf) return validateBranches(value, schema.oneOf, schema, root, pointer);
  if (schema.anyOf) {
    const each = schema.anyOf.map((branch) => validateSchema(value, branch, root, pointer));
    if (each.some((p) => p.length === 0)) return [];
    // An object meant for one branch (it has a property only that branch requires): that branch's problems, precisely.
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const meant = schema.anyOf.findIndex((branch) => resolve(branch, root).required?.some((key) => Object.hasOwn(value, key)));
      if (meant >= 0) return each[meant]!;
    }
    add(pointer, notAccepted(schema, found()));
    return problems;
  }
  const actual = typeOf(value);
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const ok = allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
    if (!ok) {
      const words = allowed.map((t) => TYPE_WORDS[t] ?? both(t, t));
      add(pointer, expectedFound(both(words.map((w) => w.en).join(' or '), words.map((w) => w['zh-CN']).join('或')), found()));
      return problems;
    }
  }
  if (schema.const !== undefined && value !== schema.const) {
    const shown = JSON.stringify(schema.const);
    add(pointer, expectedFound(both(shown, shown), found()));
  }
  if (schema.enum && !schema.enum.includes(value)) add(pointer, oneOfExpected(schema.enum, value));
  if (typeof value === 'number') {
    const bound = (en: string, zh: string, limit: number) => add(pointer, expectedFound(both(`${en} ${limit}`, `${zh} ${limit}`), found()));
    if (schema.minimum !== undefined && value < schema.minimum) bound('at least', '不小于', schema.minimum);
    if (schema.maximum !== undefined && value > schema.maximum) bound('at most', '不大于', schema.maximum);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) bound('more than', '大于', schema.exclusiveMinimum);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) add(pointer, both('expected some text, but found an empty string', '这里需要文字，不能为空字符串'));
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      const rule = schemaText(schema, 'errorMessage') ?? both(`expected text matching ${schema.pattern}`, `应为符合 ${schema.pattern} 的文字`);
      const shown = found();
      add(pointer, both(`${shown.en} is not allowed here: ${rule.en}`, `这里不能写 ${shown['zh-CN']}：${rule['zh-CN']}`));
    }
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => append(problems, validateSchema(item, schema.items!, root, `${pointer}/${i}`)));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(object, key)) {
        const about = schemaText(properties[key], 'description');
        add(pointer, both(`missing "${key}"${about ? `: ${about.en}` : ''}`, `缺少 "${key}"${about ? `：${about['zh-CN']}` : ''}`));
      }
    }
    for (const [key, child] of Object.entries(object)) {
      const at = `${pointer}/${escapePointer(key)}`;
      // Own properties only: "constructor" or "__proto__" in a file are unknown names, not Object's.
      const spec = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (spec) append(problems, validateSchema(child, spec, root, at));
      else if (schema.additionalProperties === false) add(at, unknownName(both('unknown property', '未知属性'), key, Object.keys(properties), both('allowed here', '这里可用')));
      else if (typeof schema.additionalProperties === 'object') append(problems, validateSchema(child, schema.additionalProperties, root, at));
    }
  }
  return problems;
}

function resolve(schema: Schema, root: Schema): Schema {
  return schema.$ref ? resolve(root.$defs![schema.$ref.replace('#/$defs/', '')]!, root) : schema;
}

function validateBranches(value: unknown, branches: Schema[], schema: Schema, root: Schema, pointer: string): SchemaProblem[] {
  const results = branches.map((branch) => validateSchema(value, branch, root, pointer));
  if (results.some((p) => p.length === 0)) return [];
  const resolved = branches.map((b) => resolve(b, root));
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    // A discriminator: a property that every branch fixes with a const (the event's "type").
    const key = Object.keys(resolved[0]!.properties ?? {}).find((k) => resolved.every((b) => b.properties?.[k]?.const !== undefined));
    if (key) {
      const index = resolved.findIndex((b) => b.properties![key]!.const === object[key]);
      if (index >= 0) return results[index]!;
      const allowed = resolved.map((b) => b.properties![key]!.const);
      if (!(key in object)) return [{ pointer, message: both(`missing "${key}": one of ${quoteList(allowed)}`, `缺少 "${key}"：应为 ${quoteList(allowed)} 之一`) }];
      return [{ pointer: `${pointer}/${escapePointer(key)}`, message: oneOfExpected(allowed, object[key]) }];
    }
    const present = resolved.map((b) => (b.required ?? []).filter((k) => k in object).length);
    const most = Math.max(...present);
    if (most > 0) return results[present.indexOf(most)]!;
  }
  return [{ pointer, message: notAccepted(schema, describeValue(value)) }];
}

function notAccepted(schema: Schema, found: Localised): Localised {
  const rule = schemaText(schema, 'errorMessage') ?? both('not an accepted value', '不是可用的值');
  return both(`${rule.en}, but found ${found.en}`, `${rule['zh-CN']}，但这里是 ${found['zh-CN']}`);
}

function oneOfExpected(allowed: readonly unknown[], value: unknown): Localised {
  const hint = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : both('', '');
  const found = describeValue(value);
  return both(`expected one of ${quoteList(allowed)}, but found ${found.en}${hint.en}`, `应为 ${quoteList(allowed)} 之一，但这里是 ${found['zh-CN']}${hint['zh-CN']}`);
}

/** "unknown property "x"; did you mean "y"?", or the names that are allowed when none is close. */
export function unknownName(what: Localised, name: string, known: readonly string[], knownAre: Localised): Localised {
  const hint = didYouMean(name, known);
  const list = known.join(', ');
  return both(
    `${what.en} "${clip(name)}"${hint.en || `; ${knownAre.en}: ${list}`}`,
    `${what['zh-CN']} "${clip(name)}"${hint['zh-CN'] || `；${knownAre['zh-CN']}：${list}`}`,
  );
}
