import { describe, expect, it } from 'vitest';
import { SessionTracker, sessionKey } from '../../../shared/detect/session-tracker.ts';

const at = (line: number) => ({ source: 'a.log', line });

describe('SessionTracker', () => {
  it('keeps each of 200 000 sessions apart through table growth, in order of first appearance', () => {
    const tracker = new SessionTracker();
    for (let i = 0; i < 200_000; i++) tracker.add(`req-${i.toString(16)}`, i, i % 7, at(i + 1));
    for (let i = 0; i < 200_000; i += 3) tracker.add(`req-${i.toString(16)}`, 200_000 + i, 3, { ...at(1), level: 'ERROR' });

    expect(tracker.size).toBe(200_000);
    expect(tracker.indexOf('req-0')).toBe(0);
    expect(tracker.indexOf(`req-${(123_456).toString(16)}`)).toBe(123_456);
    expect(tracker.records(123_456)).toBe(2);
    expect(tracker.records(123_457)).toBe(1);
    expect(tracker.metrics(123_456).errors).toBe(1);
    expect(tracker.indexOf('never-seen')).toBeUndefined();
    expect(tracker.idOf(123_456)).toBe(`req-${(123_456).toString(16)}`);
  });

  it('gives distinct ids distinct keys that fit a double exactly', () => {
    const keys = new Set(Array.from({ length: 100_000 }, (_, i) => sessionKey(`trace-${i}`)));

    expect(keys.size).toBe(100_000);
    for (const key of [...keys].slice(0, 1000)) expect(Number.isSafeInteger(key)).toBe(true);
  });

  it('counts templates past its inline slots and survives a JSON round trip', () => {
    const tracker = new SessionTracker();
    for (let t = 0; t < 10; t++) for (let n = 0; n <= t; n++) tracker.add('big', t * 10 + n, t, { ...at(t), timestamp: 1000 + t });
    tracker.add('big', 999, -1, at(99));

    const restored = SessionTracker.fromJSON(JSON.parse(JSON.stringify(tracker.toJSON())));

    for (const copy of [tracker, restored]) {
      const index = copy.indexOf('big')!;
      expect(copy.vector(index, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1]);
      expect(copy.metrics(index)).toMatchObject({ records: 56, distinctTemplates: 11, start: 1000, end: 1009 });
      expect(copy.first(index)).toMatchObject({ source: 'a.log', line: 0, ordinal: 0 });
    }
  });
});
