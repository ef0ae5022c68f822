/**
 * The vector the template Isolation Forest scores. The seed scored raw `[mean, std, p95, count]`
 * per template; measured on our scenarios, that cannot see a template that was already the slowest
 * getting six times slower (it was isolated before and after), and it fires on templates that are
 * always rare and slow. So each column is the *change* from the template's own baseline:
 *   [Δ mean log1p(ms), Δ std log1p(ms), Δ log(share of records), Δ WARN+ rate]
 * (durations in log space because they are heavy-tailed; the count as a share so inputs of any size
 * compare). The forest is trained on the changes seen between windows of the baseline itself,
 * i.e. on how much templates normally wobble, and the zero vector is "exactly like the baseline".
 */
export const TEMPLATE_FEATURES = ['Δ mean log1p(ms)', 'Δ std log1p(ms)', 'Δ log share', 'Δ WARN+ rate'];

/** What the features need from a template's statistics (TemplateStats and window counters both have it). */
export interface TemplateShape {
  count: number;
  problems: number;
  durationCount: number;
  meanLog: number;
  stdLog: number;
}

/** Cheap counters for the features (no quantile sketch on the hot path): per training window, per template during detection. */
export class ShapeCounter implements TemplateShape {
  count = 0;
  problems = 0;
  durationCount = 0;
  private sumLog = 0;
  private sumSquaresLog = 0;

  add(durationMs: number | undefined, problem: boolean): void {
    this.count++;
    if (problem) this.problems++;
    if (durationMs !== undefined && Number.isFinite(durationMs) && durationMs >= 0) {
      const value = Math.log1p(durationMs);
      this.durationCount++;
      this.sumLog += value;
      this.sumSquaresLog += value * value;
    }
  }
  merge(other: ShapeCounter): this {
    this.count += other.count;
    this.problems += other.problems;
    this.durationCount += other.durationCount;
    this.sumLog += other.sumLog;
    this.sumSquaresLog += other.sumSquaresLog;
    return this;
  }

  toJSON() {
    return { count: this.count, problems: this.problems, durationCount: this.durationCount, sumLog: this.sumLog, sumSquaresLog: this.sumSquaresLog };
  }

  static fromJSON(json: ReturnType<ShapeCounter['toJSON']>): ShapeCounter {
    return Object.assign(new ShapeCounter(), json);
  }

  get meanLog(): number {
    return this.durationCount ? this.sumLog / this.durationCount : 0;
  }
  get stdLog(): number {
    if (this.durationCount < 2) return 0;
    const mean = this.meanLog;
    return Math.sqrt(Math.max(0, (this.sumSquaresLog - this.durationCount * mean * mean) / (this.durationCount - 1)));
  }
}

/** Adapts baseline TemplateStats to the shape the features read. */
export function shapeOf(stats: { count: number; problemCount: number; durationCount: number; meanLogDuration?: number | undefined; stdLogDuration?: number | undefined }): TemplateShape {
  return { count: stats.count, problems: stats.problemCount, durationCount: stats.durationCount, meanLog: stats.meanLogDuration ?? 0, stdLog: stats.stdLogDuration ?? 0 };
}

/** The change of `current` (out of `currentTotal` records) from `baseline` (out of `baselineTotal`). */
export function templateDeviation(current: TemplateShape, currentTotal: number, baseline: TemplateShape, baselineTotal: number): number[] {
  const timed = current.durationCount > 0 && baseline.durationCount > 0;
  const share = (n: number, total: number) => (n + 0.5) / (Math.max(total, 1) + 0.5);
  // Shrink changes measured on few records toward zero (n / (n + k)): a template seen 15 times wobbles
  // by chance far more than one seen 1500 times, and would otherwise look like an outlier.
  const trust = (n: number) => n / (n + SHRINK_RECORDS);
  const timedTrust = trust(current.durationCount);
  return [
    timed ? (current.meanLog - baseline.meanLog) * timedTrust : 0,
    timed ? (current.stdLog - baseline.stdLog) * timedTrust : 0,
    Math.log(share(current.count, currentTotal) / share(baseline.count, baselineTotal)) * trust(current.count),
    (current.problems / Math.max(current.count, 1) - baseline.problems / Math.max(baseline.count, 1)) * trust(current.count),
  ];
}

/** Records at which a measured change counts half (see templateDeviation). */
const SHRINK_RECORDS = 30;

/**
 * How far beyond chance a template's change is: the largest |z| of its typical duration (Welch),
 * its share of records (Poisson) and its WARN+ rate (two proportions). The forest says a change is
 * unusual in shape; this says it is not noise from a small sample.
 */
export function changeSignificance(current: TemplateShape, currentTotal: number, baseline: TemplateShape, baselineTotal: number): number {
  const zs: number[] = [];
  if (current.durationCount > 1 && baseline.durationCount > 1) {
    const se = Math.sqrt(current.stdLog ** 2 / current.durationCount + baseline.stdLog ** 2 / baseline.durationCount);
    if (se > 0) zs.push((current.meanLog - baseline.meanLog) / se);
  }
  const expected = (baseline.count / Math.max(baselineTotal, 1)) * currentTotal;
  zs.push((current.count - expected) / Math.sqrt(Math.max(expected, 1)));
  const pooled = (current.problems + baseline.problems) / Math.max(current.count + baseline.count, 1);
  const seRate = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(current.count, 1) + 1 / Math.max(baseline.count, 1)));
  if (seRate > 0) zs.push((current.problems / Math.max(current.count, 1) - baseline.problems / Math.max(baseline.count, 1)) / seRate);
  return Math.max(...zs.map(Math.abs));
}
