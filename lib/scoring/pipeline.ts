import { scorers as allScorers } from '../../plugins/scorers';
import { pacer, TURN_MS } from '../pace';
import type { ScoringBase } from './history';
import type { CustomerHistory, Facts, Fitting, ScoreContext, Scored, Scorer } from './scorer';

/** The scorers a scorer reads from (its fit, where `fit`), itself excluded, in running order. */
function dependencies(scorer: Scorer<unknown>, scorers: readonly Scorer<unknown>[], fit = false): Scorer<unknown>[] {
  const needed = new Set<string>();
  const visit = (reads: readonly string[]) => {
    for (const dep of reads) {
      if (needed.has(dep)) continue;
      needed.add(dep);
      visit(scorers.find((s) => s.id === dep)?.after ?? []);
    }
  };
  visit((fit ? scorer.fitReads : undefined) ?? scorer.after ?? []);
  return scorers.filter((s) => needed.has(s.id));
}

/** Each list of scorers' facts in an object, every one null (see `blankFacts`). */
const blanks = new WeakMap<readonly Scorer<unknown>[], Readonly<Facts>>();

/**
 * An object with every fact of the scorers, in their order, each null until scored. Grown a scorer
 * at a time, the facts passed V8's limit on properties added by name at run time and were held as a
 * dictionary: each one written and read (by the rules, the table) was a lookup. An object JSON.parse
 * makes keeps its properties fast, and so does a copy of it.
 */
function blankFacts(scorers: readonly Scorer<unknown>[]): Facts {
  let blank = blanks.get(scorers);
  if (blank === undefined) blanks.set(scorers, (blank = JSON.parse(JSON.stringify(Object.fromEntries(scorers.flatMap((scorer) => Object.keys(scorer.facts).map((name) => [name, null]))))) as Facts));
  return { ...blank };
}

function run(history: CustomerHistory, scorers: readonly Scorer<unknown>[], ctx: ScoreContext): Facts {
  const facts = blankFacts(scorers);
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

/**
 * The scorers with a fit, in rounds: a fit reads the facts of the scorers before it, and so the
 * models of those fitted, which are made in an earlier round. The fits of a round share one walk
 * over the population: each walk of a million customers makes their histories afresh (half a second
 * or more).
 */
function fitRounds(scorers: readonly Scorer<unknown>[]): Array<Array<Scorer<unknown>>> {
  const roundOf = new Map<string, number>();
  const rounds: Array<Array<Scorer<unknown>>> = [];
  for (const scorer of scorers) {
    if (!scorer.fit) continue;
    const round = Math.max(-1, ...dependencies(scorer, scorers, true).map((dep) => roundOf.get(dep.id) ?? -1)) + 1;
    roundOf.set(scorer.id, round);
    (rounds[round] ??= []).push(scorer);
  }
  return rounds;
}

/** How many customers a walk takes between its looks at the clock. */
const WALK_STEP = 1024;

/**
 * Where a fit hands back: during a walk, after a round's fits, and where the other half of the
 * customers is fitted elsewhere, before a round's walk (to ask for it, with the models it reads) and
 * after (for what it took in). See `fitScorersBetween`.
 */
type FitStep = 'walk' | 'round' | { ask: number; models: Record<string, unknown> } | { join: number };

/** The fittings of a round, each given every customer of `histories`, handing back now and then. */
function* walkRound(round: readonly Scorer<unknown>[], scorers: readonly Scorer<unknown>[], ctx: ScoreContext, histories: Iterable<CustomerHistory>): Generator<'walk', Array<Fitting<unknown>>> {
  // The facts any fit of the round reads: of scorers fit before it, or of none.
  const read = new Set(round.flatMap((scorer) => dependencies(scorer, scorers, true)));
  const before = scorers.filter((scorer) => read.has(scorer));
  const fittings = round.map((scorer) => scorer.fit!(ctx));
  let walked = 0;
  for (const history of histories) {
    const member = new Member(history, before, ctx);
    for (const fitting of fittings) fitting.add(member);
    if (++walked % WALK_STEP === 0) yield 'walk';
  }
  return fittings;
}

/**
 * Fits every scorer on the population, a round at a time (see `fitRounds`), handing back now and
 * then during each walk and after each round (see `fitScorersBetween`). `split`: these are the
 * first half of the customers; each round asks for what the other half's fittings took in.
 */
function* fitting(histories: () => Iterable<CustomerHistory>, base: ScoringBase, scorers: readonly Scorer<unknown>[], split = false): Generator<FitStep, ScoreContext, unknown[] | undefined> {
  const models: Record<string, unknown> = {};
  const ctx: ScoreContext = { ...base, models };
  for (const [number, round] of fitRounds(scorers).entries()) {
    if (split) yield { ask: number, models: { ...models } };
    const fittings = yield* walkRound(round, scorers, ctx, histories());
    if (split) {
      const theirs = (yield { join: number })!;
      fittings.forEach((fitting, i) => fitting.join(theirs[i]));
    }
    round.forEach((scorer, i) => (models[scorer.id] = fittings[i]!.model()));
    yield 'round';
  }
  return ctx;
}

/**
 * Fits every scorer on the population, in order. `histories` is called once per walk and may build
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
 * The second half of the customers' part of a round of fits (see `fitScorersBetween`): what each
 * fitting of round `number` took in of them, given the models of the rounds before.
 */
export function fitHalf(histories: Iterable<CustomerHistory>, base: ScoringBase, models: Record<string, unknown>, number: number, scorers: readonly Scorer<unknown>[] = allScorers): unknown[] {
  const walk = walkRound(fitRounds(scorers)[number] ?? [], scorers, { ...base, models }, histories);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value.map((fitting) => fitting.taken());
  }
}

/** The other half of the customers' part of a round of fits, fitted elsewhere (see `fitHalf`). */
export type OtherHalf = (round: number, models: Record<string, unknown>) => Promise<unknown[]>;

/**
 * As `fitScorers`, awaiting `between` after each round's fits, and giving the thread's other tasks a
 * turn during each walk: the background answers a seller page's badges meanwhile, not after the fits
 * of a million customers (some 10 s). With `otherHalf`, `histories` are the first half of the
 * customers, and each round joins what the other half's fittings took in, fitted meanwhile on
 * another thread: the models are those of one walk over both halves in turn.
 */
export async function fitScorersBetween(histories: () => Iterable<CustomerHistory>, base: ScoringBase, between: () => Promise<void>, scorers: readonly Scorer<unknown>[] = allScorers, otherHalf?: OtherHalf): Promise<ScoreContext> {
  const steps = fitting(histories, base, scorers, otherHalf !== undefined);
  const turn = pacer(TURN_MS);
  // The other half's part of the round, asked for before this half's walk: both walk at once.
  let asked: Promise<unknown[]> | null = null;
  let answer: unknown[] | undefined;
  for (;;) {
    const step = steps.next(answer);
    answer = undefined;
    if (step.done) return step.value;
    if (step.value === 'walk') await turn();
    else if (step.value === 'round') await between();
    else if ('ask' in step.value) {
      asked = otherHalf!(step.value.ask, step.value.models);
      // Failing is heard at the join: not as an unhandled rejection should this half's walk throw first.
      asked.catch(() => {});
    } else answer = await asked!;
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
