/**
 * The one Metrics instance of a function container (CloudWatch embedded metric format, namespace
 * from POWERTOOLS_METRICS_NAMESPACE, default `logsleuth`). Handlers flush it at the end of each invocation.
 */
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { ExplanationOutcome } from '../../shared/pipeline/stages/explanation.ts';
import type { SourceOutcome } from '../../shared/pipeline/stages/nightly.ts';

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'logsleuth',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'logsleuth',
});

/** The explainer's figures for one anomaly group: model calls and tokens, and the calls the signature cache saved. */
export function countExplanation(outcome: ExplanationOutcome): void {
  if (outcome.status === 'EXPLAINED' || outcome.status === 'EXPLAIN_FAILED') {
    metrics.addMetric('bedrockCalls', MetricUnit.Count, 1);
    if (outcome.usage) {
      metrics.addMetric('bedrockInputTokens', MetricUnit.Count, outcome.usage.inputTokens);
      metrics.addMetric('bedrockOutputTokens', MetricUnit.Count, outcome.usage.outputTokens);
    }
  }
  if (outcome.status === 'EXPLAINED') metrics.addMetric('anomaliesExplained', MetricUnit.Count, outcome.anomalies);
  if (outcome.status === 'EXPLAIN_FAILED') metrics.addMetric('explainFailed', MetricUnit.Count, outcome.anomalies);
  // The cost-control figure: model calls the signature cache saved.
  if (outcome.status === 'REUSED') metrics.addMetric('explainCacheHits', MetricUnit.Count, 1);
}

/** The service dimension of the nightly functions' metrics (both set POWERTOOLS_SERVICE_NAME to it: infra/nightly.ts). */
export const NIGHTLY_SERVICE = 'nightly';
/** Name of the metric an alarm watches: runs the nightly job found stuck in RUNNING and ended FAILED. */
export const STUCK_RUNS_METRIC = 'StuckRuns';

/**
 * One source's nightly figures. `StuckRuns` is emitted on every job, 0 included, so its alarm
 * always has data: namespace {@link metrics}' (default `logsleuth`), dimension `service` only.
 */
export function countNightly(outcome: SourceOutcome): void {
  metrics.addMetric(STUCK_RUNS_METRIC, MetricUnit.Count, outcome.stuck.length);
  metrics.addMetric('missedUploadsQueued', MetricUnit.Count, outcome.missed.length);
  metrics.addMetric('nightlyStepsFailed', MetricUnit.Count, Object.keys(outcome.errors).length);
  if (outcome.handedBack.length > 0) metrics.addMetric('nightlyStepsHandedBack', MetricUnit.Count, outcome.handedBack.length);
}
