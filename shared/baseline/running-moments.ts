/**
 * Count, mean and variance of a stream of numbers in one pass, mergeable across partitions.
 *
 * Adding uses Welford's update; merging uses Chan, Golub & LeVeque's pairwise formula, so
 * `a.merge(b)` gives the same moments (up to rounding) as adding every value of `b` to `a`.
 */
export class RunningMoments {
  /** Number of values seen. */
  count = 0;
  /** Mean of the values (0 when empty). */
  mean = 0;
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2 = 0;

  /** Add one value. The caller filters out NaN/±Infinity; they would poison every later result. */
  add(x: number): this {
    this.count += 1;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
    return this;
  }

  /** Fold `other` into this accumulator (other is left unchanged). */
  merge(other: RunningMoments): this {
    if (other.count === 0) return this;
    if (this.count === 0) {
      this.count = other.count;
      this.mean = other.mean;
      this.m2 = other.m2;
      return this;
    }
    const count = this.count + other.count;
    const delta = other.mean - this.mean;
    // Weighted mean rather than mean + delta * nB / n: better when the two sizes are similar.
    this.mean = (this.count * this.mean + other.count * other.mean) / count;
    this.m2 += other.m2 + (delta * delta * this.count * other.count) / count;
    this.count = count;
    return this;
  }

  /** Sample variance (n − 1 denominator); 0 for fewer than two values. */
  get variance(): number {
    return this.count < 2 ? 0 : this.m2 / (this.count - 1);
  }

  /** Sample standard deviation (n − 1 denominator); 0 for fewer than two values. */
  get std(): number {
    return Math.sqrt(this.variance);
  }

  /** An independent copy. */
  clone(): RunningMoments {
    return RunningMoments.fromJSON(this.toJSON());
  }

  /** Plain data: `{count, mean, m2}` (exact, so a round trip changes nothing). */
  toJSON(): RunningMomentsJSON {
    return { count: this.count, mean: this.mean, m2: this.m2 };
  }

  /** Rebuild from {@link RunningMoments.toJSON} output (the caller validates the shape). */
  static fromJSON(json: RunningMomentsJSON): RunningMoments {
    const moments = new RunningMoments();
    moments.count = json.count;
    moments.mean = json.mean;
    moments.m2 = json.m2;
    return moments;
  }
}

/** Serialised {@link RunningMoments}. */
export interface RunningMomentsJSON {
  count: number;
  mean: number;
  m2: number;
}
