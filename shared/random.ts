/**
 * A seeded pseudo-random number generator: `shared/` never calls `Math.random`, so anything random
 * (forest sampling, sketch compression) is reproducible from a seed. The forest's library, which
 * only knows the global, is handed this generator by forest/seeded-math-random.ts.
 */

/**
 * Create a mulberry32 generator (32-bit state, period 2^32) returning numbers in [0, 1).
 *
 * Good enough for sampling and shuffling; not for cryptography.
 * The same seed always yields the same sequence. Only the low 32 bits of `seed` matter,
 * and non-integer seeds are truncated; NaN or ±Infinity seeds behave like 0.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
