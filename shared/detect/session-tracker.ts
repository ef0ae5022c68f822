/**
 * Small per-session counters kept during a pass: enough for session metrics, the session outlier
 * vector and context planning, never the records themselves. Stored column-wise in typed-array
 * chunks; the index is keyed by a 52-bit hash of the session id in typed arrays too (a Map with
 * string keys costs ~90 bytes a session), and the ids themselves are packed into one string per
 * chunk of sessions (~15 bytes a session instead of ~40 for a string each).
 *
 * With a {@link SpillStore}, memory is bounded: past `budget` live sessions, the half that has been
 * quiet longest is written out as a run (see session-spill.ts), and when the sessions are first
 * read they are merged back, numbered and counted exactly as without a budget.
 */
import { ModelError } from '../errors.ts';
import type { Level } from '../ingest/record.ts';
import { sessionKey } from './session-key.ts';
import {
  END, ERRORS as ERRORS_COL, FIRST_LINE, FIRST_ORDINAL, FIRST_SOURCE, LAST_ORDINAL, RECORDS, START, TROUBLE_LINE, TROUBLE_ORDINAL, TROUBLE_SOURCE, WIDTH,
} from './session-rows.ts';
import { fragmentRunName, fragmentRunWriter, settleSessions, type SettledSessions } from './session-spill.ts';
import type { SpillStore } from './spill-store.ts';
import type { RecordRef, SessionMetrics } from './types.ts';

export { sessionKey } from './session-key.ts';

const TROUBLE: ReadonlySet<Level | undefined> = new Set(['WARN', 'ERROR', 'FATAL']);
const ERRORS: ReadonlySet<Level | undefined> = new Set(['ERROR', 'FATAL']);

/** Template slots kept inline; a session with more distinct templates keeps the rest in a Map. */
const SLOTS = 6;
const CHUNK = 1 << 14;

/**
 * Live sessions kept in memory by default when a spill store is given. Measured, a budgeted session
 * costs ~300 bytes of RSS (counters, index, packed id, eviction and the sort while settling), so
 * some 15 MB; at 1 M sessions the CLI then peaks at ~240 MB (200 000 would be ~290 MB).
 */
export const DEFAULT_SESSION_BUDGET = 50_000;
/** Encoded bytes a budgeted session may take while settling (an encoded session is ~40–80 bytes). */
const SETTLE_BYTES_PER_SESSION = 96;

/** What a record tells the tracker. */
export interface TrackedRecord { source: string; line: number; level?: Level | undefined; timestamp?: number | undefined }

/** Bounded memory: where sessions past the budget go. Without `spill` every session stays in memory. */
export interface SessionLimits {
  /** Most sessions in memory (default {@link DEFAULT_SESSION_BUDGET}); only with `spill`. */
  budget?: number | undefined;
  spill?: SpillStore | undefined;
}

/**
 * The live sessions as plain data, and the names of the runs already spilled (they stay in the
 * spill store: a checkpoint is only complete with them, see spill-checkpoint.ts). `spill` holds
 * template counts past the inline slots (its name predates spilling to a store). Checkpoints
 * without `width` were written with 10 scalar columns (no LAST_ORDINAL).
 */
export interface SessionTrackerState {
  ids: string[]; sources: string[]; scalars: (number | null)[]; slots: number[]; spill: [number, number[]][];
  width?: number; runs?: string[]; nextRun?: number;
}

export class SessionTracker {
  private live = new LiveSessions();
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly store?: SpillStore;
  private readonly budget: number;
  /** Fragment runs written to the store, not yet settled. */
  private runs: string[] = [];
  private nextRun = 0;
  private spilledRows = 0;
  /** Set once sessions were read after spilling: from then on they are read from the store. */
  private settled?: SettledSessions;

  constructor(limits: SessionLimits = {}) {
    this.store = limits.spill;
    this.budget = limits.spill ? Math.max(2, limits.budget ?? DEFAULT_SESSION_BUDGET) : Number.POSITIVE_INFINITY;
  }

  /** Distinct sessions seen. */
  get size(): number {
    return this.settle()?.size ?? this.live.index.size;
  }

  /** Sessions written to the spill store so far (a session that came back counts again). */
  get spilled(): number {
    return this.spilledRows;
  }

  /** The dense index of a session (by id or key), or undefined when it was never seen. */
  indexOf(session: string | number): number | undefined {
    const key = typeof session === 'string' ? sessionKey(session) : session;
    const settled = this.settle();
    return settled ? settled.indexOf(key) : this.live.index.get(key);
  }

  /** The id of the session at `index`. */
  idOf(index: number): string {
    const settled = this.settle();
    return settled ? settled.row(index).id : this.live.idOf(index);
  }

  /** Count one record of `sessionId`; `template` is a dense template index (-1 for unknown). */
  add(sessionId: string, ordinal: number, template: number, record: TrackedRecord): void {
    if (this.settled) throw new Error('the sessions were read already: a tracker takes no records after that');
    const key = sessionKey(sessionId);
    let live = this.live;
    let i = live.index.get(key);
    if (i === undefined) {
      if (live.index.size >= this.budget) live = this.evict();
      i = live.open(key, sessionId);
      const row = live.row(i);
      row.array[row.at + FIRST_ORDINAL] = ordinal;
      row.array[row.at + FIRST_SOURCE] = this.intern(record.source);
      row.array[row.at + FIRST_LINE] = record.line;
      row.array[row.at + TROUBLE_ORDINAL] = -1;
      row.array[row.at + START] = NaN;
      row.array[row.at + END] = NaN;
    }
    const { array, at } = live.row(i);
    array[at + RECORDS]!++;
    array[at + LAST_ORDINAL] = ordinal;
    if (ERRORS.has(record.level)) array[at + ERRORS_COL]!++;
    if (array[at + TROUBLE_ORDINAL]! < 0 && TROUBLE.has(record.level)) {
      array[at + TROUBLE_ORDINAL] = ordinal;
      array[at + TROUBLE_SOURCE] = this.intern(record.source);
      array[at + TROUBLE_LINE] = record.line;
    }
    const timestamp = record.timestamp;
    if (timestamp !== undefined) {
      if (!(array[at + START]! <= timestamp)) array[at + START] = timestamp;
      if (!(array[at + END]! >= timestamp)) array[at + END] = timestamp;
    }
    live.count(i, template);
  }

  records(i: number): number {
    return this.scalar(i, RECORDS);
  }

  /** The first record of the session. */
  first(i: number): RecordRef & { ordinal: number } {
    return { source: this.sources[this.scalar(i, FIRST_SOURCE)]!, line: this.scalar(i, FIRST_LINE), ordinal: this.scalar(i, FIRST_ORDINAL) };
  }

  /** The first WARN+ record (the natural place to point at for a session-level finding), else the first record. */
  firstTrouble(i: number): RecordRef & { ordinal: number } {
    const ordinal = this.scalar(i, TROUBLE_ORDINAL);
    if (ordinal < 0) return this.first(i);
    return { source: this.sources[this.scalar(i, TROUBLE_SOURCE)]!, line: this.scalar(i, TROUBLE_LINE), ordinal };
  }

  /** Template counts as [template index, count] pairs. */
  counts(i: number): [number, number][] {
    const settled = this.settle();
    const flat = settled ? settled.row(i).counts : this.live.counts(i);
    const pairs: [number, number][] = [];
    for (let k = 0; k < flat.length; k += 2) pairs.push([flat[k]!, flat[k + 1]!]);
    return pairs;
  }

  /** The session's counts as a dense vector over `width` templates; unknown templates (-1) go to the last column. */
  vector(i: number, width: number, columnOf: (template: number) => number = (t) => t): number[] {
    const vector = new Array<number>(width + 1).fill(0);
    for (const [template, count] of this.counts(i)) {
      const column = template < 0 ? -1 : columnOf(template);
      vector[column < 0 || column >= width ? width : column]! += count;
    }
    return vector;
  }

  metrics(i: number): SessionMetrics {
    const start = this.scalar(i, START);
    const records = this.records(i);
    const errors = this.scalar(i, ERRORS_COL);
    return {
      ...(Number.isFinite(start) && { start, end: this.scalar(i, END), durationMs: this.scalar(i, END) - start }),
      records,
      errors,
      errorRate: errors / records,
      distinctTemplates: this.counts(i).length,
    };
  }

  /** The live sessions and the names of the spilled runs; only before the sessions were read. */
  toJSON(): SessionTrackerState {
    if (this.settled) throw new Error('the sessions were read already: checkpoint a tracker before reading it');
    const live = this.live;
    const n = live.index.size;
    const scalars: number[] = [];
    const slots: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = live.row(i);
      for (let c = 0; c < WIDTH; c++) scalars.push(row.array[row.at + c]!);
      const slot = live.slotRow(i);
      for (let c = 0; c < SLOTS * 2; c++) slots.push(slot.array[slot.at + c]!);
    }
    return {
      ids: Array.from({ length: n }, (_, i) => live.idOf(i)), sources: this.sources, scalars, slots, spill: [...live.extra], width: WIDTH,
      ...(this.nextRun > 0 && { runs: [...this.runs], nextRun: this.nextRun }),
    };
  }

  /**
   * Continues from {@link toJSON} output. Its spilled runs must be in `limits.spill` already.
   * @throws {ModelError} when they are not.
   */
  static fromJSON(state: SessionTrackerState, limits: SessionLimits = {}): SessionTracker {
    const tracker = new SessionTracker(limits);
    const width = state.width ?? 10;
    state.sources.forEach((s) => tracker.intern(s));
    const live = tracker.live;
    state.ids.forEach((id, i) => {
      live.open(sessionKey(id), id);
      const row = live.row(i);
      // JSON wrote NaN (no timestamp yet) as null.
      for (let c = 0; c < width; c++) row.array[row.at + c] = state.scalars[i * width + c] ?? NaN;
      // Older checkpoints have no last ordinal: the first one only decides the order sessions leave memory in.
      if (width <= LAST_ORDINAL) row.array[row.at + LAST_ORDINAL] = row.array[row.at + FIRST_ORDINAL]!;
      const slot = live.slotRow(i);
      for (let c = 0; c < SLOTS * 2; c++) slot.array[slot.at + c] = state.slots[i * SLOTS * 2 + c]!;
    });
    for (const [i, extra] of state.spill) live.extra.set(i, extra);
    const missing = (state.runs ?? []).filter((name) => limits.spill?.size(name) === undefined);
    if (missing.length > 0) {
      throw new ModelError(`the detection checkpoint needs spilled session counters that are gone (${missing.join(', ')}): upload the object again to start over`);
    }
    tracker.runs = [...(state.runs ?? [])];
    tracker.nextRun = state.nextRun ?? 0;
    return tracker;
  }

  /** Writes the half of the live sessions that has been quiet longest to a run, keeps the rest. */
  private evict(): LiveSessions {
    const live = this.live;
    const n = live.index.size;
    const lasts = new Float64Array(n);
    for (let i = 0; i < n; i++) lasts[i] = live.scalar(i, LAST_ORDINAL);
    // Last ordinals are distinct (one record, one session), so exactly half is below the median.
    const cut = lasts.slice().sort()[n >> 1]!;
    const leaving: number[] = [];
    const staying: number[] = [];
    for (let i = 0; i < n; i++) (lasts[i]! < cut ? leaving : staying).push(i);
    this.spillRows(live, leaving);
    live.retain(staying);
    return live;
  }

  /** Writes the given live sessions as one run sorted by key. */
  private spillRows(live: LiveSessions, indexes: number[]): void {
    const keyed = indexes.map((i) => ({ i, key: sessionKey(live.idOf(i)) })).sort((a, b) => a.key - b.key);
    const name = fragmentRunName(this.nextRun++);
    const run = fragmentRunWriter(this.store!, name);
    for (const { i, key } of keyed) {
      const { array, at } = live.row(i);
      run.writeParts(key, live.idOf(i), array, at, live.counts(i));
    }
    run.flush();
    this.runs.push(name);
    this.spilledRows += indexes.length;
  }

  /** After spilling, the first read merges everything back (see session-spill.ts); undefined while all is in memory. */
  private settle(): SettledSessions | undefined {
    if (this.settled || this.runs.length === 0) return this.settled;
    const live = this.live;
    this.spillRows(live, Array.from({ length: live.index.size }, (_, i) => i));
    this.live = new LiveSessions();
    // The live sessions' memory is free now: sorting by first appearance may take about as much.
    this.settled = settleSessions(this.store!, this.runs, this.budget * SETTLE_BYTES_PER_SESSION);
    this.runs = [];
    return this.settled;
  }

  private scalar(i: number, column: number): number {
    const settled = this.settle();
    return settled ? settled.row(i).scalars[column]! : this.live.scalar(i, column);
  }

  private intern(source: string): number {
    let index = this.sourceIndex.get(source);
    if (index === undefined) {
      index = this.sources.length;
      this.sources.push(source);
      this.sourceIndex.set(source, index);
    }
    return index;
  }
}

/** The sessions in memory, numbered in order of arrival. */
class LiveSessions {
  readonly index = new KeyIndex();
  /** Ids of finished chunks, concatenated, with where each starts; ids of the chunk being filled. */
  private packedIds: { text: string; starts: Uint32Array }[] = [];
  private openIds: string[] = [];
  private readonly scalars: Float64Array[] = [];
  /** Pairs (template + 2, count): 0 marks a free slot (see count). */
  private readonly slots: Int32Array[] = [];
  /** Template counts past the inline slots, flat (template, count) pairs by session. */
  extra = new Map<number, number[]>();

  /** Adds a session (its row all zeros); returns its index. */
  open(key: number, id: string): number {
    const i = this.index.size;
    this.index.set(key, i);
    if (Math.floor(i / CHUNK) === this.scalars.length) {
      this.scalars.push(new Float64Array(CHUNK * WIDTH));
      this.slots.push(new Int32Array(CHUNK * SLOTS * 2));
    }
    this.keepId(id);
    return i;
  }

  idOf(index: number): string {
    const packed = this.packedIds[Math.floor(index / CHUNK)];
    if (!packed) return this.openIds[index % CHUNK]!;
    const at = index % CHUNK;
    return packed.text.slice(packed.starts[at], packed.starts[at + 1]);
  }

  row(i: number): { array: Float64Array; at: number } {
    return { array: this.scalars[Math.floor(i / CHUNK)]!, at: (i % CHUNK) * WIDTH };
  }

  slotRow(i: number): { array: Int32Array; at: number } {
    return { array: this.slots[Math.floor(i / CHUNK)]!, at: (i % CHUNK) * SLOTS * 2 };
  }

  scalar(i: number, column: number): number {
    return this.scalars[Math.floor(i / CHUNK)]![(i % CHUNK) * WIDTH + column]!;
  }

  /** Template counts as flat (template, count) pairs. */
  counts(i: number): number[] {
    const flat: number[] = [];
    const { array, at } = this.slotRow(i);
    for (let s = 0; s < SLOTS; s++) {
      const stored = array[at + 2 * s]!;
      if (stored === 0) break;
      flat.push(stored - 2, array[at + 2 * s + 1]!);
    }
    const extra = this.extra.get(i);
    if (extra) flat.push(...extra);
    return flat;
  }

  /** Slots store template + 2 so that 0 means free and the unknown template (-1) is 1. */
  count(i: number, template: number): void {
    const { array, at } = this.slotRow(i);
    const stored = template + 2;
    for (let s = 0; s < SLOTS; s++) {
      const here = array[at + 2 * s]!;
      if (here === stored) {
        array[at + 2 * s + 1]!++;
        return;
      }
      if (here === 0) {
        array[at + 2 * s] = stored;
        array[at + 2 * s + 1] = 1;
        return;
      }
    }
    let extra = this.extra.get(i);
    if (!extra) this.extra.set(i, (extra = []));
    for (let k = 0; k < extra.length; k += 2) {
      if (extra[k] === template) {
        extra[k + 1]!++;
        return;
      }
    }
    extra.push(template, 1);
  }

  /**
   * Keeps only the sessions at `indexes` (ascending), renumbered 0, 1, … in that order, in the same
   * arrays: no second copy of the columns while half of them leave.
   */
  retain(indexes: number[]): void {
    const ids = indexes.map((i) => this.idOf(i));
    const extra = new Map<number, number[]>();
    this.index.clear();
    indexes.forEach((i, j) => {
      // j <= i: row j is written only after every row it could overwrite was copied.
      const from = this.row(i);
      const to = this.row(j);
      to.array.set(from.array.subarray(from.at, from.at + WIDTH), to.at);
      const fromSlots = this.slotRow(i);
      const toSlots = this.slotRow(j);
      toSlots.array.set(fromSlots.array.subarray(fromSlots.at, fromSlots.at + SLOTS * 2), toSlots.at);
      const more = this.extra.get(i);
      if (more) extra.set(j, more);
      this.index.set(sessionKey(ids[j]!), j);
    });
    // Rows past the survivors are opened again later and must start at zero.
    const n = indexes.length;
    this.scalars.forEach((chunk, c) => chunk.fill(0, Math.max(0, n - c * CHUNK) * WIDTH));
    this.slots.forEach((chunk, c) => chunk.fill(0, Math.max(0, n - c * CHUNK) * SLOTS * 2));
    this.extra = extra;
    this.packedIds = [];
    this.openIds = [];
    ids.forEach((id) => this.keepId(id));
  }

  /** Joining a full chunk copies its ids into one flat string, so ids cut out of messages do not keep the messages alive. */
  private keepId(id: string): void {
    this.openIds.push(id);
    if (this.openIds.length < CHUNK) return;
    const starts = new Uint32Array(CHUNK + 1);
    let at = 0;
    this.openIds.forEach((text, k) => {
      starts[k] = at;
      at += text.length;
    });
    starts[CHUNK] = at;
    this.packedIds.push({ text: this.openIds.join(''), starts });
    this.openIds = [];
  }
}

/**
 * Session key → dense index, open addressing over typed arrays (a Map of a million number keys
 * would box every one of them). Keys are non-negative; slots hold key + 1 so 0 means empty.
 */
class KeyIndex {
  private slots = new Float64Array(1 << 12);
  private values = new Int32Array(1 << 12);
  size = 0;

  get(key: number): number | undefined {
    const mask = this.slots.length - 1;
    for (let at = this.home(key, mask); ; at = (at + 1) & mask) {
      const stored = this.slots[at]!;
      if (stored === 0) return undefined;
      if (stored === key + 1) return this.values[at]!;
    }
  }

  /** Forgets every key, keeping the table's capacity. */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.resize();
    this.place(key, value);
    this.size++;
  }

  private place(key: number, value: number): void {
    const mask = this.slots.length - 1;
    let at = this.home(key, mask);
    while (this.slots[at] !== 0 && this.slots[at] !== key + 1) at = (at + 1) & mask;
    this.slots[at] = key + 1;
    this.values[at] = value;
  }

  private resize(): void {
    const { slots, values } = this;
    this.slots = new Float64Array(slots.length * 2);
    this.values = new Int32Array(values.length * 2);
    for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) this.place(slots[i]! - 1, values[i]!);
  }

  private home(key: number, mask: number): number {
    // The low 32 bits are the better-mixed lane.
    return (key % 0x100000000) & mask;
  }
}
