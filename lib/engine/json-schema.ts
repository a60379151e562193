import { escapePointer } from './json-text';
import { clip } from '../text';

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
  $defs?: Record<string, Schema>;
}

export interface SchemaProblem {
  pointer: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'an object { … }', array: 'a list [ … ]', string: 'text in double quotes', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'null',
};

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${clip(value)}"`;
  return String(value);
}

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

export const didYouMean = (word: string, candidates: Iterable<string>) => {
  const match = closest(word, candidates);
  return match ? `; did you mean "${match}"?` : '';
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
  const add = (at: string, message: string) => problems.push({ pointer: at, message });
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
    add(pointer, `${schema.errorMessage ?? 'not an accepted value'}, but found ${describeValue(value)}`);
    return problems;
  }
  const actual = typeOf(value);
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const ok = allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
    if (!ok) {
      add(pointer, `expected ${allowed.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}, but found ${describeValue(value)}`);
      return problems;
    }
  }
  if (schema.const !== undefined && value !== schema.const) add(pointer, `expected ${JSON.stringify(schema.const)}, but found ${describeValue(value)}`);
  if (schema.enum && !schema.enum.includes(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, schema.enum.map(String)) : '';
    add(pointer, `expected one of ${quoteList(schema.enum)}, but found ${describeValue(value)}${hint}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) add(pointer, `expected at least ${schema.minimum}, but found ${value}`);
    if (schema.maximum !== undefined && value > schema.maximum) add(pointer, `expected at most ${schema.maximum}, but found ${value}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) add(pointer, `expected more than ${schema.exclusiveMinimum}, but found ${value}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) add(pointer, 'expected some text, but found an empty string');
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) add(pointer, `${describeValue(value)} is not allowed here: ${schema.errorMessage ?? `expected text matching ${schema.pattern}`}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => append(problems, validateSchema(item, schema.items!, root, `${pointer}/${i}`)));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(object, key)) {
        const about = properties[key]?.description;
        add(pointer, `missing "${key}"${about ? `: ${about}` : ''}`);
      }
    }
    for (const [key, child] of Object.entries(object)) {
      const at = `${pointer}/${escapePointer(key)}`;
      // Own properties only: "constructor" or "__proto__" in a file are unknown names, not Object's.
      const spec = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (spec) append(problems, validateSchema(child, spec, root, at));
      else if (schema.additionalProperties === false) add(at, `unknown property "${clip(key)}"${didYouMean(key, Object.keys(properties)) || `; allowed here: ${Object.keys(properties).join(', ')}`}`);
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
      if (!(key in object)) return [{ pointer, message: `missing "${key}": one of ${quoteList(allowed)}` }];
      const hint = typeof object[key] === 'string' ? didYouMean(object[key] as string, allowed.map(String)) : '';
      return [{ pointer: `${pointer}/${escapePointer(key)}`, message: `expected one of ${quoteList(allowed)}, but found ${describeValue(object[key])}${hint}` }];
    }
    const present = resolved.map((b) => (b.required ?? []).filter((k) => k in object).length);
    const most = Math.max(...present);
    if (most > 0) return results[present.indexOf(most)]!;
  }
  return [{ pointer, message: `${schema.errorMessage ?? 'not an accepted value'}, but found ${describeValue(value)}` }];
}
