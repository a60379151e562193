/** Derivative-free minimisation for the maximum-likelihood fits (a handful of parameters). */

export interface Minimum {
  point: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Nelder–Mead simplex search for the minimum of `f` from `start`. Deterministic: the same input
 * always takes the same steps. Converged means the simplex's values and points both came within
 * tolerance before the iteration limit.
 */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], { tolerance = 1e-10, maxIterations = 5000, step = 0.5 } = {}): Minimum {
  const n = start.length;
  const evaluate = (x: number[]) => {
    const value = f(x);
    return Number.isFinite(value) ? value : Infinity;
  };
  let simplex = [start.slice(), ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))];
  let values = simplex.map(evaluate);
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const spread = Math.abs(values[n]! - values[0]!);
    const size = Math.max(...simplex.slice(1).map((p) => Math.max(...p.map((v, j) => Math.abs(v - simplex[0]![j]!)))));
    if (spread <= tolerance * (Math.abs(values[0]!) + tolerance) && size <= 1e-8) {
      return { point: simplex[0]!, value: values[0]!, iterations, converged: true };
    }
    const centroid = Array.from({ length: n }, (_, j) => simplex.slice(0, n).reduce((sum, p) => sum + p[j]!, 0) / n);
    const toward = (scale: number) => centroid.map((c, j) => c + scale * (simplex[n]![j]! - c));
    const reflected = toward(-1);
    const reflectedValue = evaluate(reflected);
    if (reflectedValue < values[0]!) {
      const expanded = toward(-2);
      const expandedValue = evaluate(expanded);
      [simplex[n], values[n]] = expandedValue < reflectedValue ? [expanded, expandedValue] : [reflected, reflectedValue];
    } else if (reflectedValue < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, reflectedValue];
    } else {
      const contracted = reflectedValue < values[n]! ? toward(-0.5) : toward(0.5);
      const contractedValue = evaluate(contracted);
      if (contractedValue < Math.min(reflectedValue, values[n]!)) {
        [simplex[n], values[n]] = [contracted, contractedValue];
      } else {
        for (let i = 1; i <= n; i += 1) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
          values[i] = evaluate(simplex[i]!);
        }
      }
    }
  }
  return { point: simplex[0]!, value: values[0]!, iterations, converged: false };
}
