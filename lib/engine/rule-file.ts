import type { Localised } from '../localised';

/** How staff reach the customer for a treatment or follow-up. */
export const CHANNELS = ['phone', 'sms', 'app-message', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const EVENT_TYPES = ['tier', 'badge', 'treatment', 'follow-up'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An amount of money: one number in the file's currency, or one per currency. */
export type Amount = number | { byCurrency: Record<string, number> };

/**
 * A coupon: worth `percent` of a money fact (20% of lastOrderValue), or a fixed amount `off`,
 * optionally from a `minimumSpend` (满200减20). Amounts per currency are resolved for the
 * customer's currency before the rule runs (lib/engine/currency.ts).
 */
export type Coupon = { percent: number; of: string } | { off: Amount; minimumSpend?: Amount };

/** What a member of a tier is entitled to (会员权益). */
export interface Benefit {
  label: Localised;
  detail?: Localised;
  coupon?: Coupon;
}

/**
 * When a follow-up is due, in days from the as-of day: `days`, counted from the moment a
 * days-ago fact points at (`since`, e.g. daysSinceDelivery) or a days-ahead fact (`until`, e.g.
 * daysUntilRepurchaseDue). Anchoring on a fact keeps the due date, and so the follow-up, the
 * same from one daily rescore to the next.
 */
export interface Due {
  days?: number;
  since?: string;
  until?: string;
  /**
   * Days past the due day a follow-up is still worth doing. One due earlier is not raised, only
   * counted (a first import of years of history raises what a team can act on, not every
   * customer who lapsed long ago).
   */
  window?: number;
}

export interface TierParams {
  label: Localised;
  colour: string;
  /** Orders tiers in charts and lists: higher is better. */
  rank: number;
  benefits?: Benefit[];
}

export interface BadgeParams {
  label: Localised;
  colour: string;
  tooltip?: Localised;
  /** Badges of one group (e.g. "rfm-segment") are shown and filtered together. */
  group?: string;
}

export interface TreatmentParams {
  label: Localised;
  detail?: Localised;
  channel?: Channel;
  coupon?: Coupon;
}

export interface FollowUpParams {
  action: string;
  label: Localised;
  channel: Channel;
  due: Due;
  /** Text for staff to send; `{factName}` and `{coupon}` are filled in. */
  message: Localised;
  coupon?: Coupon;
}

export interface ParamsByType {
  tier: TierParams;
  badge: BadgeParams;
  treatment: TreatmentParams;
  'follow-up': FollowUpParams;
}

export type RuleEvent = { [T in EventType]: { type: T; params: ParamsByType[T] } }[EventType];

export interface FactCondition {
  fact: string;
  operator: string;
  value: unknown;
  priority?: number;
  name?: string;
  path?: string;
  params?: Record<string, unknown>;
}

export type Condition =
  | FactCondition
  | { all: Condition[]; priority?: number; name?: string }
  | { any: Condition[]; priority?: number; name?: string }
  | { not: Condition; priority?: number; name?: string }
  | { condition: string; priority?: number; name?: string };

export type TopCondition = Exclude<Condition, FactCondition>;

export interface Rule {
  /** Unique in its file; with the file id it names the rule everywhere (`ladder/vip`). */
  name: string;
  priority?: number;
  description?: Localised;
  conditions: TopCondition;
  event: RuleEvent;
}

export interface RuleFile {
  $schema?: string;
  id: string;
  title: Localised;
  description?: Localised;
  version: number;
  enabled: boolean;
  /** The currency of the file's plain amounts (ISO 4217); absent, they apply to every shop as written. */
  currency?: string;
  rules: Rule[];
}

/** A rule with the file it came from, as the evaluators see it. */
export interface LoadedRule {
  /** `${file id}/${rule name}` */
  ref: string;
  fileId: string;
  rule: Rule;
}

export function loadedRules(files: readonly RuleFile[]): LoadedRule[] {
  return files.filter((f) => f.enabled).flatMap((file) => file.rules.map((rule) => ({ ref: `${file.id}/${rule.name}`, fileId: file.id, rule })));
}
