import { describe, expect, it } from 'vitest';
import { averageOf, evaluateLoghub } from '../../../scripts/lib/loghub-eval.ts';
import { scoreTemplates } from '../../../scripts/lib/template-metrics.ts';

describe('template accuracy on loghub-2k', () => {
  it('keeps the average grouping accuracy ≥ 0.88 and parsing accuracy ≥ 0.55 with one configuration', async () => {
    // Act
    const results = await evaluateLoghub();

    // Assert
    expect(results).toHaveLength(16);
    expect(averageOf(results, 'GA')).toBeGreaterThanOrEqual(0.88);
    expect(averageOf(results, 'PA')).toBeGreaterThanOrEqual(0.55);
  });
});

describe('scoreTemplates', () => {
  it('scores grouping, parsing and template accuracy as eval_templates.py does', () => {
    // Arrange: GT groups A(3 lines) and B(1 line); the prediction splits A and names B right.
    const truth = ['A <*>', 'A <*>', 'A <*>', 'B'];
    const predicted = ['A <*>', 'A <*>', 'A x', 'B'];

    // Act
    const scores = scoreTemplates(truth, predicted);

    // Assert
    expect(scores.GA).toBe(0.25);
    expect(scores.PA).toBe(0.75);
    expect(scores.FGA).toBeCloseTo(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5));
    expect(scores.FTA).toBeCloseTo(2 * (2 / 3) * 1 / (2 / 3 + 1));
  });
});
