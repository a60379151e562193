import type { Localised } from '../localised';
import { isoDay } from '../time';
import type { Facts } from '../scoring/scorer';
import { rulePriority } from './compile';
import type { BadgeParams, Benefit, Channel, Coupon, Due, FollowUpParams, LoadedRule, RuleEvent, TierParams, TreatmentParams } from './rule-file';

/** A tier benefit as it applies: its detail filled in with the coupon's amounts. */
export interface BenefitOutcome extends Omit<Benefit, 'coupon'> {
  couponAmount?: number;
  minimumSpend?: number;
}

export interface TierOutcome extends Omit<TierParams, 'benefits'> {
  ref: string;
  benefits?: BenefitOutcome[];
}
export interface BadgeOutcome extends BadgeParams {
  ref: string;
}
export interface TreatmentOutcome extends Omit<TreatmentParams, 'coupon'> {
  ref: string;
  /** The coupon's amount in the shop currency's major units, and the order total it needs. */
  couponAmount?: number;
  minimumSpend?: number;
}
export interface FollowUpOutcome {
  /** Stable across rescores while the rule, customer and due date stay the same: it keeps its status. */
  id: string;
  ref: string;
  customerKey: string;
  action: string;
  label: Localised;
  channel: Channel;
  /** Local day number and YYYY-MM-DD of the due date. */
  dueDay: number;
  due: string;
  message: Localised;
  couponAmount?: number;
  minimumSpend?: number;
  /** What the customer is worth, to work the list most valuable first: predicted 12-month value, else net spend. */
  value: number;
}

/** A follow-up the rules would raise but whose window had passed: counted, not raised. */
export interface MissedFollowUp {
  ref: string;
  label: Localised;
}

/** What the rules say about one customer. */
export interface Outcome {
  tier: TierOutcome | null;
  badges: BadgeOutcome[];
  treatments: TreatmentOutcome[];
  followUps: FollowUpOutcome[];
  missed: MissedFollowUp[];
}

/** A coupon's figures (amounts per currency were resolved before the rules ran): its amount, and the order total it needs. */
function couponOf(coupon: Coupon | undefined, facts: Facts): { couponAmount?: number; minimumSpend?: number } {
  if (!coupon) return {};
  if ('off' in coupon) return { couponAmount: coupon.off as number, ...(coupon.minimumSpend === undefined ? {} : { minimumSpend: coupon.minimumSpend as number }) };
  const base = facts[coupon.of];
  return typeof base === 'number' ? { couponAmount: Math.round(base * coupon.percent) / 100 } : {};
}

/** The due day: `days` after the anchor a days-ago or days-ahead fact points at, or after the as-of day. */
function dueDay(due: Due, facts: Facts, asOfDay: number): number {
  const since = due.since === undefined ? null : facts[due.since];
  const until = due.until === undefined ? null : facts[due.until];
  const anchor = typeof since === 'number' ? asOfDay - since : typeof until === 'number' ? asOfDay + until : asOfDay;
  return anchor + (due.days ?? 0);
}

/** A `{name}` in a text: a fact, or one of the coupon's own figures. */
const PLACEHOLDER = /\{([^{}]*)\}/g;
const COUPON_FIGURES: ReadonlySet<string> = new Set(['coupon', 'minimumSpend']);

function fill(template: Localised, facts: Facts, coupon: { couponAmount?: number; minimumSpend?: number }): Localised {
  const replace = (text: string) =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const value = name === 'coupon' ? coupon.couponAmount : name === 'minimumSpend' ? coupon.minimumSpend : facts[name];
      return value === undefined ? whole : value === null ? '' : String(value);
    });
  return { en: replace(template.en), 'zh-CN': replace(template['zh-CN']) };
}

/** Whether a detail text or coupon reads the customer's facts: a placeholder other than the coupon's figures, or a share of a fact. */
const readsFacts = (detail: Localised | undefined, coupon: Coupon | undefined): boolean =>
  (coupon !== undefined && 'of' in coupon) ||
  (detail !== undefined && [detail.en, detail['zh-CN']].some((text) => [...text.matchAll(PLACEHOLDER)].some(([, name]) => !COUPON_FIGURES.has(name!))));

/**
 * Tier, badge and treatment outcomes that are the same for every customer the rule fires for, made
 * once per loaded rule: a million customers then share a few dozen objects, which the rescore
 * stores once per bucket. Shared, so never changed by whoever receives them.
 */
const shared = new WeakMap<LoadedRule, TierOutcome | BadgeOutcome | TreatmentOutcome | 'personal'>();
function sharedOutcome(loaded: LoadedRule, event: Exclude<RuleEvent, { type: 'follow-up' }>, facts: Facts): TierOutcome | BadgeOutcome | TreatmentOutcome {
  const known = shared.get(loaded);
  if (known !== undefined && known !== 'personal') return known;
  const { ref } = loaded;
  const outcome = event.type === 'tier' ? tierOutcome(ref, event.params, facts) : event.type === 'badge' ? { ref, ...event.params } : treatmentOutcome(ref, event.params, facts);
  if (known === undefined) {
    const personal =
      event.type === 'tier' ? (event.params.benefits ?? []).some((benefit) => readsFacts(benefit.detail, benefit.coupon)) : event.type === 'treatment' && readsFacts(event.params.detail, event.params.coupon);
    shared.set(loaded, personal ? 'personal' : outcome);
  }
  return outcome;
}

function tierOutcome(ref: string, params: TierParams, facts: Facts): TierOutcome {
  const { benefits, ...rest } = params;
  const tier: TierOutcome = { ref, ...rest };
  if (benefits) {
    tier.benefits = benefits.map(({ coupon, detail, ...benefit }) => {
      const figures = couponOf(coupon, facts);
      return { ...benefit, ...(detail ? { detail: fill(detail, facts, figures) } : {}), ...figures };
    });
  }
  return tier;
}

function treatmentOutcome(ref: string, params: TreatmentParams, facts: Facts): TreatmentOutcome {
  const { coupon, detail, ...rest } = params;
  const figures = couponOf(coupon, facts);
  return { ref, ...rest, ...(detail ? { detail: fill(detail, facts, figures) } : {}), ...figures };
}

/**
 * Turns the fired rules (in engine order) into a customer's outcome. The tier is the
 * highest-priority tier rule that fired (the higher rank on a tie); badges, treatments and
 * follow-ups are all kept, in rule order.
 */
export function outcomeOf(fired: readonly LoadedRule[], facts: Facts, customerKey: string, asOfDay: number): Outcome {
  const outcome: Outcome = { tier: null, badges: [], treatments: [], followUps: [], missed: [] };
  const value = typeof facts.predictedClv365 === 'number' ? facts.predictedClv365 : typeof facts.monetary === 'number' ? facts.monetary : 0;
  let tierPriority = -Infinity;
  for (const loaded of fired) {
    const { ref, rule } = loaded;
    const event = rule.event;
    if (event.type === 'tier') {
      const priority = rulePriority(loaded);
      if (priority > tierPriority || (priority === tierPriority && event.params.rank > outcome.tier!.rank)) {
        outcome.tier = sharedOutcome(loaded, event, facts) as TierOutcome;
        tierPriority = priority;
      }
    } else if (event.type === 'badge') {
      outcome.badges.push(sharedOutcome(loaded, event, facts) as BadgeOutcome);
    } else if (event.type === 'treatment') {
      outcome.treatments.push(sharedOutcome(loaded, event, facts) as TreatmentOutcome);
    } else {
      const params: FollowUpParams = event.params;
      const anchor = dueDay(params.due, facts, asOfDay);
      if (params.due.window !== undefined && asOfDay - anchor > params.due.window) {
        outcome.missed.push({ ref, label: params.label });
        continue;
      }
      const coupon = couponOf(params.coupon, facts);
      // Never due before the day it is raised: the customer entered the condition today, so today is
      // the earliest anyone could act. The id keeps the anchor, which stays put from day to day.
      const day = Math.max(anchor, asOfDay);
      outcome.followUps.push({
        id: `${ref}|${customerKey}|${isoDay(anchor)}`, ref, customerKey, action: params.action, label: params.label, channel: params.channel,
        dueDay: day, due: isoDay(day), message: fill(params.message, facts, coupon), ...coupon, value,
      });
    }
  }
  return outcome;
}
