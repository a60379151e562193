import type { Localised } from './localised';

/**
 * 客户生命周期: where a customer stands, as the course material groups them. Within their cycle a
 * customer is new (one purchase), growing (two) or mature (three or more); past it, declining; then
 * dormant and lost by time since the last purchase against the cycle (plugins/scorers/lifecycle.ts).
 */
export const LIFECYCLE_STAGES = ['new', 'growing', 'mature', 'declining', 'dormant', 'lost'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const isLifecycleStage = (value: unknown): value is LifecycleStage => typeof value === 'string' && (LIFECYCLE_STAGES as readonly string[]).includes(value);

export const STAGE_LOOK: Record<LifecycleStage, { label: Localised; colour: string; strategy: Localised }> = {
  new: {
    label: { en: 'New', 'zh-CN': '新客' },
    colour: '#2e86c1',
    strategy: { en: 'Care after the first order; lead to a second purchase', 'zh-CN': '首单关怀，引导二次购买' },
  },
  growing: {
    label: { en: 'Growing', 'zh-CN': '成长' },
    colour: '#17a589',
    strategy: { en: 'Build the habit: related items, member benefits', 'zh-CN': '培养购买习惯：关联推荐、会员权益' },
  },
  mature: {
    label: { en: 'Mature', 'zh-CN': '成熟' },
    colour: '#1e8449',
    strategy: { en: 'Keep them: benefits by tier, raise the order value', 'zh-CN': '维护关系：会员权益，提升客单价' },
  },
  declining: {
    label: { en: 'Declining', 'zh-CN': '衰退' },
    colour: '#d68910',
    strategy: { en: 'Past their cycle: a reminder and a time-limited offer', 'zh-CN': '已过回购周期：回购提醒、限时优惠' },
  },
  dormant: {
    label: { en: 'Dormant', 'zh-CN': '沉睡' },
    colour: '#a04000',
    strategy: { en: 'Wake them: new arrivals and a personal offer', 'zh-CN': '唤醒：上新通知、专属优惠' },
  },
  lost: {
    label: { en: 'Lost', 'zh-CN': '流失' },
    colour: '#7b7d7d',
    strategy: { en: 'Win back by value (see the win-back rules)', 'zh-CN': '按价值分级挽回（见流失挽回规则）' },
  },
};

/** Lost customers by days since their last purchase, as the course groups them: within 90, 180, 365 days, or longer. */
export const LOST_BANDS = ['90', '180', '365', 'over-365'] as const;
export type LostBand = (typeof LOST_BANDS)[number];

export const LOST_BAND_LABEL: Record<LostBand, Localised> = {
  '90': { en: 'gone ≤ 90 days', 'zh-CN': '流失 ≤ 90 天' },
  '180': { en: 'gone 91–180 days', 'zh-CN': '流失 91–180 天' },
  '365': { en: 'gone 181–365 days', 'zh-CN': '流失 181–365 天' },
  'over-365': { en: 'gone over a year', 'zh-CN': '流失超过一年' },
};

export function lostBandOf(recencyDays: number): LostBand {
  return recencyDays <= 90 ? '90' : recencyDays <= 180 ? '180' : recencyDays <= 365 ? '365' : 'over-365';
}

/** Without any cycle (no repeat buyer yet), the win-back rules' three months stand in for one. */
export const DEFAULT_CYCLE_DAYS = 90;

/**
 * A customer's stage. `cycleDays`: their own cycle, else the shop's; `shopCycleDays`: the shop's.
 * Dormant after two and lost after three of the longer of the two cycles, so a buyer in bursts a
 * few days apart is not lost after a fortnight, nor one who buys twice a year after a month.
 */
export function lifecycleStage(purchases: number, recencyDays: number, cycleDays: number, shopCycleDays: number): LifecycleStage {
  const cycle = Math.max(cycleDays, 1);
  if (recencyDays <= cycle) return purchases <= 1 ? 'new' : purchases === 2 ? 'growing' : 'mature';
  const base = Math.max(cycle, shopCycleDays);
  if (recencyDays <= 2 * base) return 'declining';
  return recencyDays <= 3 * base ? 'dormant' : 'lost';
}
