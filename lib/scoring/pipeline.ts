import { scorers as allScorers } from '../../plugins/scorers';
import type { ScoringBase } from './history';
import type { CustomerHistory, Facts, ScoreContext, Scored, Scorer } from './scorer';

/** The scorers a scorer reads from, itself excluded, in running order. */
function dependencies(scorer: Scorer<unknown>, scorers: readonly Scorer<unknown>[]): Scorer<unknown>[] {
  const needed = new Set<string>();
  const visit = (id: string) => {
    for (const dep of scorers.find((s) => s.id === id)?.after ?? []) {
      if (needed.has(dep)) continue;
      needed.add(dep);
      visit(dep);
    }
  };
  visit(scorer.id);
  return scorers.filter((s) => needed.has(s.id));
}

function run(history: CustomerHistory, scorers: readonly Scorer<unknown>[], ctx: ScoreContext): Facts {
  const facts: Facts = {};
  for (const scorer of scorers) Object.assign(facts, scorer.score({ history, facts }, ctx.models[scorer.id], ctx));
  return facts;
}

/** One customer of the population a fit walks: facts are worked out only if the fit reads them (the models' fits need just the history). */
class Member implements Scored {
  private cached: Facts | undefined;
  constructor(
    readonly history: CustomerHistory,
    private readonly before: readonly Scorer<unknown>[],
    private readonly ctx: ScoreContext,
  ) {}

  get facts(): Facts {
    return (this.cached ??= run(this.history, this.before, this.ctx));
  }
}

/** Fits every scorer on the population, in order, handing back after each one's fit (see `fitScorers`). */
function* fitting(histories: () => Iterable<CustomerHistory>, base: ScoringBase, scorers: readonly Scorer<unknown>[]): Generator<void, ScoreContext> {
  const models: Record<string, unknown> = {};
  const ctx: ScoreContext = { ...base, models };
  for (const scorer of scorers) {
    if (!scorer.fit) continue;
    const before = dependencies(scorer, scorers);
    function* population(): Generator<Scored> {
      for (const history of histories()) yield new Member(history, before, ctx);
    }
    models[scorer.id] = scorer.fit(population(), ctx);
    yield;
  }
  return ctx;
}

/**
 * Fits every scorer on the population, in order. `histories` is called once per fit and may build
 * them afresh each time, so a big population is never held whole; each fit sees the facts of the
 * scorers it reads.
 */
export function fitScorers(histories: () => Iterable<CustomerHistory>, base: ScoringBase, scorers: readonly Scorer<unknown>[] = allScorers): ScoreContext {
  const steps = fitting(histories, base, scorers);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * As `fitScorers`, awaiting `between` after each scorer's fit: the background answers a seller
 * page's badges between them, not after every fit of a million customers (some 10 s).
 */
export async function fitScorersBetween(histories: () => Iterable<CustomerHistory>, base: ScoringBase, between: () => Promise<void>, scorers: readonly Scorer<unknown>[] = allScorers): Promise<ScoreContext> {
  const steps = fitting(histories, base, scorers);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await between();
  }
}

/** What each scorer publishes of its fitted model for the dashboard (see Scorer.publish), by scorer id. */
export function publishedModels(ctx: ScoreContext, scorers: readonly Scorer<unknown>[] = allScorers): Record<string, unknown> {
  const published: Record<string, unknown> = {};
  for (const scorer of scorers) if (scorer.publish && scorer.id in ctx.models) published[scorer.id] = scorer.publish(ctx.models[scorer.id]);
  return published;
}

/** Every fact of one customer, with the fitted models in `ctx`. */
export function scoreCustomer(history: CustomerHistory, ctx: ScoreContext, scorers: readonly Scorer<unknown>[] = allScorers): Facts {
  return run(history, scorers, ctx);
}
