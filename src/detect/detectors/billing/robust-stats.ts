/**
 * Median and median absolute deviation: a baseline that a few odd days (or the spike itself, once
 * it is in the window) cannot drag the way they drag a mean and standard deviation.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** MAD: the median of absolute distances from the median. */
export function medianAbsoluteDeviation(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}
