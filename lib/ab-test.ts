import type { Localised } from './localised';
import type { Segment } from './segments';

/**
 * An A/B test, closed as the course teaches it (比照执行结果): a segment split at random, each
 * group sent its own message (or, for a holdout, nothing), and, after later imports, the groups
 * compared over a window of days from the day the test started.
 */
export interface AbTest {
  id: string;
  name: string;
  segment: Pick<Segment, 'kind' | 'ref' | 'label'>;
  shop: string | null;
  seed: string;
  /** The local day the groups were drawn: purchases after it count. */
  startedDay: number;
  createdAt: number;
  /** `sent`: what the group was sent (a coupon, a message), as the seller noted it; a holdout, nothing. */
  groups: Array<{ name: string; holdout: boolean; keys: string[]; sent?: string }>;
}

/** The longest note of what a group was sent. */
export const SENT_MAX = 200;

/** A group's outcome over the window: its customers, those who bought, and their net spend per customer (minor units, one currency). */
export interface GroupOutcome {
  name: string;
  holdout: boolean;
  /** Customers of the group still in the store. */
  customers: number;
  buyers: number;
  /** Net spend in the window: the sum and sum of squares over the group's customers (0 for one who did not buy), minor units. */
  spendMinor: number;
  spendSquares: number;
}

export interface Interval {
  difference: number;
  low: number;
  high: number;
}

const Z95 = 1.959963984540054;

/** The difference of two shares who bought (b's minus a's), with its 95% confidence interval (normal approximation). */
export function shareDifference(a: Pick<GroupOutcome, 'customers' | 'buyers'>, b: Pick<GroupOutcome, 'customers' | 'buyers'>): Interval | null {
  if (a.customers === 0 || b.customers === 0) return null;
  const pa = a.buyers / a.customers;
  const pb = b.buyers / b.customers;
  const se = Math.sqrt((pa * (1 - pa)) / a.customers + (pb * (1 - pb)) / b.customers);
  const difference = pb - pa;
  return { difference, low: difference - Z95 * se, high: difference + Z95 * se };
}

/** The difference of two groups' spend per customer (b's minus a's), with its 95% confidence interval (Welch). */
export function spendDifference(a: Omit<GroupOutcome, 'name' | 'holdout' | 'buyers'>, b: Omit<GroupOutcome, 'name' | 'holdout' | 'buyers'>): Interval | null {
  if (a.customers < 2 || b.customers < 2) return null;
  const moments = (g: typeof a) => {
    const mean = g.spendMinor / g.customers;
    return { mean, variance: Math.max(0, (g.spendSquares - g.customers * mean * mean) / (g.customers - 1)) };
  };
  const [ma, mb] = [moments(a), moments(b)];
  const se = Math.sqrt(ma.variance / a.customers + mb.variance / b.customers);
  const difference = mb.mean - ma.mean;
  return { difference, low: difference - Z95 * se, high: difference + Z95 * se };
}

/** The group the others are compared with: the holdout when there is one, else the first. */
export const baselineOf = (groups: readonly GroupOutcome[]): GroupOutcome | undefined => groups.find((g) => g.holdout) ?? groups[0];

const points = (share: number) => (share * 100).toFixed(1);

/**
 * The verdict on a group against the baseline, in plain words: "Group B's share who bought is 4.1
 * points higher than group A's (95% CI 1.2 to 7.0 points)", and whether that is a clear difference.
 */
export function shareVerdict(group: GroupOutcome, baseline: GroupOutcome): Localised | null {
  const interval = shareDifference(baseline, group);
  if (!interval) return null;
  const { difference, low, high } = interval;
  const clear = low > 0 || high < 0;
  const size = points(Math.abs(difference));
  const en = `Group ${group.name}'s share who bought is ${size} points ${difference >= 0 ? 'higher' : 'lower'} than group ${baseline.name}'s (95% CI ${points(low)} to ${points(high)} points): ${clear ? 'a clear difference.' : 'not yet a clear difference, as the interval includes zero.'}`;
  const zh = `${group.name} 组的购买客户占比比 ${baseline.name} 组${difference >= 0 ? '高' : '低'} ${size} 个百分点（95% 置信区间 ${points(low)} 至 ${points(high)} 个百分点）：${clear ? '差异明确。' : '尚无明确差异，区间包含零。'}`;
  return { en, 'zh-CN': zh };
}
