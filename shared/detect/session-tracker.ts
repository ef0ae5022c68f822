/**
 * Small per-session counters kept during a pass: enough for session metrics, the session outlier
 * vector and context planning, never the records themselves. Stored column-wise in typed-array
 * chunks; the index is keyed by a 52-bit hash of the session id in typed arrays too (a Map with
 * string keys costs ~90 bytes a session), and the ids themselves are packed into one string per
 * chunk of sessions (~15 bytes a session instead of ~40 for a string each).
 */
import type { Level } from '../ingest/record.ts';
import type { RecordRef } from './context.ts';
import type { SessionMetrics } from './types.ts';

const TROUBLE: ReadonlySet<Level | undefined> = new Set(['WARN', 'ERROR', 'FATAL']);
const ERRORS: ReadonlySet<Level | undefined> = new Set(['ERROR', 'FATAL']);

// Scalar columns of one session, in one Float64Array row.
const FIRST_ORDINAL = 0, FIRST_SOURCE = 1, FIRST_LINE = 2, TROUBLE_ORDINAL = 3, TROUBLE_SOURCE = 4, TROUBLE_LINE = 5, RECORDS = 6, ERRORS_COL = 7, START = 8, END = 9;
const WIDTH = 10;
/** Template slots kept inline; a session with more distinct templates spills into a Map. */
const SLOTS = 6;
const CHUNK = 1 << 14;

/** What a record tells the tracker. */
export interface TrackedRecord { source: string; line: number; level?: Level | undefined; timestamp?: number | undefined }

export interface SessionTrackerState { ids: string[]; sources: string[]; scalars: number[]; slots: number[]; spill: [number, number[]][] }

/**
 * A 52-bit hash of a session id (two 32-bit FNV-1a lanes), exact as a double. Two ids sharing one
 * would merge their counters; with a million sessions the chance of any such pair is about 1 in 10 000.
 */
export function sessionKey(sessionId: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ sessionId.length;
  for (let i = 0; i < sessionId.length; i++) {
    const c = sessionId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return ((a >>> 0) % 0x100000) * 0x100000000 + (b >>> 0);
}

export class SessionTracker {
  private readonly index = new KeyIndex();
  /** Ids of finished chunks, concatenated, with where each starts; ids of the chunk being filled. */
  private readonly packedIds: { text: string; starts: Uint32Array }[] = [];
  private openIds: string[] = [];
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly scalars: Float64Array[] = [];
  /** Pairs (template + 2, count): 0 marks a free slot (see count). */
  private readonly slots: Int32Array[] = [];
  private readonly spill = new Map<number, number[]>();

  get size(): number {
    return this.index.size;
  }

  /** The dense index of a session (by id or key), or undefined when it was never seen. */
  indexOf(session: string | number): number | undefined {
    return this.index.get(typeof session === 'string' ? sessionKey(session) : session);
  }

  /** The id of the session at `index`. */
  idOf(index: number): string {
    const packed = this.packedIds[Math.floor(index / CHUNK)];
    if (!packed) return this.openIds[index % CHUNK]!;
    const at = index % CHUNK;
    return packed.text.slice(packed.starts[at], packed.starts[at + 1]);
  }

  /** Count one record of `sessionId`; `template` is a dense template index (-1 for unknown). */
  add(sessionId: string, ordinal: number, template: number, record: TrackedRecord): void {
    const key = sessionKey(sessionId);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(key, i);
      if (i % CHUNK === 0) this.grow();
      this.keepId(sessionId);
      const row = this.row(i);
      row.array[row.at + FIRST_ORDINAL] = ordinal;
      row.array[row.at + FIRST_SOURCE] = this.intern(record.source);
      row.array[row.at + FIRST_LINE] = record.line;
      row.array[row.at + TROUBLE_ORDINAL] = -1;
      row.array[row.at + START] = NaN;
      row.array[row.at + END] = NaN;
    }
    const { array, at } = this.row(i);
    array[at + RECORDS]!++;
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
    this.count(i, template);
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
    const pairs: [number, number][] = [];
    const { array, at } = this.slotRow(i);
    for (let s = 0; s < SLOTS; s++) {
      const stored = array[at + 2 * s]!;
      if (stored === 0) break;
      pairs.push([stored - 2, array[at + 2 * s + 1]!]);
    }
    const extra = this.spill.get(i);
    for (let k = 0; extra && k < extra.length; k += 2) pairs.push([extra[k]!, extra[k + 1]!]);
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

  toJSON(): SessionTrackerState {
    const n = this.size;
    const scalars: number[] = [];
    const slots: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = this.row(i);
      for (let c = 0; c < WIDTH; c++) scalars.push(row.array[row.at + c]!);
      const slot = this.slotRow(i);
      for (let c = 0; c < SLOTS * 2; c++) slots.push(slot.array[slot.at + c]!);
    }
    return { ids: Array.from({ length: n }, (_, i) => this.idOf(i)), sources: this.sources, scalars, slots, spill: [...this.spill] };
  }

  static fromJSON(state: SessionTrackerState): SessionTracker {
    const tracker = new SessionTracker();
    state.sources.forEach((s) => tracker.intern(s));
    state.ids.forEach((id, i) => {
      tracker.index.set(sessionKey(id), i);
      if (i % CHUNK === 0) tracker.grow();
      tracker.keepId(id);
      const row = tracker.row(i);
      for (let c = 0; c < WIDTH; c++) row.array[row.at + c] = state.scalars[i * WIDTH + c]!;
      const slot = tracker.slotRow(i);
      for (let c = 0; c < SLOTS * 2; c++) slot.array[slot.at + c] = state.slots[i * SLOTS * 2 + c]!;
    });
    for (const [i, extra] of state.spill) tracker.spill.set(i, extra);
    return tracker;
  }

  /** Slots store template + 2 so that 0 means free and the unknown template (-1) is 1. */
  private count(i: number, template: number): void {
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
    let extra = this.spill.get(i);
    if (!extra) this.spill.set(i, (extra = []));
    for (let k = 0; k < extra.length; k += 2) {
      if (extra[k] === template) {
        extra[k + 1]!++;
        return;
      }
    }
    extra.push(template, 1);
  }

  private grow(): void {
    this.scalars.push(new Float64Array(CHUNK * WIDTH));
    this.slots.push(new Int32Array(CHUNK * SLOTS * 2));

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

  private row(i: number): { array: Float64Array; at: number } {
    return { array: this.scalars[Math.floor(i / CHUNK)]!, at: (i % CHUNK) * WIDTH };
  }

  private slotRow(i: number): { array: Int32Array; at: number } {
    return { array: this.slots[Math.floor(i / CHUNK)]!, at: (i % CHUNK) * SLOTS * 2 };
  }

  private scalar(i: number, column: number): number {
    return this.scalars[Math.floor(i / CHUNK)]![(i % CHUNK) * WIDTH + column]!;
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
