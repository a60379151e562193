import type { Facts } from '../scoring/scorer';
import { isBuiltIn, isNumberLike, operatorFunction, parseOperatorName, type OperatorSpec } from './operators';
import type { Condition, LoadedRule } from './rule-file';

export type Test = (facts: Facts) => boolean;
/** A test over a customer's facts read once into slots (`values[slot]` is `facts[name]`, see FactSlots); the facts beside, for an operator plugin's own test. */
export type SlotTest = (values: readonly unknown[], facts: Facts) => boolean;

const always: SlotTest = () => true;

/**
 * The facts a set of tests reads, each given a slot, read once a customer. A test that read its fact
 * by name at each condition read it where the name changes from test to test, V8's slowest read:
 * the shipped rules ran 605k customers/s so, 745k from slots.
 */
export class FactSlots {
  readonly names: string[] = [];
  private readonly slots = new Map<string, number>();

  slotOf(name: string): number {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.names.length;
      this.names.push(name);
      this.slots.set(name, slot);
    }
    return slot;
  }

  /** The customer's facts into `values`, a slot each (a fact they lack reads as undefined, as by name). */
  read(facts: Facts, values: unknown[]): void {
    const { names } = this;
    for (let i = 0; i < names.length; i += 1) values[i] = facts[names[i]!];
  }
}

function isFactRef(value: unknown): value is { fact: string } {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'fact');
}

/**
 * Compiles a condition into a synchronous test over flat facts, with json-rules-engine's
 * outcome: all/any of nothing pass, `not` negates, a missing fact reads as undefined. Returns
 * null for what it does not reproduce (paths, fact params, condition references, unknown or
 * throwing operators); the caller then asks the engine. Conditions are closures, never eval.
 */
export function compileCondition(condition: Condition, operators: ReadonlyMap<string, OperatorSpec>): Test | null {
  const slots = new FactSlots();
  const test = compileSlotted(condition, operators, slots);
  if (!test) return null;
  const values: unknown[] = [];
  return (facts) => {
    slots.read(facts, values);
    return test(values, facts);
  };
}

/** compileCondition's test over slots, each fact it reads given one in `slots` (a rule set shares them across its rules). */
export function compileSlotted(condition: Condition, operators: ReadonlyMap<string, OperatorSpec>, slots: FactSlots): SlotTest | null {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(condition, key);
  // The engine's precedence when a node has several: any, then all, then not.
  const isAny = has('any');
  if (isAny || has('all')) {
    const list = isAny ? (condition as { any: Condition[] }).any : (condition as { all: Condition[] }).all;
    if (!Array.isArray(list)) return null;
    const tests: SlotTest[] = [];
    for (const child of list) {
      const test = compileSlotted(child, operators, slots);
      if (!test) return null;
      tests.push(test);
    }
    if (tests.length === 0) return always;
    if (tests.length === 1) return tests[0]!;
    if (!isAny) {
      return (values, facts) => {
        for (let i = 0; i < tests.length; i += 1) if (!tests[i]!(values, facts)) return false;
        return true;
      };
    }
    return (values, facts) => {
      for (let i = 0; i < tests.length; i += 1) if (tests[i]!(values, facts)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = condition.not && typeof condition.not === 'object' && !Array.isArray(condition.not) ? compileSlotted(condition.not, operators, slots) : null;
    return inner && ((values, facts) => !inner(values, facts));
  }
  if (!('fact' in condition) || !('value' in condition) || typeof condition.fact !== 'string' || condition.path !== undefined || condition.params !== undefined) return null;
  const op = operatorFunction(condition.operator, operators);
  if (!op) return null;
  const { fact, value } = condition;
  const listOperator = /(^|:)(in|notIn|someValue|everyValue)(:|$)/.test(condition.operator);
  if (isFactRef(value)) {
    // A fact on the right: list operators would call methods on a single value and throw in the engine.
    if (listOperator || typeof value.fact !== 'string' || Object.keys(value).length !== 1) return null;
    const [a, b] = [slots.slotOf(fact), slots.slotOf(value.fact)];
    return writtenOut(condition.operator, operators, a, { slot: b }) ?? ((values) => op(values[a], values[b]));
  }
  if (listOperator && !Array.isArray(value)) return null;
  const a = slots.slotOf(fact);
  return writtenOut(condition.operator, operators, a, { value }) ?? ((values) => op(values[a], value));
}

/**
 * Undecorated tests written out, each its own closure with its comparison inline: through
 * `evaluate` from one shared closure, the shipped rules took 176 ms per 100,000 customers, and
 * 146 ms so. A plugin's operator writes its own (`against`); the built-in
 * comparisons are here, with the answers of their `evaluate` (`isNumberLike(a) && a > b`: for a
 * number, NaN compares false anyway). Null for the rest.
 */
function writtenOut(name: string, operators: ReadonlyMap<string, OperatorSpec>, slot: number, right: { slot: number } | { value: unknown }): SlotTest | null {
  const parsed = parseOperatorName(name, operators);
  if (!parsed || parsed.decorators.length > 0) return null;
  if (!isBuiltIn(parsed.base)) {
    const own = 'value' in right ? parsed.base.against?.(right.value) : null;
    return own ? (values) => own(values[slot]) : null;
  }
  if ('slot' in right) {
    const other = right.slot;
    switch (name) {
      case 'equal': return (values) => values[slot] === values[other];
      case 'greaterThan': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a > (values[other] as number); };
      case 'greaterThanInclusive': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a >= (values[other] as number); };
      case 'lessThan': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a < (values[other] as number); };
      case 'lessThanInclusive': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a <= (values[other] as number); };
      default: return null;
    }
  }
  const b = right.value as number;
  switch (name) {
    case 'equal': return (values) => values[slot] === b;
    case 'greaterThan': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a > b; };
    case 'greaterThanInclusive': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a >= b; };
    case 'lessThan': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a < b; };
    case 'lessThanInclusive': return (values) => { const a = values[slot] as number; return (typeof a === 'number' || isNumberLike(a)) && a <= b; };
    default: return null;
  }
}

export interface CompiledRule extends LoadedRule {
  /** Over the slots of the rules compiled with it (see compileRules); null when the rule needs the engine. */
  test: SlotTest | null;
}

/** A rule's priority as the engine reads it. */
export function rulePriority(r: LoadedRule): number {
  return Number.parseInt(String(r.rule.priority), 10) || 1;
}

/** Rules in the engine's order (higher priority first, file order within a priority), their tests over `slots`. */
export function compileRules(rules: readonly LoadedRule[], operators: ReadonlyMap<string, OperatorSpec>, slots: FactSlots): CompiledRule[] {
  const compiled = rules.map((r) => ({ ...r, test: compileSlotted(r.rule.conditions, operators, slots) }));
  return compiled
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rulePriority(b.r) - rulePriority(a.r) || a.i - b.i)
    .map(({ r }) => r);
}
