import type { Localised } from '../localised';
import type { FactSpec } from '../scoring/scorer';

export type FactType = FactSpec['type'];

/** What a condition's `value` must be for an operator. */
export type ValueShape = 'same' | 'number' | 'list' | 'range';

/**
 * An operator: json-rules-engine's built-ins, mirrored here so the fast evaluator gives the same
 * answers, and the seller-facing plugins (plugins/operators). `evaluate` is the engine's
 * validator-then-callback in one pure function.
 */
export interface OperatorSpec {
  name: string;
  description: Localised;
  /** The fact types it makes sense on; empty means none of ours (our facts are single values). */
  facts: readonly FactType[];
  value: ValueShape;
  evaluate(factValue: unknown, value: unknown): boolean;
  /**
   * Optional: the condition `<fact> <operator> value`, for one constant value, as a test of the
   * fact's value, answering exactly as `evaluate` does (the differential tests check it). The
   * rules run it once per customer per condition: a closure with the comparison inline is several
   * times faster than a call through `evaluate`. Null to fall back on `evaluate`.
   */
  against?(value: unknown): ((factValue: unknown) => boolean) | null;
}

export function defineOperator(spec: OperatorSpec): OperatorSpec {
  return spec;
}

// json-rules-engine's number check, without turning the value into text and back where the answer is plain (the rules' hottest path):
// a number is one unless NaN; null and a missing fact (undefined) parse as NaN.
export const isNumberLike = (v: unknown) => (typeof v === 'number' ? v === v : v === null || v === undefined ? false : Number.parseFloat(v as string).toString() !== 'NaN');
const ANY: readonly FactType[] = ['number', 'string', 'boolean'];
// The callbacks as json-rules-engine writes them, loose types and all, so that odd values behave alike.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const BUILT_IN_OPERATORS: readonly OperatorSpec[] = [
  { name: 'equal', facts: ANY, value: 'same', evaluate: (a, b) => a === b, description: { en: 'is equal to', 'zh-CN': '等于' } },
  { name: 'notEqual', facts: ANY, value: 'same', evaluate: (a, b) => a !== b, description: { en: 'is not equal to', 'zh-CN': '不等于' } },
  { name: 'in', facts: ANY, value: 'list', evaluate: (a, b: any) => b.indexOf(a) > -1, description: { en: 'is one of', 'zh-CN': '属于列表之一' } },
  { name: 'notIn', facts: ANY, value: 'list', evaluate: (a, b: any) => b.indexOf(a) === -1, description: { en: 'is none of', 'zh-CN': '不属于列表' } },
  { name: 'contains', facts: [], value: 'same', evaluate: (a: any, b) => Array.isArray(a) && a.indexOf(b) > -1, description: { en: 'list contains', 'zh-CN': '列表包含' } },
  { name: 'doesNotContain', facts: [], value: 'same', evaluate: (a: any, b) => Array.isArray(a) && a.indexOf(b) === -1, description: { en: 'list does not contain', 'zh-CN': '列表不包含' } },
  { name: 'lessThan', facts: ['number'], value: 'number', evaluate: (a: any, b: any) => isNumberLike(a) && a < b, description: { en: 'is less than', 'zh-CN': '小于' } },
  { name: 'lessThanInclusive', facts: ['number'], value: 'number', evaluate: (a: any, b: any) => isNumberLike(a) && a <= b, description: { en: 'is at most', 'zh-CN': '小于等于' } },
  { name: 'greaterThan', facts: ['number'], value: 'number', evaluate: (a: any, b: any) => isNumberLike(a) && a > b, description: { en: 'is greater than', 'zh-CN': '大于' } },
  { name: 'greaterThanInclusive', facts: ['number'], value: 'number', evaluate: (a: any, b: any) => isNumberLike(a) && a >= b, description: { en: 'is at least', 'zh-CN': '大于等于' } },
];

type Next = (a: unknown, b: unknown) => boolean;

/** json-rules-engine's operator decorators (`not:equal`, `someValue:equal`, …), mirrored likewise. */
export const DECORATORS: Readonly<Record<string, (next: Next) => Next>> = {
  not: (next) => (a, b) => !next(a, b),
  swap: (next) => (a, b) => next(b, a),
  someFact: (next) => (a: any, b) => Array.isArray(a) && a.some((fv) => next(fv, b)),
  everyFact: (next) => (a: any, b) => Array.isArray(a) && a.every((fv) => next(fv, b)),
  someValue: (next) => (a, b: any) => b.some((jv: unknown) => next(a, jv)),
  everyValue: (next) => (a, b: any) => b.every((jv: unknown) => next(a, jv)),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** An operator name split into its decorators and the operator they wrap; null when it is neither. */
export function parseOperatorName(name: string, operators: ReadonlyMap<string, OperatorSpec>): { decorators: string[]; base: OperatorSpec } | null {
  const decorators: string[] = [];
  let rest = name;
  while (!operators.has(rest)) {
    const colon = rest.indexOf(':');
    if (colon <= 0 || !(rest.slice(0, colon) in DECORATORS)) return null;
    decorators.push(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  return { decorators, base: operators.get(rest)! };
}

/** Whether `spec` is one of json-rules-engine's built-ins (not a plugin's operator of the same name). */
export function isBuiltIn(spec: OperatorSpec): boolean {
  return BUILT_IN_OPERATORS.includes(spec);
}

/** The evaluate function for a possibly decorated operator name, or null when the name is unknown. */
export function operatorFunction(name: string, operators: ReadonlyMap<string, OperatorSpec>): Next | null {
  const parsed = parseOperatorName(name, operators);
  if (!parsed) return null;
  let fn: Next = parsed.base.evaluate;
  for (let i = parsed.decorators.length - 1; i >= 0; i -= 1) fn = DECORATORS[parsed.decorators[i]!]!(fn);
  return fn;
}
