export { Baseline, BaselineFormatError, BaselineVersionError, BASELINE_VERSION } from './baseline.ts';
export type { BaselineJSON, BaselineTotals } from './baseline.ts';
export { QuantileSketch } from './quantile-sketch.ts';
export type { QuantileSketchJSON } from './quantile-sketch.ts';
export { RunningMoments } from './running-moments.ts';
export type { RunningMomentsJSON } from './running-moments.ts';
export { TemplateStats } from './template-stats.ts';
export type { SeenAt, StatsInput, TemplateStatsJSON } from './template-stats.ts';
