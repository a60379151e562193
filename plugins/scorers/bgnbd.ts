import { nelderMead } from '../../lib/scoring/optimize';
import { KeySample, type SampleTaken } from '../../lib/scoring/sample';
import { defineScorer, rounded } from '../../lib/scoring/scorer';
import { hyp2f1, lnBeta, lnGamma, logAddExp } from '../../lib/scoring/special';

/** BG/NBD (Fader, Hardie & Lee 2005): purchases at rate λ ~ Gamma(r, α) while alive; after each, a dropout with p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer in model terms: x repeat purchases, the last at t_x, observed for T (all in one time unit). */
export interface RepeatSummary {
  x: number;
  tx: number;
  T: number;
}

export interface Fit<P> {
  params: P;
  logLikelihood: number;
  converged: boolean;
  customers: number;
}

/**
 * Rows ready for many likelihood evaluations: identical summaries counted once with a weight (a
 * shop has many one-time buyers of the same age), in typed arrays, with the distinct repeat
 * counts listed so the Gamma and Beta terms, which depend on x alone, are worked out once per x.
 */
interface Prepared {
  tx: Float64Array;
  T: Float64Array;
  weight: Float64Array;
  /** Index into `xs` of each row's x. */
  xIndex: Int32Array;
  xs: number[];
}

function prepare(rows: readonly RepeatSummary[]): Prepared {
  const groups = new Map<string, RepeatSummary & { weight: number }>();
  for (const { x, tx, T } of rows) {
    const key = `${x}|${tx}|${T}`;
    const group = groups.get(key);
    if (group) group.weight += 1;
    else groups.set(key, { x, tx, T, weight: 1 });
  }
  const list = [...groups.values()];
  const xs = [...new Set(list.map((row) => row.x))];
  const position = new Map(xs.map((x, i) => [x, i]));
  return {
    tx: Float64Array.from(list, (row) => row.tx),
    T: Float64Array.from(list, (row) => row.T),
    weight: Float64Array.from(list, (row) => row.weight),
    xIndex: Int32Array.from(list, (row) => position.get(row.x)!),
    xs,
  };
}

function logLikelihoodOf({ r, alpha, a, b }: BgNbdParams, rows: Prepared): number {
  const lnBab = lnBeta(a, b);
  const lnGr = lnGamma(r);
  const lnAlpha = Math.log(alpha);
  const head = rows.xs.map((x) => lnGamma(r + x) - lnGr + r * lnAlpha);
  const alive = rows.xs.map((x) => lnBeta(a, b + x) - lnBab);
  const dropped = rows.xs.map((x) => (x > 0 ? lnBeta(a + 1, b + x - 1) - lnBab : -Infinity));
  let total = 0;
  for (let i = 0; i < rows.weight.length; i += 1) {
    const k = rows.xIndex[i]!;
    const rx = r + rows.xs[k]!;
    const stillAlive = alive[k]! - rx * Math.log(alpha + rows.T[i]!);
    const droppedOut = dropped[k]! - rx * Math.log(alpha + rows.tx[i]!);
    total += rows.weight[i]! * (head[k]! + logAddExp(stillAlive, droppedOut));
  }
  return total;
}

export function bgnbdLogLikelihood(params: BgNbdParams, rows: readonly RepeatSummary[]): number {
  return logLikelihoodOf(params, prepare(rows));
}

/**
 * Maximum likelihood over log-parameters with Nelder–Mead, times scaled so the longest T is 10
 * (as the reference implementation does; only α depends on the unit), restarted from its own
 * result until the likelihood stops improving.
 */
export function fitBgNbd(rows: readonly RepeatSummary[]): Fit<BgNbdParams> {
  const scale = rows.reduce((longest, row) => Math.max(longest, row.T), 0) / 10 || 1;
  const scaled = prepare(rows.map(({ x, tx, T }) => ({ x, tx: tx / scale, T: T / scale })));
  const objective = ([lr, lalpha, la, lb]: number[]) => -logLikelihoodOf({ r: Math.exp(lr!), alpha: Math.exp(lalpha!), a: Math.exp(la!), b: Math.exp(lb!) }, scaled);
  let best = nelderMead(objective, [0, 0, 0, 0]);
  for (let restart = 0; restart < 5; restart += 1) {
    const again = nelderMead(objective, best.point, { step: 0.1 });
    const improved = again.value < best.value - 1e-9;
    best = again.value <= best.value ? again : best;
    if (!improved) break;
  }
  const [r, alpha, a, b] = best.point.map(Math.exp) as [number, number, number, number];
  const params = { r, alpha: alpha * scale, a, b };
  return { params, logLikelihood: bgnbdLogLikelihood(params, rows), converged: best.converged && Number.isFinite(best.value), customers: rows.length };
}

/** P(alive | x, t_x, T); a customer with no repeat purchase is alive by the model's assumption. Safe for huge x. */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RepeatSummary): number {
  if (x === 0) return 1;
  const lnOdds = Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(lnOdds));
}

/** E[purchases in (T, T+t] | x, t_x, T]: the purchases if alive, weighed by the odds that the customer is. */
export function expectedPurchases(params: BgNbdParams, t: number, summary: RepeatSummary): number {
  return purchasesIfAlive(params, t, summary.x, summary.T) / deadOdds(params, summary);
}

/** The divisor that weighs purchases by the odds the customer is still alive: 1 + P(dropped out) / P(alive). */
export function deadOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RepeatSummary): number {
  const lnOdds = x > 0 ? Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)) : -Infinity;
  return 1 + Math.exp(lnOdds);
}

/** Purchases if alive are kept for x below this and T (days) below that: nearly every customer of a shop. */
const KEPT_X = 32;
const KEPT_T = 4096;

/** A model's purchases if alive worked out so far: for each t asked, for each x, a row by T (NaN where not yet). */
interface KnownIfAlive {
  ts: number[];
  rows: Array<Array<Float64Array | undefined>>;
}
const knownIfAlive = new WeakMap<BgNbdParams, KnownIfAlive>();
let lastModel: { params: BgNbdParams; known: KnownIfAlive } | null = null;

/** The row of T for this model, t and x: made when first asked, so a card's one customer makes a few rows, not a table. */
function knownRow(params: BgNbdParams, t: number, x: number): Float64Array {
  if (lastModel?.params !== params) {
    let known = knownIfAlive.get(params);
    if (!known) knownIfAlive.set(params, (known = { ts: [], rows: [] }));
    lastModel = { params, known };
  }
  const { ts, rows } = lastModel.known;
  let at = ts.indexOf(t);
  if (at < 0) at = ts.push(t) - 1;
  const byX = (rows[at] ??= []);
  return (byX[x] ??= new Float64Array(KEPT_T).fill(Number.NaN));
}

/**
 * The expected purchases in (T, T+t] of a customer still alive. The hypergeometric factor is taken
 * through Euler's transformation, 2F1(r+x, b+x; c; z) = (1−z)^(c−r−x−b−x) 2F1(a+b−1−r, a−1; c; z),
 * whose terms stay small however many purchases x is. It depends on x, T and t alone, which most
 * customers of a big shop share with many others (days since their first purchase, a few repeat
 * purchases), so each is worked out once per model: their series were a quarter of scoring.
 */
export function purchasesIfAlive(params: BgNbdParams, t: number, x: number, T: number): number {
  const kept = Number.isInteger(x) && Number.isInteger(T) && x >= 0 && T >= 0 && x < KEPT_X && T < KEPT_T;
  const row = kept ? knownRow(params, t, x) : null;
  const known = row ? row[T]! : Number.NaN;
  if (!Number.isNaN(known)) return known;
  const { r, alpha, a, b } = params;
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const rest = Math.pow(1 - z, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z);
  const purchases = (c / (a - 1)) * (1 - rest);
  if (row) row[T] = purchases;
  return purchases;
}

/** E[purchases in (0, t]] for a new customer. */
export function expectedPurchasesNew({ r, alpha, a, b }: BgNbdParams, t: number): number {
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

/** The summary of a customer's purchase occasions (days) as of a day. */
export function repeatSummary(occasionDays: readonly number[], asOfDay: number): RepeatSummary | null {
  const first = occasionDays[0];
  if (first === undefined) return null;
  return { x: occasionDays.length - 1, tx: occasionDays[occasionDays.length - 1]! - first, T: asOfDay - first };
}

/** Fewer customers than this, or fewer repeat buyers, and the fit means little. */
export const MIN_CUSTOMERS = 30;
export const MIN_REPEAT_BUYERS = 5;

export type BgNbdModel =
  | { status: 'fitted'; params: BgNbdParams }
  | { status: 'too-few-customers' | 'too-few-repeat-buyers' | 'did-not-converge' | 'no-dropout-seen'; params: null };

/**
 * Beyond this, a and b have run off to infinity: the customers show no sign of dropping out yet
 * (a shop of regulars, or a young one), the Beta mixing is gone, and the expectations' series no
 * longer sum in floating point.
 */
export const MAX_DROPOUT_SHAPE = 1e4;

export default defineScorer<BgNbdModel>({
  id: 'bgnbd',
  version: 1,
  after: ['history'],
  facts: {
    pAlive: { type: 'number', unit: 'share', description: { en: 'Probability the customer is still active (BG/NBD, 0–1)', 'zh-CN': '客户仍活跃的概率（BG/NBD 模型，0–1）' } },
    expectedPurchases30d: { type: 'number', unit: 'count', description: { en: 'Expected purchases in the next 30 days (BG/NBD)', 'zh-CN': '未来30天预计购买次数（BG/NBD）' } },
    expectedPurchases90d: { type: 'number', unit: 'count', description: { en: 'Expected purchases in the next 90 days (BG/NBD)', 'zh-CN': '未来90天预计购买次数（BG/NBD）' } },
    bgnbdStatus: {
      type: 'string',
      description: {
        en: '"fitted", or why the model gives no figures: "too-few-customers", "too-few-repeat-buyers", "did-not-converge", "no-dropout-seen" (no customer seems to have left yet)',
        'zh-CN': '"fitted" 表示模型可用；否则说明原因："too-few-customers"（客户太少）、"too-few-repeat-buyers"（回头客太少）、"did-not-converge"（未收敛）、"no-dropout-seen"（尚未观察到客户流失）',
      },
    },
  },
  fit(ctx) {
    const sample = new KeySample<RepeatSummary>();
    return {
      add({ history }) {
        const summary = repeatSummary(history.occasionDays, ctx.asOfDay);
        if (summary) sample.add(history.customer.key, summary);
      },
      model() {
        const rows = sample.take();
        if (rows.length < MIN_CUSTOMERS) return { status: 'too-few-customers', params: null };
        if (rows.filter((row) => row.x > 0).length < MIN_REPEAT_BUYERS) return { status: 'too-few-repeat-buyers', params: null };
        const fit = fitBgNbd(rows);
        const sane = Object.values(fit.params).every((v) => Number.isFinite(v) && v > 0);
        if (!fit.converged || !sane) return { status: 'did-not-converge', params: null };
        if (fit.params.a > MAX_DROPOUT_SHAPE || fit.params.b > MAX_DROPOUT_SHAPE) return { status: 'no-dropout-seen', params: null };
        return { status: 'fitted', params: fit.params };
      },
      taken: () => sample.taken(),
      join: (taken: SampleTaken<RepeatSummary>) => sample.join(taken),
    };
  },
  score({ history }, model, ctx) {
    const summary = repeatSummary(history.occasionDays, ctx.asOfDay);
    if (!summary || model.status !== 'fitted') return { pAlive: null, expectedPurchases30d: null, expectedPurchases90d: null, bgnbdStatus: model.status };
    return {
      pAlive: rounded(probabilityAlive(model.params, summary), 4),
      expectedPurchases30d: rounded(expectedPurchases(model.params, 30, summary), 4),
      expectedPurchases90d: rounded(expectedPurchases(model.params, 90, summary), 4),
      bgnbdStatus: 'fitted',
    };
  },
});
