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

/** Cheap per-window counters used while training (no quantile sketch on the hot path). */
export class WindowShape implements TemplateShape {
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
  return [
    timed ? current.meanLog - baseline.meanLog : 0,
    timed ? current.stdLog - baseline.stdLog : 0,
    Math.log(share(current.count, currentTotal) / share(baseline.count, baselineTotal)),
    current.problems / Math.max(current.count, 1) - baseline.problems / Math.max(baseline.count, 1),
  ];
}
