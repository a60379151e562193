import { minorDigits } from '../../lib/money';
import { nelderMead } from '../../lib/scoring/optimize';
import { KeySample, type SampleTaken } from '../../lib/scoring/sample';
import { defineScorer, rounded, type CustomerHistory } from '../../lib/scoring/scorer';
import { lnGamma } from '../../lib/scoring/special';
import { deadOdds, purchasesIfAlive, repeatSummary, type BgNbdModel, type BgNbdParams, type Fit, type RepeatSummary } from './bgnbd';

/** Gamma-Gamma (Fader, Hardie & Lee 2005, note 025): spend per purchase ~ Gamma(p, ν), ν ~ Gamma(q, γ); `v` is γ. */
export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** A repeat buyer: x repeat purchases with mean value m (first purchase excluded). */
export interface SpendSummary {
  x: number;
  m: number;
}

/** Rows in typed arrays with ln m worked out once, and the distinct x so the Gamma terms are computed once per x. */
interface Prepared {
  m: Float64Array;
  lnM: Float64Array;
  xIndex: Int32Array;
  xs: number[];
}

function prepare(rows: readonly SpendSummary[]): Prepared {
  const xs = [...new Set(rows.map((row) => row.x))];
  const position = new Map(xs.map((x, i) => [x, i]));
  return {
    m: Float64Array.from(rows, (row) => row.m),
    lnM: Float64Array.from(rows, (row) => Math.log(row.m)),
    xIndex: Int32Array.from(rows, (row) => position.get(row.x)!),
    xs,
  };
}

function logLikelihoodOf({ p, q, v }: GammaGammaParams, rows: Prepared): number {
  const lnV = Math.log(v);
  const lnGq = lnGamma(q);
  const perX = rows.xs.map((x) => lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x));
  let total = rows.m.length * (q * lnV - lnGq);
  for (let i = 0; i < rows.m.length; i += 1) {
    const k = rows.xIndex[i]!;
    const x = rows.xs[k]!;
    const px = p * x;
    total += perX[k]! + (px - 1) * rows.lnM[i]! - (px + q) * Math.log(v + rows.m[i]! * x);
  }
  return total;
}

export const gammaGammaLogLikelihood = (params: GammaGammaParams, rows: readonly SpendSummary[]) => logLikelihoodOf(params, prepare(rows));

/** Maximum likelihood over log-parameters, money scaled to a mean of 1 (only ν's scale depends on it). */
export function fitGammaGamma(rows: readonly SpendSummary[]): Fit<GammaGammaParams> {
  const scale = rows.reduce((sum, row) => sum + row.m, 0) / rows.length || 1;
  const scaled = prepare(rows.map(({ x, m }) => ({ x, m: m / scale })));
  const objective = ([lp, lq, lv]: number[]) => -logLikelihoodOf({ p: Math.exp(lp!), q: Math.exp(lq!), v: Math.exp(lv!) }, scaled);
  let best = nelderMead(objective, [0, 0, 0]);
  for (let restart = 0; restart < 5; restart += 1) {
    const again = nelderMead(objective, best.point, { step: 0.1 });
    const improved = again.value < best.value - 1e-9;
    best = again.value <= best.value ? again : best;
    if (!improved) break;
  }
  const [p, q, v] = best.point.map(Math.exp) as [number, number, number];
  const params = { p, q, v: v * scale };
  return { params, logLikelihood: gammaGammaLogLikelihood(params, rows), converged: best.converged && Number.isFinite(best.value), customers: rows.length };
}

/** E[spend per purchase | x, m]: between the population mean and the customer's own, weighted by how much they bought. */
export function expectedSpend({ p, q, v }: GammaGammaParams, { x, m }: SpendSummary): number {
  const populationMean = (v * p) / (q - 1);
  if (x === 0) return populationMean;
  const weight = (p * x) / (p * x + q - 1);
  return (1 - weight) * populationMean + weight * m;
}

/** The customer's repeat purchases as the model counts them, in major units; null without a repeat purchase. */
export function spendSummary(history: CustomerHistory): SpendSummary | null {
  const repeats = history.occasionSpendMinor.slice(1);
  if (repeats.length === 0) return null;
  const digits = minorDigits(history.customer.currency);
  return { x: repeats.length, m: repeats.reduce((sum, v) => sum + v, 0) / repeats.length / 10 ** digits };
}

const MONTH_DAYS = 365 / 12;
export const MIN_REPEAT_BUYERS = 10;

export type GammaGammaModel = { status: 'fitted'; params: GammaGammaParams } | { status: 'too-few-repeat-buyers' | 'did-not-converge'; params: null };

/**
 * 客户终身价值: the next 12 months' expected purchases (BG/NBD, month by month) times the expected
 * spend per purchase (Gamma-Gamma), each month discounted at the monthly rate in the settings.
 */
export function predictedClv(
  bgnbd: BgNbdParams,
  spendPerPurchase: number,
  summary: RepeatSummary,
  monthlyDiscountRate: number,
  months = 12,
): number {
  let clv = 0;
  let before = 0;
  // As expectedPurchases month by month, the odds the customer is alive taken once.
  const odds = deadOdds(bgnbd, summary);
  const discounts = discountsOf(monthlyDiscountRate, months);
  for (let month = 1; month <= months; month += 1) {
    const upTo = purchasesIfAlive(bgnbd, month * MONTH_DAYS, summary.x, summary.T) / odds;
    clv += (spendPerPurchase * (upTo - before)) / discounts[month - 1]!;
    before = upTo;
  }
  return clv;
}

let lastDiscounts = { rate: Number.NaN, factors: new Float64Array(0) };
/** (1 + rate) to the power of each month: the same for every customer (their twelve powers were a third of scoring Gamma-Gamma). */
function discountsOf(rate: number, months: number): Float64Array {
  if (lastDiscounts.rate !== rate || lastDiscounts.factors.length !== months) lastDiscounts = { rate, factors: Float64Array.from({ length: months }, (_, i) => (1 + rate) ** (i + 1)) };
  return lastDiscounts.factors;
}

export default defineScorer<GammaGammaModel>({
  id: 'gamma-gamma',
  version: 1,
  after: ['history', 'bgnbd'],
  // The fit reads each customer's spend per purchase from their history alone: it shares the first walk.
  fitReads: [],
  facts: {
    expectedSpendPerPurchase: { type: 'number', unit: 'money', description: { en: 'Expected spend per future purchase (Gamma-Gamma)', 'zh-CN': '预计每次购买金额（Gamma-Gamma 模型）' } },
    predictedClv365: {
      type: 'number', unit: 'money',
      description: { en: 'Predicted value of the next 12 months, discounted (CLV)', 'zh-CN': '预测未来12个月的客户价值（折现后，CLV）' },
    },
    gammaGammaStatus: {
      type: 'string',
      description: {
        en: '"fitted", or why there is no CLV: "too-few-repeat-buyers", "did-not-converge", or the BG/NBD status',
        'zh-CN': '"fitted" 表示模型可用；否则说明原因："too-few-repeat-buyers"、"did-not-converge" 或 BG/NBD 的状态',
      },
    },
  },
  fit() {
    const sample = new KeySample<SpendSummary>();
    return {
      add({ history }) {
        const summary = spendSummary(history);
        if (summary && summary.m > 0) sample.add(history.customer.key, summary);
      },
      model() {
        const rows = sample.take();
        if (rows.length < MIN_REPEAT_BUYERS) return { status: 'too-few-repeat-buyers', params: null };
        const fit = fitGammaGamma(rows);
        const sane = fit.params.q > 1 && Object.values(fit.params).every((v) => Number.isFinite(v) && v > 0);
        return fit.converged && sane ? { status: 'fitted', params: fit.params } : { status: 'did-not-converge', params: null };
      },
      taken: () => sample.taken(),
      join: (taken: SampleTaken<SpendSummary>) => sample.join(taken),
    };
  },
  score({ history, facts }, model, ctx) {
    if (model.status !== 'fitted') return { expectedSpendPerPurchase: null, predictedClv365: null, gammaGammaStatus: model.status };
    const own = spendSummary(history);
    const spend = expectedSpend(model.params, own && own.m > 0 ? own : { x: 0, m: 0 });
    const digits = minorDigits(history.customer.currency);
    const bgnbd = ctx.models.bgnbd as BgNbdModel | undefined;
    const summary = repeatSummary(history.occasionDays, ctx.asOfDay);
    if (!bgnbd || bgnbd.status !== 'fitted' || !summary) {
      return { expectedSpendPerPurchase: rounded(spend, digits), predictedClv365: null, gammaGammaStatus: (facts.bgnbdStatus as string | null) ?? 'too-few-customers' };
    }
    return {
      expectedSpendPerPurchase: rounded(spend, digits),
      predictedClv365: rounded(predictedClv(bgnbd.params, spend, summary, ctx.settings.clvDiscountRate), digits),
      gammaGammaStatus: 'fitted',
    };
  },
});
