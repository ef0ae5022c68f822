/** Euler–Mascheroni constant, to double precision of the digits that matter here. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n items, which
 * normalises isolation-tree depths (Liu, Ting & Zhou 2008/2012):
 * c(n) = 2H(n − 1) − 2(n − 1)/n with H(i) ≈ ln(i) + γ; c(2) = 1 (the exact value, where the
 * approximation of H(1) is poor); c(n) = 0 for n ≤ 1.
 *
 * ml-isolation-forest 0.1.0 gets this wrong (it adds γ once instead of 2γ, truncated to 0.57721),
 * which is one reason scores are computed here rather than by the library.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}
