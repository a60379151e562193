/** How many of the sorted values are below `value` (where it would go, before any equal ones). */
export function countBelow(sorted: ArrayLike<number>, value: number): number {
  return boundary(sorted, (x) => x < value);
}

/** How many of the sorted values are at most `value`. */
export function countAtMost(sorted: ArrayLike<number>, value: number): number {
  return boundary(sorted, (x) => x <= value);
}

/** Binary search: the first index where `before` turns false. */
function boundary(sorted: ArrayLike<number>, before: (x: number) => boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(sorted[mid]!)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
