import { KeySample, type SampleTaken } from '../../lib/scoring/sample';
import { defineScorer, type ProductPurchases } from '../../lib/scoring/scorer';
import { ownCycleDays } from './repurchase-cycle';
import { median } from '../../lib/sorted';

/** Buyers who bought a product on two days or more, from whom its cycle is taken. */
export const MIN_REPEAT_BUYERS = 5;
/** A refill more overdue than this was likely bought elsewhere: no longer worth a reminder. */
const STALE_AFTER_DAYS = 30;
/** Baskets larger than this are wholesale or stocktaking, not products chosen together. */
const MAX_BASKET = 20;
/** Baskets with both products before one is suggested with the other. */
const MIN_TOGETHER = 2;
const COMPANIONS_KEPT = 3;
/** The most-bought products whose companions are kept for the card. */
const PRODUCTS_KEPT = 2000;

export interface Companion {
  sku: string;
  title: string;
  /** Baskets with both products, and their share of the baskets with the first (confidence). */
  together: number;
  share: number;
}

interface ProductsModel {
  /** Each product's repurchase cycle in days, where enough of its buyers bought it twice. */
  cycles: Map<string, number>;
  /** For each of the most-bought products, those most often bought with it, best first. */
  companions: Map<string, Companion[]>;
}

type Basket = readonly Pick<ProductPurchases, 'sku' | 'title'>[];

/**
 * A customer's baskets: everything they bought (most shops sell one product an order), or, for a
 * wholesale buyer of more products than a basket holds, what they bought each day.
 */
function basketsOf(products: readonly ProductPurchases[]): Basket[] {
  if (products.length <= MAX_BASKET) return [products];
  const byDay = new Map<number, ProductPurchases[]>();
  for (const product of products) {
    for (const day of product.days) {
      let basket = byDay.get(day);
      if (!basket) byDay.set(day, (basket = []));
      basket.push(product);
    }
  }
  return [...byDay.values()];
}

/** Pairs of products in one basket, counted over the baskets of a sample of customers. */
function companionsOf(baskets: Iterable<Basket>): Map<string, Companion[]> {
  const occasions = new Map<string, { title: string; count: number }>();
  const pairs = new Map<string, Map<string, number>>();
  for (const basket of baskets) {
    for (const { sku, title } of basket) {
      const seen = occasions.get(sku) ?? { title, count: 0 };
      seen.count += 1;
      occasions.set(sku, seen);
    }
    if (basket.length < 2 || basket.length > MAX_BASKET) continue;
    for (const a of basket) {
      let withA = pairs.get(a.sku);
      if (!withA) pairs.set(a.sku, (withA = new Map()));
      for (const b of basket) if (b.sku !== a.sku) withA.set(b.sku, (withA.get(b.sku) ?? 0) + 1);
    }
  }
  const kept = [...occasions].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).slice(0, PRODUCTS_KEPT);
  const companions = new Map<string, Companion[]>();
  for (const [sku, { count }] of kept) {
    const best = [...(pairs.get(sku) ?? [])]
      .filter(([, together]) => together >= MIN_TOGETHER)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, COMPANIONS_KEPT)
      .map(([other, together]) => ({ sku: other, title: occasions.get(other)!.title, together, share: Number((together / count).toFixed(3)) }));
    if (best.length > 0) companions.set(sku, best);
  }
  return companions;
}

/**
 * 商品回购与关联推荐: each product's own repurchase cycle (the median of its repeat buyers' cycles),
 * the product each customer is next due to buy again, and the products the shop's customers buy
 * together, for the card's suggestions.
 */
export default defineScorer<ProductsModel>({
  id: 'products',
  version: 1,
  facts: {
    refillProduct: {
      type: 'string',
      description: { en: 'The product the customer is next due to buy again, by its own repurchase cycle; empty when none is known', 'zh-CN': '客户下一个该回购的商品（按该商品的回购周期）；未知时为空' },
    },
    daysUntilRefill: {
      type: 'number', unit: 'days',
      description: { en: 'Days until that product is due again; negative when overdue (up to 30 days)', 'zh-CN': '距该商品预计回购的天数；逾期为负数（最多30天）' },
    },
    refillCycleDays: {
      type: 'number', unit: 'days',
      description: { en: "That product's repurchase cycle: the median of its repeat buyers' cycles", 'zh-CN': '该商品的回购周期：多次购买者周期的中位数' },
    },
  },
  fit() {
    const cycles = new Map<string, number[]>();
    const sample = new KeySample<Basket[]>();
    return {
      add({ history }) {
        const products = history.products;
        if (!products) return;
        for (const product of products) {
          const cycle = ownCycleDays(product.days);
          if (cycle === null) continue;
          let list = cycles.get(product.sku);
          if (!list) cycles.set(product.sku, (list = []));
          list.push(cycle);
        }
        sample.offer(history.customer.key, () => basketsOf(products));
      },
      model: () => ({
        cycles: new Map([...cycles].filter(([, list]) => list.length >= MIN_REPEAT_BUYERS).map(([sku, list]) => [sku, median(list)])),
        companions: companionsOf(sample.take().flat()),
      }),
      taken: () => ({ cycles, sample: sample.taken() }),
      // The products the other half saw first come after these, as they would in one walk.
      join(taken: { cycles: Map<string, number[]>; sample: SampleTaken<Basket[]> }) {
        for (const [sku, list] of taken.cycles) {
          const mine = cycles.get(sku);
          if (mine) for (const cycle of list) mine.push(cycle);
          else cycles.set(sku, list);
        }
        sample.join(taken.sample);
      },
    };
  },
  publish: (model) => ({ companions: Object.fromEntries(model.companions) }),
  score({ history }, model, ctx) {
    let due: { title: string; days: number; cycle: number } | null = null;
    for (const product of history.products ?? []) {
      const cycle = model.cycles.get(product.sku);
      if (cycle === undefined) continue;
      const days = Math.round(product.days[product.days.length - 1]! + cycle - ctx.asOfDay);
      if (days < -STALE_AFTER_DAYS) continue;
      if (!due || days < due.days) due = { title: product.title, days, cycle };
    }
    return { refillProduct: due?.title ?? null, daysUntilRefill: due?.days ?? null, refillCycleDays: due?.cycle ?? null };
  },
});
