import { describe, expect, it } from 'vitest';

import { evaluateHdfsSessions } from '../../../scripts/eval-sessions.ts';

describe('session outliers on HDFS_100k', () => {
  // Trained on the normal sessions of the train split (a clean baseline, as operators pick one), with
  // the product's defaults: common-mix gates and a threshold calibrated on held-out baseline sessions.
  const result = evaluateHdfsSessions({ seed: 1 });

  it('reaches F1 ≥ 0.60 on the test split', () => {
    expect(result.test.f1).toBeGreaterThanOrEqual(0.6);
  });

  it('ranks anomalous sessions above normal ones (ROC-AUC ≥ 0.7 on all sessions)', () => {
    expect(result.all.rocAuc).toBeGreaterThanOrEqual(0.7);
  });

  it('flags at most 0.1 % of the normal sessions it was not trained on', () => {
    const normalTest = result.test.sessions - result.test.anomalies;
    const falsePositives = result.test.flagged - Math.round(result.test.precision * result.test.flagged);
    expect(falsePositives).toBeLessThanOrEqual(Math.ceil(0.001 * normalTest));
  });

  it('with an explicit contamination uses the forest threshold it gives, never the higher calibrated one', () => {
    const explicit = evaluateHdfsSessions({ seed: 1, contamination: 0.05 });
    expect(explicit.threshold).toBeLessThanOrEqual(result.threshold);
    expect(explicit.test.flagged).toBeGreaterThanOrEqual(result.test.flagged);
  });

  it('is deterministic for a seed', () => {
    const again = evaluateHdfsSessions({ seed: 1 });

    expect(again.test).toEqual(result.test);
    expect(again.threshold).toBe(result.threshold);
  });
});
