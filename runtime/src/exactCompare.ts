// Exact comparisons the language promises where naive floating point would be off by one ulp.
// Both return a sign (-1, 0, 1) so every comparator is one integer test away.

/**
 * Compares `days * 24` with a whole number of hours, exactly, for any finite `days`.
 *
 * `days * 24` in doubles is the correctly rounded product. Rounding is monotonic, so when the
 * rounded product differs from `hours` (an integer, hence a double) it is on the same side as
 * the exact one. Only when it equals `hours` can rounding have hidden a tiny difference; then
 * the sign of the rounding error decides. `days * 24 = 8 * (2 * days + days)` where `* 8` and
 * `* 2` are exact, so the error is the one of the sum `2 * days + days`, which Fast2Sum
 * recovers exactly (|2 * days| >= |days|).
 */
export function compareDaysToHours(days: number, hours: number): number {
  const product = days * 24;
  if (product !== hours) return product < hours ? -1 : 1;
  const twice = days * 2;
  const sum = twice + days;
  const error = days - (sum - twice);
  return error === 0 ? 0 : error < 0 ? -1 : 1;
}

/**
 * Compares `part * 100` with `percent * whole` exactly (`part over 80% of whole`).
 * Inputs are safe integers. A product of integers computed in doubles is exact whenever its
 * magnitude stays within Number.MAX_SAFE_INTEGER (an exact product above 2^53 would round to at
 * least 2^53), so BigInt is needed only for amounts beyond about 90 billion dollars.
 */
export function compareRatio(part: number, percent: number, whole: number): number {
  const left = part * 100;
  const right = percent * whole;
  if (Math.abs(left) <= Number.MAX_SAFE_INTEGER && Math.abs(right) <= Number.MAX_SAFE_INTEGER) {
    return left === right ? 0 : left < right ? -1 : 1;
  }
  const bigLeft = BigInt(part) * 100n;
  const bigRight = BigInt(percent) * BigInt(whole);
  return bigLeft === bigRight ? 0 : bigLeft < bigRight ? -1 : 1;
}
