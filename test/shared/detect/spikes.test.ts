import { describe, expect, it } from 'vitest';
import { TemplateStats } from '../../../shared/baseline/template-stats.ts';
import { spikeRule, spikesAreNews } from '../../../shared/detect/findings.ts';
import { createRandom } from '../../../shared/random.ts';

/** A template that takes ~20 ms, and 1 % of the time 10× that (a slow tail that is normal for it). */
function slowTailed(records: number, seed: number): TemplateStats {
  const random = createRandom(seed);
  const stats = new TemplateStats();
  for (let i = 0; i < records; i++) {
    const ms = random() < 0.01 ? 200 + random() * 100 : 15 + random() * 10;
    stats.add({ durationMs: ms });
  }
  return stats;
}

describe('duration spikes measured against the baseline\'s own slow tail', () => {
  const rule = spikeRule(slowTailed(5000, 1), 30, 5)!;

  it('learns how often the baseline was that slow', () => {
    expect(rule.tailShare).toBeGreaterThan(0.005);
    expect(rule.tailShare).toBeLessThan(0.02);
    expect(rule.max).toBeGreaterThan(250);
  });

  it('stays quiet when a template is as often slow as it always was', () => {
    expect(spikesAreNews(rule, 10, 290, 1000, 5000)).toBe(false);
  });

  it('reports clearly more slow records than the tail predicts', () => {
    expect(spikesAreNews(rule, 60, 290, 1000, 5000)).toBe(true);
  });

  it('reports one record far slower than anything in the baseline', () => {
    expect(spikesAreNews(rule, 1, 5000, 1000, 5000)).toBe(true);
  });

  it('reports a whole template that got slower (thousands of spikes), where the exact tail maths would underflow', () => {
    expect(spikesAreNews(rule, 5000, 290, 10_000, 5000)).toBe(true);
  });
});
