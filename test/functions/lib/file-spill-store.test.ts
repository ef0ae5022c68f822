/**
 * The file-backed spill store (CLI and detection Lambda), and spilled session counters travelling
 * with a pass-1 checkpoint through an object store into a fresh spill store, as a continuation
 * on another Lambda instance gets them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryObjectStore } from '../../../cli/adapters/dir-object-store.ts';
import { FileSpillStore } from '../../../functions/lib/file-spill-store.ts';
import { SessionTracker } from '../../../shared/detect/session-tracker.ts';
import { restoreSpilledSessions, saveSpilledSessions } from '../../../shared/pipeline/stages/spill-checkpoint.ts';

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'spill-test-'));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

describe('FileSpillStore', () => {
  it('appends, reads ranges, lists and removes files', () => {
    const store = new FileSpillStore(parent);
    store.append('a', new Uint8Array([1, 2, 3]));
    store.append('a', new Uint8Array([4, 5]));

    expect(store.size('a')).toBe(5);
    const into = new Uint8Array(3);
    expect(store.read('a', 1, into)).toBe(3);
    expect([...into]).toEqual([2, 3, 4]);
    expect(store.read('a', 3, into)).toBe(2);
    expect([...into.subarray(0, 2)]).toEqual([4, 5]);
    expect(store.read('a', 9, into)).toBe(0);
    expect(store.size('b')).toBeUndefined();
    expect(store.read('b', 0, into)).toBe(0);
    expect(store.names()).toEqual(['a']);
    store.remove('a');
    expect(store.names()).toEqual([]);
    store.dispose();
  });

  it('removes its directory when disposed', () => {
    const store = new FileSpillStore(parent);
    store.append('a', new Uint8Array([1]));

    store.dispose();

    expect(existsSync(store.dir)).toBe(false);
  });

  it('refuses names that are not plain file names', () => {
    const store = new FileSpillStore(parent);

    expect(() => store.append('../escape', new Uint8Array([1]))).toThrow(/not a spill file name/);
    store.dispose();
  });
});

describe('spilled sessions across a checkpoint', () => {
  it('are uploaded once, downloaded into a fresh store, and the resumed tracker ends like an unbounded one', async () => {
    const objects = new DirectoryObjectStore(join(parent, 'bucket'));
    const add = (tracker: SessionTracker, from: number, to: number) => {
      for (let i = from; i < to; i++) tracker.add(`s-${i % 97}-${Math.floor(i / 300)}`, i, i % 9, { source: 'x.log', line: i + 1, timestamp: 1000 + i });
    };
    const unbounded = new SessionTracker();
    add(unbounded, 0, 2000);
    const first = new FileSpillStore(parent);
    const before = new SessionTracker({ budget: 20, spill: first });
    add(before, 0, 1000);
    const state = JSON.parse(JSON.stringify(before.toJSON()));

    const uploaded = await saveSpilledSessions(objects, 'run-1', first);
    const again = await saveSpilledSessions(objects, 'run-1', first);
    first.dispose();
    const second = new FileSpillStore(parent);
    await restoreSpilledSessions(objects, 'run-1', second, { phase: 'observe', sessions: state });
    const after = SessionTracker.fromJSON(state, { budget: 20, spill: second });
    add(after, 1000, 2000);

    expect(uploaded).toBe(state.runs.length);
    expect(again).toBe(0);
    expect(after.size).toBe(unbounded.size);
    for (let i = 0; i < unbounded.size; i++) {
      expect(after.idOf(i)).toBe(unbounded.idOf(i));
      expect(after.metrics(i)).toEqual(unbounded.metrics(i));
      expect(after.vector(i, 9)).toEqual(unbounded.vector(i, 9));
    }
    second.dispose();
  });
});
