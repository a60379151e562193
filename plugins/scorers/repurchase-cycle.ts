import { defineScorer, fixed } from '../../lib/scoring/scorer';
import { median } from '../../lib/sorted';

/**
 * A customer's own typical gap between purchase occasions: the mean, first to last over the gaps
 * between (a median would call someone who buys in bursts a few days apart a weekly buyer).
 */
export function ownCycleDays(occasionDays: readonly number[]): number | null {
  if (occasionDays.length < 2) return null;
  const span = occasionDays[occasionDays.length - 1]! - occasionDays[0]!;
  return fixed(span / (occasionDays.length - 1), 1);
}

interface CycleModel {
  /** The median of repeat buyers' own cycles; null when the shop has no repeat buyer yet. */
  populationCycleDays: number | null;
}

/** 回购周期: when each customer usually buys again, and how many days until that is due. */
export default defineScorer<CycleModel>({
  id: 'repurchase-cycle',
  version: 1,
  after: ['history'],
  facts: {
    repurchaseCycleDays: {
      type: 'number',
      unit: 'days',
      description: { en: "Typical days between purchases: the customer's own, or the shop's for one-time buyers", 'zh-CN': '回购周期（天）：客户自己的，一次性买家取全店的' },
    },
    repurchaseCycleSource: {
      type: 'string',
      description: { en: '"own" (from two or more purchases) or "population" (the shop\'s typical cycle)', 'zh-CN': '"own" 为本人两次以上购买得出，"population" 为全店典型周期' },
    },
    daysUntilRepurchaseDue: {
      type: 'number', unit: 'days',
      description: { en: 'Days until the next purchase is due; negative when overdue', 'zh-CN': '距预计回购日的天数；已逾期时为负数' },
    },
  },
  fit() {
    const cycles: number[] = [];
    return {
      add({ history }) {
        const cycle = ownCycleDays(history.occasionDays);
        if (cycle !== null) cycles.push(cycle);
      },
      model: () => ({ populationCycleDays: cycles.length > 0 ? median(cycles) : null }),
      taken: () => Float64Array.from(cycles),
      join(taken: Float64Array) {
        for (const cycle of taken) cycles.push(cycle);
      },
    };
  },
  score({ history }, model, ctx) {
    const last = history.occasionDays[history.occasionDays.length - 1];
    const own = ownCycleDays(history.occasionDays);
    const cycle = own ?? model.populationCycleDays;
    if (last === undefined || cycle === null) return { repurchaseCycleDays: null, repurchaseCycleSource: null, daysUntilRepurchaseDue: null };
    return {
      repurchaseCycleDays: cycle,
      repurchaseCycleSource: own === null ? 'population' : 'own',
      daysUntilRepurchaseDue: Math.round(last + cycle - ctx.asOfDay),
    };
  },
});
