import { DEFAULT_CYCLE_DAYS, lifecycleStage, lostBandOf } from '../../lib/lifecycle';
import { defineScorer } from '../../lib/scoring/scorer';

/** 客户生命周期: the stage of each customer against their cycle and the shop's (lib/lifecycle.ts). */
export default defineScorer({
  id: 'lifecycle',
  version: 1,
  after: ['history', 'repurchase-cycle'],
  facts: {
    lifecycleStage: {
      type: 'string',
      description: {
        en: 'Lifecycle stage: "new", "growing", "mature" (within the cycle, by purchases), "declining" (past it), "dormant" (two cycles), "lost" (three)',
        'zh-CN': '生命周期阶段："new" 新客、"growing" 成长、"mature" 成熟（周期内，按购买次数）、"declining" 衰退（已过周期）、"dormant" 沉睡（两个周期）、"lost" 流失（三个周期）',
      },
    },
    lostBand: {
      type: 'string',
      description: {
        en: 'For lost customers, days since the last purchase: "90", "180", "365" (at most) or "over-365"; empty otherwise',
        'zh-CN': '流失客户距最近购买的天数段："90"、"180"、"365"（以内）或 "over-365"；其他客户为空',
      },
    },
    lifecycleBasis: {
      type: 'string',
      description: {
        en: 'The cycle the stage was judged against: "own", "shop", or "default" (90 days, while no customer has bought twice)',
        'zh-CN': '判断阶段所用的周期："own" 本人、"shop" 全店，或 "default"（尚无回头客时按90天）',
      },
    },
  },
  score({ facts }, _model, ctx) {
    const { recencyDays, frequency, repurchaseCycleDays, repurchaseCycleSource } = facts;
    if (typeof recencyDays !== 'number' || typeof frequency !== 'number' || frequency < 1) return { lifecycleStage: null, lostBand: null, lifecycleBasis: null };
    const shopCycle = (ctx.models['repurchase-cycle'] as { populationCycleDays: number | null } | undefined)?.populationCycleDays ?? null;
    const cycle = typeof repurchaseCycleDays === 'number' ? repurchaseCycleDays : DEFAULT_CYCLE_DAYS;
    const stage = lifecycleStage(frequency, recencyDays, cycle, shopCycle ?? cycle);
    return {
      lifecycleStage: stage,
      lostBand: stage === 'lost' ? lostBandOf(recencyDays) : null,
      lifecycleBasis: typeof repurchaseCycleDays !== 'number' ? 'default' : repurchaseCycleSource === 'own' ? 'own' : 'shop',
    };
  },
});
