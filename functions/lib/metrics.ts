/**
 * The one Metrics instance of a function container (CloudWatch embedded metric format, namespace
 * from POWERTOOLS_METRICS_NAMESPACE, default `logsleuth`). Handlers flush it at the end of each invocation.
 */
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { ExplanationOutcome } from '../../shared/pipeline/stages/explanation.ts';

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
