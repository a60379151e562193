import { describe, expect, it } from 'vitest';
import products from '../../../plugins/scorers/products';
import { fitOn, type CustomerHistory, type ProductPurchases, type ScoreContext, type Scored } from '../../../lib/scoring/scorer';

const member = (key: string, bought: ProductPurchases[]): Scored => ({ history: { customer: { key }, products: bought } as CustomerHistory, facts: {} });
const tea = (days: number[]): ProductPurchases => ({ sku: 'PUER-357', title: '云南普洱 熟茶饼 357g', days });
const cup = (days: number[]): ProductPurchases => ({ sku: 'CUP-1', title: '茶具 公道杯', days });
const tray = (days: number[]): ProductPurchases => ({ sku: 'TRAY', title: '竹茶盘', days });
const ctx = { asOfDay: 1000 } as ScoreContext;

describe('products scorer', () => {
  // Five buyers each buy the tea every 30, 30, 40, 60 and 90 days: its cycle is their median, 40.
  const regulars = [30, 30, 40, 60, 90].map((gap, i) => member(`r${i}`, [tea([100, 100 + gap, 100 + 2 * gap])]));

  it('gives a product its own cycle once five of its buyers bought it twice, and names the product a customer is next due to refill', () => {
    const model = fitOn(products, regulars, ctx);
    expect(model.cycles).toEqual(new Map([['PUER-357', 40]]));
    // Last bought on day 965: due on day 1005, five days on.
    expect(products.score(member('a', [tea([900, 965])]), model, ctx)).toEqual({ refillProduct: '云南普洱 熟茶饼 357g', daysUntilRefill: 5, refillCycleDays: 40 });
    // More than 30 days overdue: bought elsewhere, most likely; no reminder.
    expect(products.score(member('b', [tea([900, 920])]), model, ctx)).toEqual({ refillProduct: null, daysUntilRefill: null, refillCycleDays: null });
    // Four repeat buyers are not enough to know a cycle.
    expect(fitOn(products, regulars.slice(0, 4), ctx).cycles.size).toBe(0);
  });

  it('finds the products bought together, with the share of the first’s buyers who took the second too', () => {
    // Most shops sell one product an order: a customer's basket is all they bought.
    const baskets = [
      member('a', [tea([10]), cup([11])]),
      member('b', [tea([20, 50]), cup([20]), tray([50])]),
      member('c', [tea([30]), cup([30])]),
      member('d', [tea([40])]),
      member('e', [tray([60]), cup([70])]),
    ];
    const model = fitOn(products, baskets, ctx);
    // Tea is in 4 baskets, 3 with the cup; tea with the tray once only: too few.
    expect(model.companions.get('PUER-357')).toEqual([{ sku: 'CUP-1', title: '茶具 公道杯', together: 3, share: 0.75 }]);
    expect(model.companions.get('CUP-1')).toEqual([
      { sku: 'PUER-357', title: '云南普洱 熟茶饼 357g', together: 3, share: 0.75 },
      { sku: 'TRAY', title: '竹茶盘', together: 2, share: 0.5 },
    ]);
    expect(model.companions.get('TRAY')).toEqual([{ sku: 'CUP-1', title: '茶具 公道杯', together: 2, share: 1 }]);
    expect(products.publish!(model)).toEqual({ companions: Object.fromEntries(model.companions) });
  });

  it('takes a wholesale buyer of many products day by day, not as one basket of everything', () => {
    const stock = Array.from({ length: 30 }, (_, i): ProductPurchases => ({ sku: `SKU-${i}`, title: `Item ${i}`, days: [i < 2 ? 5 : 100 + i] }));
    const wholesaler = (key: string) => member(key, stock);
    const model = fitOn(products, [wholesaler('w1'), wholesaler('w2')], ctx);
    // Only SKU-0 and SKU-1 shared a day; the other 28 came a day each.
    expect([...model.companions.keys()].sort()).toEqual(['SKU-0', 'SKU-1']);
    expect(model.companions.get('SKU-0')).toEqual([{ sku: 'SKU-1', title: 'Item 1', together: 2, share: 1 }]);
  });
});
