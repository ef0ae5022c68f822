/** The pure rules behind debounced training and past-day rebuilds. */
import { describe, expect, it } from 'vitest';
import type { CurrentModel } from '../../../shared/model/model-store.ts';
import { pointerAt } from '../../../shared/pipeline/stages/model-history.ts';
import { supersededBy } from '../../../shared/pipeline/stages/training-debounce.ts';

const object = (key: string, lastModified?: number) => ({ key, size: 1, etag: `"${key}"`, ...(lastModified !== undefined && { lastModified }) });
const pointer = (modelId: string, trainedAt: number): CurrentModel => ({ modelId, artifactKey: `models/s/${modelId}/model.json`, trainedAt, trainedFrom: [] });

describe('supersededBy', () => {
  it('names the newest other object when one was written later', () => {
    expect(supersededBy([object('a', 1), object('b', 3), object('c', 2)], 'a')?.key).toBe('b');
  });

  it('lets exactly one object of a tie train: the greatest key', () => {
    const tie = [object('a', 5), object('b', 5)];
    expect(supersededBy(tie, 'a')?.key).toBe('b');
    expect(supersededBy(tie, 'b')).toBeUndefined();
  });

  it('does not drop a job whose object is gone or undated (training goes ahead)', () => {
    expect(supersededBy([object('b', 3)], 'a')).toBeUndefined();
    expect(supersededBy([object('a'), object('b', 3)], 'a')).toBeUndefined();
  });
});

describe('pointerAt', () => {
  const kept = (p: CurrentModel) => ({ at: p.trainedAt, read: async () => p });
  const history = [kept(pointer('A', 100)), kept(pointer('B', 200))];

  it('is the newest pointer set no later than the time asked', async () => {
    expect((await pointerAt(history, pointer('B', 200), 150))?.modelId).toBe('A');
    expect((await pointerAt(history, pointer('B', 200), 200))?.modelId).toBe('B');
  });

  it('is undefined before the first model, and the current pointer stands in when there is no history', async () => {
    expect(await pointerAt(history, pointer('B', 200), 50)).toBeUndefined();
    expect((await pointerAt([], pointer('C', 10), 50))?.modelId).toBe('C');
    expect(await pointerAt([], pointer('C', 100), 50)).toBeUndefined();
  });
});
