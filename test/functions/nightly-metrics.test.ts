/** The nightly job's StuckRuns metric is what the stuck-runs alarm (infra/alarms.ts) watches. */
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE, STUCK_RUNS_METRIC as ALARMED_METRIC } from '../../infra/alarms.ts';
import { countNightly, metrics, NIGHTLY_SERVICE, STUCK_RUNS_METRIC } from '../../functions/lib/metrics.ts';
import type { SourceOutcome } from '../../shared/pipeline/stages/nightly.ts';

const outcome = (stuck: number): SourceOutcome => ({
  source: 'checkout', day: '2026-12-01', steps: { requeue: 'DONE', roll: 'DONE', digest: 'DONE' }, errors: {}, handedBack: [], missed: [],
  stuck: Array.from({ length: stuck }, (_, i) => ({ runId: `r${i}`, key: `logs/checkout/${i}.jsonl`, lastProgress: 0, reason: 'no progress' })),
});

describe('the nightly metrics', () => {
  it('emit StuckRuns as a count in the namespace and under the name the alarm watches, zero included', () => {
    countNightly(outcome(2));
    countNightly(outcome(0));
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] } };
    metrics.clearMetrics();

    expect(STUCK_RUNS_METRIC).toBe(ALARMED_METRIC);
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive!.Metrics).toContainEqual({ Name: STUCK_RUNS_METRIC, Unit: 'Count' });
    expect(emf[STUCK_RUNS_METRIC]).toEqual([2, 0]);
    expect(NIGHTLY_SERVICE).toBe('nightly');
  });
});
