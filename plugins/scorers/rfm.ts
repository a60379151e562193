import { defineScorer, fixed } from '../../lib/scoring/scorer';
import { countAtMost, countBelow } from '../../lib/sorted';

/**
 * A column of the population's values as each distinct value and how many are at most it: what
 * counting who does worse needs. Kept with every profiles' base and read for a customer's card,
 * the sorted columns whole were some 21 MB at a million customers; a shop has a few thousand
 * recencies, a few dozen frequencies and far fewer spends than customers.
 */
interface Tally {
  values: Float64Array;
  /** `upTo[i]`: how many are at most `values[i]`. */
  upTo: Uint32Array;
}

interface RfmModel {
  /** Customers who bought. */
  n: number;
  recency: Tally;
  frequency: Tally;
  monetary: Tally;
}

/** A sorted column as its tally. */
function tallyOf(sorted: Float64Array): Tally {
  const values: number[] = [];
  const upTo: number[] = [];
  for (let i = 0; i < sorted.length; i += 1) {
    if (values.length === 0 || values[values.length - 1] !== sorted[i]) {
      values.push(sorted[i]!);
      upTo.push(i + 1);
    } else upTo[upTo.length - 1] = i + 1;
  }
  return { values: Float64Array.from(values), upTo: Uint32Array.from(upTo) };
}

/** How many of a tally's values are below `value`. */
const tallyBelow = ({ values, upTo }: Tally, value: number) => {
  const at = countBelow(values, value);
  return at === 0 ? 0 : upTo[at - 1]!;
};

/** How many of a tally's values are at most `value`. */
const tallyAtMost = ({ values, upTo }: Tally, value: number) => {
  const at = countAtMost(values, value);
  return at === 0 ? 0 : upTo[at - 1]!;
};

/**
 * A quintile from the share of the other customers who do worse: 1 + ⌊5 × worse / (N − 1)⌋, capped
 * at 5, so the best customer gets 5 and the worst 1 even in a small shop (a lone customer gets 3).
 * Equal values always get equal scores, whatever their order in the file: when 60% of customers
 * bought once they all get F = 1, rather than the tie being split at random across quintiles.
 */
const quintile = (worse: number, n: number) => (n === 1 ? 3 : Math.min(5, 1 + Math.floor((5 * worse) / (n - 1))));

/**
 * How many of a tally's values are below (or at most) a whole number, counted once per
 * number: a million customers have a few thousand recencies and a few dozen frequencies, where a
 * search of a million sorted values for every customer cost the rescore some 1 s.
 */
class CountedOnce {
  private readonly known = new Map<number, number>();
  constructor(
    private readonly tally: Tally,
    private readonly count: (tally: Tally, value: number) => number,
  ) {}

  of(value: number): number {
    // Only whole numbers are kept: a value of many fractions would grow the map without end.
    if (!Number.isInteger(value)) return this.count(this.tally, value);
    let known = this.known.get(value);
    if (known === undefined) this.known.set(value, (known = this.count(this.tally, value)));
    return known;
  }
}

/** Each fitted model's counts, made on its first score (a model read again from the day's rescore base gets its own). */
const countsByModel = new WeakMap<RfmModel, { recentAtMost: CountedOnce; rarer: CountedOnce }>();

/** RFM quintiles over the customers who bought (recent = 5, frequent = 5, big spenders = 5). */
export default defineScorer<RfmModel>({
  id: 'rfm',
  version: 2,
  after: ['history'],
  facts: {
    rfmR: { type: 'number', description: { en: 'Recency quintile, 5 = most recent', 'zh-CN': '最近购买 (R) 五分位，5 为最近' } },
    rfmF: { type: 'number', description: { en: 'Frequency quintile, 5 = most frequent', 'zh-CN': '购买频率 (F) 五分位，5 为最频繁' } },
    rfmM: { type: 'number', description: { en: 'Monetary quintile, 5 = highest spend', 'zh-CN': '消费金额 (M) 五分位，5 为最高' } },
    rfmCode: { type: 'string', description: { en: 'R, F and M together, e.g. "545"', 'zh-CN': 'RFM 组合代码，如 "545"' } },
    monetaryPercentile: {
      type: 'number', unit: 'share',
      description: { en: 'Share of customers who spent less (0–1); 0.95 or more is the top 5%', 'zh-CN': '消费金额低于该客户的客户占比（0–1）；≥0.95 即前5%' },
    },
  },
  fit() {
    const recency: number[] = [];
    const frequency: number[] = [];
    const monetary: number[] = [];
    const tally = (values: number[]) => tallyOf(Float64Array.from(values).sort());
    return {
      add({ facts }) {
        if (typeof facts.recencyDays !== 'number') return;
        recency.push(facts.recencyDays);
        frequency.push(facts.frequency as number);
        monetary.push(facts.monetary as number);
      },
      model: () => ({ n: recency.length, recency: tally(recency), frequency: tally(frequency), monetary: tally(monetary) }),
      // Typed, to be copied to another thread at once; each list is sorted for the model.
      taken: () => ({ recency: Float64Array.from(recency), frequency: Float64Array.from(frequency), monetary: Float64Array.from(monetary) }),
      join(taken: Record<'recency' | 'frequency' | 'monetary', Float64Array>) {
        for (const value of taken.recency) recency.push(value);
        for (const value of taken.frequency) frequency.push(value);
        for (const value of taken.monetary) monetary.push(value);
      },
    };
  },
  score({ facts }, model) {
    const n = model.n;
    if (typeof facts.recencyDays !== 'number' || n === 0) return { rfmR: null, rfmF: null, rfmM: null, rfmCode: null, monetaryPercentile: null };
    let counts = countsByModel.get(model);
    if (!counts) countsByModel.set(model, (counts = { recentAtMost: new CountedOnce(model.recency, tallyAtMost), rarer: new CountedOnce(model.frequency, tallyBelow) }));
    const rfmR = quintile(n - counts.recentAtMost.of(facts.recencyDays), n);
    const rfmF = quintile(counts.rarer.of(facts.frequency as number), n);
    const poorer = tallyBelow(model.monetary, facts.monetary as number);
    const rfmM = quintile(poorer, n);
    return { rfmR, rfmF, rfmM, rfmCode: `${rfmR}${rfmF}${rfmM}`, monetaryPercentile: fixed(poorer / n, 4) };
  },
});
