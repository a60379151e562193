import { defineScorer, fixed } from '../../lib/scoring/scorer';

/**
 * 流失预警: churnRisk = 1 − (1 − overdue) × pAlive, in 0..1.
 *
 * - overdue = clamp((recencyDays / repurchaseCycleDays − 1) / 2, 0, 1): nothing while the customer
 *   is within their own cycle (the shop's cycle for a one-time buyer), rising to 1 when they are
 *   three cycles without a purchase.
 * - pAlive is BG/NBD's probability that the customer is still active. It is 1 for a one-time
 *   buyer (the model cannot see them leave), so for them the cycle alone speaks; for a regular it
 *   drops when the silence is long for someone who bought that often.
 * - Without a fitted BG/NBD (a small shop) pAlive counts as 1 and `churnBasis` says "cycle only";
 *   without any cycle (no repeat buyer in the shop) the risk is unknown (null).
 */
export function churnRisk(recencyDays: number, cycleDays: number, pAlive: number): number {
  const overdue = Math.min(1, Math.max(0, (recencyDays / Math.max(cycleDays, 1) - 1) / 2));
  return 1 - (1 - overdue) * pAlive;
}

export default defineScorer({
  id: 'churn',
  version: 1,
  after: ['history', 'repurchase-cycle', 'bgnbd'],
  facts: {
    churnRisk: { type: 'number', unit: 'share', description: { en: 'Risk the customer is lost (0–1), from P(alive) and recency against their cycle', 'zh-CN': '流失风险（0–1）：综合存活概率与超出回购周期的程度' } },
    churnBasis: {
      type: 'string',
      description: { en: '"model and cycle", "cycle only" (no BG/NBD fit), or empty when unknown', 'zh-CN': '"model and cycle"（模型与周期）、"cycle only"（仅周期）或为空（无法判断）' },
    },
  },
  score({ facts }) {
    const { recencyDays, repurchaseCycleDays, pAlive } = facts;
    if (typeof recencyDays !== 'number' || typeof repurchaseCycleDays !== 'number') return { churnRisk: null, churnBasis: null };
    const modelled = typeof pAlive === 'number';
    return {
      churnRisk: fixed(churnRisk(recencyDays, repurchaseCycleDays, modelled ? pAlive : 1), 4),
      churnBasis: modelled ? 'model and cycle' : 'cycle only',
    };
  },
});
