import { describe, expect, it } from 'vitest';
import { contaminationNote, mixKey, SessionJudge, SessionSampler } from '../../../shared/detect/session-outliers.ts';
import { createRandom } from '../../../shared/random.ts';

/** Baseline sessions: open, 1–3 queries, close (columns 0, 1, 2); now and then one retry (column 3). */
function baseline(sessions: number, seed = 1): SessionSampler {
  const random = createRandom(seed);
  const sampler = new SessionSampler(20_000, seed);
  for (let s = 0; s < sessions; s++) {
    const counts = [1, 1 + Math.floor(random() * 3), 1, random() < 0.05 ? 1 : 0, 0];
    sampler.add(counts);
  }
  return sampler;
}

describe('session outliers', () => {
  const shapes = baseline(3000).train({ seed: 2, contamination: 0.05 });
  const judge = new SessionJudge(shapes);
  const names = ['open', 'query', 'close', 'retry', 'new'];

  it('keys a mix by its templates and counts only', () => {
    expect(mixKey([1, 0, 3, 0])).toBe('0:1,2:3');
  });

  it('never flags a common mix, nor one record more of a template the mix has (one more retry)', () => {
    expect(judge.judge([1, 2, 1, 0, 0], String)).toBeNull();
    expect(judge.judge([1, 2, 1, 2, 0], String)).toBeNull();
    expect(judge.isNearCommon([1, 4, 1, 0, 0])).toBe(true);
  });

  it('flags a session that repeats a step far past any baseline session, and says how it differs from the nearest common mix', () => {
    const verdict = judge.judge([1, 25, 0, 0, 0], (c) => names[c]!);

    expect(verdict).not.toBeNull();
    expect(verdict!.beyond).toBe(true);
    expect(verdict!.difference).toMatch(/^vs the nearest common mix \(\d+ baseline sessions\): \+22 × "query", −1 × "close"$/);
  });

  it('judges a session on its known templates: one new message in a normal session is the new template\'s finding, not a session outlier', () => {
    expect(judge.judge([1, 2, 1, 0, 1], String, 4)).toBeNull();
  });

  it('calibrates on held-out baseline sessions: a clean run of the same system flags at most 0.1 %', () => {
    const clean = baseline(5000, 9);
    let flagged = 0;
    const random = createRandom(9);
    for (let s = 0; s < 5000; s++) if (judge.judge([1, 1 + Math.floor(random() * 3), 1, random() < 0.05 ? 1 : 0, 0], String)) flagged++;
    expect(clean.sessions).toBe(5000);
    expect(flagged).toBeLessThanOrEqual(5);
    expect(shapes.threshold).toBeGreaterThanOrEqual(shapes.forest!.threshold);
  });

  it('says so when an explicit contamination sets the threshold below the calibrated one', () => {
    expect(contaminationNote({ threshold: 0.3, calibratedThreshold: 0.4 })).toMatch(/below the calibrated 0\.400/);
    expect(contaminationNote({ threshold: 0.4, calibratedThreshold: 0.4 })).toBeUndefined();
  });
});
