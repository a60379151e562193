import { operators as pluginOperators } from '../../plugins/operators';
import { scorers } from '../../plugins/scorers';
import type { FactSpec, Scorer } from '../scoring/scorer';
import { BUILT_IN_OPERATORS, type OperatorSpec } from './operators';

/** What rules may name: the scorers' facts and the operators. Rule files are checked against it. */
export interface Registry {
  facts: ReadonlyMap<string, FactSpec & { scorer: string }>;
  operators: ReadonlyMap<string, OperatorSpec>;
  /** Operators the engine does not have built in; they are added to it. */
  plugins: readonly OperatorSpec[];
}

export function buildRegistry(scorerList: readonly Scorer<unknown>[] = scorers, plugins: readonly OperatorSpec[] = pluginOperators): Registry {
  const facts = new Map<string, FactSpec & { scorer: string }>();
  for (const scorer of scorerList) for (const [name, spec] of Object.entries(scorer.facts)) facts.set(name, { ...spec, scorer: scorer.id });
  const operators = new Map<string, OperatorSpec>();
  for (const op of [...BUILT_IN_OPERATORS, ...plugins]) operators.set(op.name, op);
  return { facts, operators, plugins };
}

let shared: Registry | undefined;
/** The registry of the shipped scorers and operators. */
export function defaultRegistry(): Registry {
  return (shared ??= buildRegistry());
}
