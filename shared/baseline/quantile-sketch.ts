import { TDigest, type Centroid } from 'tdigest';

import { createRandom } from '../random.ts';

/** t-digest compression: at most ~1 % of the mass per centroid (the package default). */
const DELTA = 0.01;
/** Recompress once the digest holds more than this many centroids (the package's K / delta). */
const MAX_CENTROIDS = 25 / DELTA;

/**
 * A mergeable quantile sketch (Dunning's t-digest, via the `tdigest` package).
 *
 * Deterministic: the package's own recompression shuffles with `Math.random`, so it is switched off
 * (K = 0) and {@link QuantileSketch} recompresses itself with a seeded shuffle. Sorted input is the
 * t-digest's worst case (it never merges), which is why recompression is needed at all.
 *
 * Accuracy: quantiles are approximate (typically well under 1 % rank error away from the median,
 * better in the tails); merged sketches are close to, not identical with, a sketch of all inputs.
 */
export class QuantileSketch {
  private digest = new TDigest(DELTA, 0);

  /** Total weight (number of values) added. */
  get count(): number {
    return this.digest.n;
  }

  /** Add one value. The caller filters out NaN/±Infinity. */
  add(x: number): this {
    this.digest.push(x);
    if (this.digest.size() > MAX_CENTROIDS) this.recompress();
    return this;
  }

  /**
   * Fold `other` into this sketch (other is left unchanged).
   * Both sets of centroids are re-ingested in a seeded random order: feeding them sorted would
   * defeat the digest's merging.
   */
  merge(other: QuantileSketch): this {
    if (other.count === 0) return this;
    const centroids = [...this.digest.toArray(), ...other.digest.toArray()];
    this.reingest(centroids);
    return this;
  }

  /**
   * The value below which a share `p` (0..1) of the values lie; undefined when empty.
   * @throws RangeError when p is outside [0, 1].
   */
  quantile(p: number): number | undefined {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be in [0, 1], got ${p}`);
    if (this.count === 0) return undefined;
    return this.digest.percentile(p);
  }

  /** An independent copy. */
  clone(): QuantileSketch {
    return QuantileSketch.fromJSON(this.toJSON());
  }

  /** Centroids as two parallel arrays ordered by mean. */
  toJSON(): QuantileSketchJSON {
    const centroids = this.digest.toArray();
    return { means: centroids.map((c) => c.mean), counts: centroids.map((c) => c.n) };
  }

  /**
   * Rebuild from {@link QuantileSketch.toJSON} output. Centroids are pushed in ascending order, which
   * makes each a new centroid, so the restored sketch answers exactly as the saved one did.
   * @throws RangeError when the arrays differ in length.
   */
  static fromJSON(json: QuantileSketchJSON): QuantileSketch {
    if (json.means.length !== json.counts.length) {
      throw new RangeError(
        `quantile sketch has ${json.means.length} means but ${json.counts.length} counts`,
      );
    }
    const sketch = new QuantileSketch();
    for (let i = 0; i < json.means.length; i++) {
      sketch.digest.push_centroid({ mean: json.means[i], n: json.counts[i] });
    }
    return sketch;
  }

  private recompress(): void {
    this.reingest(this.digest.toArray());
  }

  private reingest(centroids: Centroid[]): void {
    // Seeded by the weight so the same inputs always give the same digest.
    const random = createRandom(0x9e3779b9 ^ centroids.reduce((sum, c) => sum + c.n, 0));
    for (let i = centroids.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [centroids[i], centroids[j]] = [centroids[j], centroids[i]];
    }
    const digest = new TDigest(DELTA, 0);
    for (const c of centroids) digest.push_centroid({ mean: c.mean, n: c.n });
    this.digest = digest;
  }
}

/** Serialised {@link QuantileSketch}: centroid means (ascending) and their weights. */
export interface QuantileSketchJSON {
  means: number[];
  counts: number[];
}
