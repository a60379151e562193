import { describe, expect, it } from 'vitest';
import { fitScorers, scoreCustomer } from '../../../lib/scoring/pipeline';
import history from '../../../plugins/scorers/history';
import rfm from '../../../plugins/scorers/rfm';
import { baseAt, histories, order } from './scoring-helpers';

describe('RFM scorer', () => {
  const base = baseAt('2024-07-01');
  // Ten buyers: six bought once (a tie), the others two to five times; all on different days.
  const orders = Array.from({ length: 10 }, (_, i) =>
    Array.from({ length: i < 6 ? 1 : i - 4 }, (_, k) => order(`b${i}`, `2024-0${1 + k}-${String(10 + i).padStart(2, '0')} 10:00`, 10 * (i + 1))),
  ).flat();

  function codes(list: ReturnType<typeof histories>) {
    const ctx = fitScorers(() => list, base, [history, rfm]);
    return new Map(list.map((h) => [h.customer.key, scoreCustomer(h, ctx, [history, rfm])]));
  }

  it('gives tied customers the same quintile whatever the order of the file', () => {
    const forward = codes(histories(orders, base));
    const backward = codes(histories([...orders].reverse(), base));
    for (const [key, facts] of forward) expect(backward.get(key)).toEqual(facts);
    const onceBuyers = [0, 1, 2, 3, 4, 5].map((i) => forward.get(`taobao:b${i}`)!.rfmF);
    expect(new Set(onceBuyers)).toEqual(new Set([1]));
    // Six of the nine others do worse than a two-time buyer: 1 + ⌊5 × 6/9⌋ = 4.
    expect(forward.get('taobao:b6')!.rfmF).toBe(4);
    expect(forward.get('taobao:b9')).toMatchObject({ rfmF: 5, rfmM: 5 });
    expect(forward.get('taobao:b0')!.rfmM).toBe(1);
  });

  it('keeps each distinct value of the population once, with how many are at most it', () => {
    const list = histories(orders, base);
    const model = fitScorers(() => list, base, [history, rfm]).models.rfm as { n: number; frequency: { values: Float64Array; upTo: Uint32Array } };
    expect(model.n).toBe(10);
    // Six bought once, then one each two to five times.
    expect([...model.frequency.values]).toEqual([1, 2, 3, 4, 5]);
    expect([...model.frequency.upTo]).toEqual([6, 7, 8, 9, 10]);
  });

  it('ranks spend as the share of customers who spent less', () => {
    const facts = codes(histories(orders, base));
    // b9 spent most: nine of ten spent less; b0 spent least.
    expect(facts.get('taobao:b9')!.monetaryPercentile).toBe(0.9);
    expect(facts.get('taobao:b6')!.monetaryPercentile).toBe(0.6);
    expect(facts.get('taobao:b0')!.monetaryPercentile).toBe(0);
  });

  it('scores recency with 5 for the most recent buyer and builds the code', () => {
    const facts = codes(histories(orders, base));
    const byRecency = [...facts.values()].sort((a, b) => (a.recencyDays as number) - (b.recencyDays as number));
    expect(byRecency[0]!.rfmR).toBe(5);
    expect(byRecency[byRecency.length - 1]!.rfmR).toBe(1);
    for (const f of facts.values()) expect(f.rfmCode).toBe(`${f.rfmR}${f.rfmF}${f.rfmM}`);
  });

  it('scores every customer as counting the others one by one does, where recencies and frequencies share their numbers', () => {
    // 60 buyers: 1 to 6 purchases, the last 3 to 15 days ago (in a cycle of its own), so a recency and a frequency are often the same number.
    const many = Array.from({ length: 60 }, (_, i) =>
      Array.from({ length: 1 + (i % 6) }, (_, k) => order(`m${i}`, `2024-06-${String(28 - (i % 7) * 2 - k * 3).padStart(2, '0')} 10:00`, 5 + i)),
    ).flat();
    const facts = [...codes(histories(many, base)).values()];
    expect(facts).toHaveLength(60);
    const n = facts.length;
    const quintileOf = (worse: number) => Math.min(5, 1 + Math.floor((5 * worse) / (n - 1)));
    const recencies = new Set(facts.map((f) => f.recencyDays));
    const frequencies = new Set(facts.map((f) => f.frequency));
    expect([...recencies].some((r) => frequencies.has(r))).toBe(true);
    for (const f of facts) {
      let laterBuyers = 0;
      let rarerBuyers = 0;
      for (const other of facts) {
        if ((other.recencyDays as number) > (f.recencyDays as number)) laterBuyers += 1;
        if ((other.frequency as number) < (f.frequency as number)) rarerBuyers += 1;
      }
      expect([f.rfmR, f.rfmF]).toEqual([quintileOf(laterBuyers), quintileOf(rarerBuyers)]);
    }
  });

  it('leaves a customer with no purchase unscored', () => {
    const list = histories([order('a', '2024-06-01 10:00', 10), order('b', '2024-06-02 10:00', 10, { status: 'unpaid' })], base);
    expect(codes(list).get('taobao:b')).toMatchObject({ rfmR: null, rfmCode: null });
  });
});
