import { describe, expect, it } from 'vitest';

import {
  buildVocabulary,
  countVector,
  OTHER_TEMPLATE,
  SessionOutlierModel,
  trainSessionOutliers,
} from '../../../shared/forest/session-outliers.ts';
import { createRandom } from '../../../shared/random.ts';

/** Normal sessions open, read 1–5 times and close; every 50th one also retries. */
function sessions(seed: number, n: number): string[][] {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const reads = Array.from({ length: 1 + Math.floor(random() * 5) }, () => 'read');
    return ['open', ...reads, ...(i % 50 === 0 ? ['retry'] : []), 'close'];
  });
}

describe('session count vectors', () => {
  it('counts templates over a fixed vocabulary with a last column for unknown ones', () => {
    expect(countVector(['b', 'a', 'b', 'zzz', 'yyy'], ['a', 'b'])).toEqual([1, 2, 2]);
  });

  it('builds a sorted vocabulary that does not depend on session order', () => {
    expect(buildVocabulary([['c', 'a'], ['b', 'a']])).toEqual(['a', 'b', 'c']);
    expect(buildVocabulary([['b', 'a'], ['c', 'a']])).toEqual(['a', 'b', 'c']);
  });
});

describe('trainSessionOutliers', () => {
  it('scores a session with an unusual mix of templates above the threshold', () => {
    const model = trainSessionOutliers(sessions(1, 2000), { seed: 1, contamination: 0.03 });

    const normal = model.score(['open', 'read', 'read', 'close']);
    const odd = model.score(['open', 'retry', 'retry', 'retry', 'retry', 'retry', 'close']);

    expect(normal.isOutlier).toBe(false);
    expect(odd.isOutlier).toBe(true);
    expect(odd.score).toBeGreaterThan(normal.score);
  });

  it('reports templates the forest cannot see instead of scoring them', () => {
    const model = trainSessionOutliers(sessions(2, 500), { seed: 1 });

    const result = model.score(['open', 'read', 'panic', 'close']);

    expect(result.unseenTemplates).toEqual(['panic']);
    expect(model.forest.droppedColumns.map((d) => d.name)).toEqual(['close', 'open', OTHER_TEMPLATE]);
  });

  it('loads from JSON and scores identically', () => {
    const model = trainSessionOutliers(sessions(3, 800), { seed: 4, transform: 'tfidf' });
    const probes = sessions(4, 100);

    const loaded = SessionOutlierModel.fromJSON(JSON.parse(JSON.stringify(model)));

    expect(probes.map((s) => loaded.score(s))).toEqual(probes.map((s) => model.score(s)));
  });
});
