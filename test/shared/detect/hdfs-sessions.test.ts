import { describe, expect, it } from 'vitest';

import { evaluateHdfsSessions } from '../../../scripts/eval-sessions.ts';

describe('session outliers on HDFS_100k', () => {
  // Trained on the train split without labels, with the product's defaults (contamination 0.05, common-mix gate).
  const result = evaluateHdfsSessions({ seed: 1 });

  it('reaches F1 ≥ 0.60 on the test split', () => {
    expect(result.test.f1).toBeGreaterThanOrEqual(0.6);
  });

  it('ranks anomalous sessions above normal ones (ROC-AUC ≥ 0.7 on all sessions)', () => {
    expect(result.all.rocAuc).toBeGreaterThanOrEqual(0.7);
  });

  it('is deterministic for a seed', () => {
    const again = evaluateHdfsSessions({ seed: 1 });

    expect(again.test).toEqual(result.test);
    expect(again.threshold).toBe(result.threshold);
  });
});
