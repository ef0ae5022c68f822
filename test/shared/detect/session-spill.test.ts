/**
 * A session tracker with a tiny memory budget spills sessions to a store and merges them back:
 * whatever it reports must equal what an unbounded tracker reports for the same records.
 */
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../shared/errors.ts';
import type { Level } from '../../../shared/ingest/record.ts';
import { createRandom } from '../../../shared/random.ts';
import { SessionTracker, type TrackedRecord } from '../../../shared/detect/session-tracker.ts';
import { MemorySpillStore } from '../../../shared/detect/spill-store.ts';
import { fragmentRunName, fragmentRunWriter, settleSessions } from '../../../shared/detect/session-spill.ts';
import { FIRST_ORDINAL, WIDTH, type SessionRow } from '../../../shared/detect/session-rows.ts';

const LEVELS: (Level | undefined)[] = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR', undefined];

interface Step { id: string; template: number; record: TrackedRecord }

/**
 * Seeded traffic that makes spilling hard: sessions open and close, some go quiet for a long time and
 * come back (so they are spilled in pieces), a few use more templates than the inline slots, some
 * records have no timestamp and some carry odd ones (fractions), ids include non-ASCII text.
 */
function traffic(seed: number, records: number): Step[] {
  const random = createRandom(seed);
  const open: string[] = [];
  const steps: Step[] = [];
  let made = 0;
  for (let ordinal = 0; ordinal < records; ordinal++) {
    if (open.length < 5 || random() < 0.3) open.push(random() < 0.1 ? `sessión-${made++}-ü` : `req-${made++}`);
    const pick = random() < 0.05 && made > 20 ? `req-${Math.floor(random() * made)}` : open[Math.floor(random() * open.length)]!;
    if (random() < 0.2) open.splice(open.indexOf(pick), 1);
    const timestamp = random() < 0.15 ? undefined : random() < 0.05 ? 1_700_000_000_000 + random() : 1_700_000_000_000 + Math.floor(random() * 1e6);
    steps.push({
      id: pick,
      template: Math.floor(random() * 12) - 1,
      record: { source: random() < 0.5 ? 'a.log' : 'b.log', line: ordinal + 1, level: LEVELS[Math.floor(random() * LEVELS.length)], timestamp },
    });
  }
  return steps;
}

function feed(tracker: SessionTracker, steps: Step[], from = 0, to = steps.length): void {
  for (let ordinal = from; ordinal < to; ordinal++) {
    const { id, template, record } = steps[ordinal]!;
    tracker.add(id, ordinal, template, record);
  }
}

/** Everything a tracker tells its readers, session by session in its own numbering. */
function everything(tracker: SessionTracker) {
  return Array.from({ length: tracker.size }, (_, i) => ({
    id: tracker.idOf(i),
    records: tracker.records(i),
    first: tracker.first(i),
    trouble: tracker.firstTrouble(i),
    counts: tracker.counts(i).sort(([a], [b]) => a - b),
    vector: tracker.vector(i, 8),
    metrics: tracker.metrics(i),
  }));
}

describe('a session tracker over its budget', () => {
  const steps = traffic(7, 4000);

  it('spills and still reports exactly what an unbounded tracker does, in the same order', () => {
    const unbounded = new SessionTracker();
    feed(unbounded, steps);
    const store = new MemorySpillStore();
    const bounded = new SessionTracker({ budget: 16, spill: store });
    feed(bounded, steps);

    expect(bounded.spilled).toBeGreaterThan(unbounded.size);
    expect(everything(bounded)).toEqual(everything(unbounded));
  });

  it('finds every session by id after spilling, also after reading out of order', () => {
    const unbounded = new SessionTracker();
    feed(unbounded, steps);
    const bounded = new SessionTracker({ budget: 16, spill: new MemorySpillStore() });
    feed(bounded, steps);

    const ids = [...new Set(steps.map((s) => s.id))].reverse();
    for (const id of ids) expect(bounded.indexOf(id)).toBe(unbounded.indexOf(id));
    expect(bounded.indexOf('never-seen')).toBeUndefined();
    expect(bounded.metrics(3)).toEqual(unbounded.metrics(3));
    expect(bounded.idOf(unbounded.size - 1)).toBe(unbounded.idOf(unbounded.size - 1));
  });

  it('keeps nothing but the settled files in its store once read', () => {
    const store = new MemorySpillStore();
    const bounded = new SessionTracker({ budget: 16, spill: store });
    feed(bounded, steps);

    expect(store.names().some((name) => name.startsWith('sessions-fragments-'))).toBe(true);
    void bounded.size;
    expect(store.names()).toEqual(['sessions-index', 'sessions-keys', 'sessions-rows']);
  });

  it('continues from a checkpoint taken after spilling, with the runs left in the store', () => {
    const unbounded = new SessionTracker();
    feed(unbounded, steps);
    const store = new MemorySpillStore();
    const before = new SessionTracker({ budget: 16, spill: store });
    feed(before, steps, 0, 2500);
    const state = JSON.parse(JSON.stringify(before.toJSON()));

    const after = SessionTracker.fromJSON(state, { budget: 16, spill: store });
    feed(after, steps, 2500);

    expect(state.runs.length).toBeGreaterThan(0);
    expect(everything(after)).toEqual(everything(unbounded));
  });

  it('refuses a checkpoint whose spilled runs are gone', () => {
    const store = new MemorySpillStore();
    const before = new SessionTracker({ budget: 16, spill: store });
    feed(before, steps, 0, 500);
    const state = JSON.parse(JSON.stringify(before.toJSON()));

    expect(() => SessionTracker.fromJSON(state, { budget: 16, spill: new MemorySpillStore() })).toThrow(ModelError);
  });

  it('takes no more records once its sessions were read', () => {
    const bounded = new SessionTracker({ budget: 4, spill: new MemorySpillStore() });
    feed(bounded, steps, 0, 100);
    void bounded.size;

    expect(() => feed(bounded, steps, 100, 101)).toThrow(/read already/);
  });
});

function writeRun(store: MemorySpillStore, name: string, rows: SessionRow[]): void {
  const writer = fragmentRunWriter(store, name);
  rows.forEach((row) => writer.write(row));
  writer.flush();
}

describe('settling spilled sessions', () => {
  const row = (key: number, first: number, counts: number[]): SessionRow => {
    const scalars = new Array<number>(WIDTH).fill(0);
    scalars[FIRST_ORDINAL] = first;
    scalars[3] = -1;
    scalars[6] = counts.length / 2;
    scalars[8] = NaN;
    scalars[9] = NaN;
    return { key, id: `s${key}`, scalars, counts };
  };

  it('adds up a session found in several runs and numbers sessions by first appearance, over many sort chunks', () => {
    const store = new MemorySpillStore();
    // Keys ascend within a run; first appearances are the reverse of key order.
    writeRun(store, fragmentRunName(0), Array.from({ length: 300 }, (_, k) => row(k, 1000 - k, [k % 5, 1])));
    writeRun(store, fragmentRunName(1), [row(7, 5000, [7 % 5, 2, 9, 1]), row(299, 10, [1, 1])]);

    const settled = settleSessions(store, [fragmentRunName(0), fragmentRunName(1)], 256);

    expect(settled.size).toBe(300);
    expect(settled.row(0).key).toBe(299);
    expect(settled.row(0).scalars[FIRST_ORDINAL]).toBe(10);
    expect(settled.row(299).key).toBe(0);
    const seven = settled.indexOf(7)!;
    expect(settled.row(seven).counts).toEqual([2, 3, 9, 1]);
    expect(settled.row(seven).scalars[FIRST_ORDINAL]).toBe(993);
    expect(settled.indexOf(300)).toBeUndefined();
  });

  it('gives the same sessions when they all fit one sort chunk', () => {
    const store = new MemorySpillStore();
    writeRun(store, fragmentRunName(0), Array.from({ length: 50 }, (_, k) => row(k, 1000 - k, [k % 5, 1])));
    writeRun(store, fragmentRunName(1), [row(7, 5000, [7 % 5, 2, 9, 1])]);

    const settled = settleSessions(store, [fragmentRunName(0), fragmentRunName(1)]);

    expect(Array.from({ length: settled.size }, (_, i) => settled.row(i).key)).toEqual(Array.from({ length: 50 }, (_, k) => 49 - k));
    expect(settled.row(settled.indexOf(7)!).counts).toEqual([2, 3, 9, 1]);
    expect(store.names()).toEqual(['sessions-index', 'sessions-keys', 'sessions-rows']);
  });
});
