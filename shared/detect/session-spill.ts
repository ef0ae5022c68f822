/**
 * Sessions that did not fit in memory, put back together on disk: an external merge sort over the
 * {@link SpillStore}, in bounded memory, with the same result as counting everything in memory.
 *
 * Pass 1 spills *fragments*: runs of session rows sorted by key. A session that went quiet, left
 * memory and then logged again has a fragment in more than one run. {@link settleSessions}
 *  1. merges the runs by key, adding up each session's fragments, and writes the `keys` file
 *     (key → first ordinal, sorted by key) and chunks of whole sessions sorted by first ordinal;
 *  2. merges those chunks into the `rows` file, sessions in order of first appearance (the order an
 *     in-memory tracker numbers them in), with the `index` file (first ordinal, byte offset per session);
 *     a single chunk is written as the `rows` file directly.
 * At its fullest the store holds ~130 bytes a session (measured: 133 MB for 1 M short sessions).
 * {@link SettledSessions} then reads session i (sequential reads stream, others seek) and finds a
 * session's number from its key by two binary searches.
 */
import { absorbRow, FIRST_ORDINAL, readPair, RowEncoder, RowReader, RowWriter, type SessionRow } from './session-rows.ts';
import type { SpillStore } from './spill-store.ts';

/** Names of the runs pass 1 spills; the only spilled files a pass-1 checkpoint needs. */
export const fragmentRunName = (n: number): string => `sessions-fragments-${n}`;
/** Is this a fragment run (see {@link fragmentRunName})? */
export const isFragmentRun = (name: string): boolean => /^sessions-fragments-\d+$/.test(name);
const chunkName = (n: number): string => `sessions-chunk-${n}`;
const ROWS = 'sessions-rows';
const INDEX = 'sessions-index';
const KEYS = 'sessions-keys';

/** Most encoded bytes of whole sessions sorted in memory at once while settling, by default. */
const CHUNK_BYTES = 16 << 20;

/** A writer of a fragment run (rows in key order, each key once); flush it after the last row. */
export function fragmentRunWriter(store: SpillStore, name: string): RowWriter {
  store.remove(name);
  return new RowWriter(store, name);
}

/**
 * Merges fragment runs (each sorted by key, each key at most once in a run) into settled sessions,
 * and removes the runs. `chunkBytes` bounds the memory of the sort by first appearance.
 */
export function settleSessions(store: SpillStore, runs: readonly string[], chunkBytes = CHUNK_BYTES): SettledSessions {
  for (const name of [ROWS, INDEX, KEYS]) store.remove(name);
  const keys = new RowEncoder();
  const chunks: string[] = [];
  let chunk = new ChunkSorter(chunkBytes);
  let size = 0;
  const byKey = new RowHeap((a, b) => a.key - b.key);
  runs.forEach((name) => byKey.add(new RowReader(store, name)));
  for (let row = byKey.pop(); row; row = byKey.pop()) {
    while (byKey.peek()?.key === row.key) absorbRow(row, byKey.pop()!);
    keys.pair(row.key, row.scalars[FIRST_ORDINAL]!);
    if (keys.length >= 1 << 20) {
      store.append(KEYS, keys.encoded());
      keys.reset();
    }
    chunk.add(row);
    size++;
    if (chunk.bytes >= chunkBytes) {
      chunks.push(chunk.writeTo(store, chunkName(chunks.length)));
      chunk = new ChunkSorter(chunkBytes);
    }
  }
  store.append(KEYS, keys.encoded());
  runs.forEach((name) => store.remove(name));
  const index = new RowEncoder();
  if (chunks.length === 0) {
    // Everything fit in one chunk: sorted, it is the rows file.
    chunk.writeTo(store, ROWS, index);
    store.append(INDEX, index.encoded());
    return new SettledSessions(store, size);
  }
  if (chunk.bytes > 0) chunks.push(chunk.writeTo(store, chunkName(chunks.length)));

  const rows = new RowWriter(store, ROWS);
  const byFirst = new RowHeap((a, b) => a.scalars[FIRST_ORDINAL]! - b.scalars[FIRST_ORDINAL]!);
  chunks.forEach((name) => byFirst.add(new RowReader(store, name)));
  for (let row = byFirst.pop(); row; row = byFirst.pop()) {
    index.pair(row.scalars[FIRST_ORDINAL]!, rows.offset);
    rows.write(row);
    if (index.length >= 1 << 20) {
      store.append(INDEX, index.encoded());
      index.reset();
    }
  }
  rows.flush();
  store.append(INDEX, index.encoded());
  chunks.forEach((name) => store.remove(name));
  return new SettledSessions(store, size);
}

/** Settled sessions, numbered in order of first appearance. */
export class SettledSessions {
  private reader?: RowReader;
  private readerAt = -1;
  private current?: { index: number; row: SessionRow };

  constructor(private readonly store: SpillStore, readonly size: number) {}

  /** Session `index`'s row: cheap when indexes are read in increasing order, a seek otherwise. */
  row(index: number): SessionRow {
    if (this.current?.index === index) return this.current.row;
    if (!(index >= 0 && index < this.size)) throw new RangeError(`no session ${index} (there are ${this.size})`);
    if (!this.reader || index !== this.readerAt + 1) this.reader = new RowReader(this.store, ROWS, readPair(this.store, INDEX, index)[1]);
    const row = this.reader.next()!;
    this.readerAt = index;
    this.current = { index, row };
    return row;
  }

  /** The number of the session with this key, or undefined when there is none. */
  indexOf(key: number): number | undefined {
    const entry = lowerBound(this.size, (i) => readPair(this.store, KEYS, i)[0] < key);
    if (entry === this.size) return undefined;
    const [found, first] = readPair(this.store, KEYS, entry);
    if (found !== key) return undefined;
    return lowerBound(this.size, (i) => readPair(this.store, INDEX, i)[0] < first);
  }
}

/** The first i in [0, n) for which `before(i)` is false (n when there is none). */
function lowerBound(n: number, before: (i: number) => boolean): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(mid)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whole sessions collected encoded, then written sorted by first appearance. */
class ChunkSorter {
  private readonly encoder: RowEncoder;
  private readonly firsts: number[] = [];
  private readonly offsets: number[] = [];

  /** `capacity`: the chunk's size, allocated at once (doubling past it would take twice the memory). */
  constructor(capacity: number) {
    this.encoder = new RowEncoder(capacity + (1 << 16));
  }

  get bytes(): number {
    return this.encoder.length;
  }

  add(row: SessionRow): void {
    this.firsts.push(row.scalars[FIRST_ORDINAL]!);
    this.offsets.push(this.encoder.length);
    this.encoder.encode(row);
  }

  /** Writes the rows sorted by first appearance to `name`, and their (first ordinal, offset) entries to `index` if given. */
  writeTo(store: SpillStore, name: string, index?: RowEncoder): string {
    store.remove(name);
    const order = this.firsts.map((_, i) => i).sort((a, b) => this.firsts[a]! - this.firsts[b]!);
    const encoded = this.encoder.encoded();
    const piece = new Uint8Array(1 << 20);
    let filled = 0;
    let offset = 0;
    for (const i of order) {
      const row = encoded.subarray(this.offsets[i]!, this.offsets[i + 1] ?? encoded.length);
      if (filled + row.length > piece.length) {
        store.append(name, piece.subarray(0, filled));
        filled = 0;
      }
      if (row.length > piece.length) {
        store.append(name, row);
      } else {
        piece.set(row, filled);
        filled += row.length;
      }
      index?.pair(this.firsts[i]!, offset);
      offset += row.length;
    }
    store.append(name, piece.subarray(0, filled));
    return name;
  }
}

/** A k-way merge: the smallest current row of several sorted readers (ties: the earlier reader). */
class RowHeap {
  private readonly heap: { row: SessionRow; reader: RowReader; order: number }[] = [];
  private added = 0;

  constructor(private readonly compare: (a: SessionRow, b: SessionRow) => number) {}

  add(reader: RowReader): void {
    const row = reader.next();
    if (row) this.push({ row, reader, order: this.added });
    this.added++;
  }

  peek(): SessionRow | undefined {
    return this.heap[0]?.row;
  }

  pop(): SessionRow | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const row = top.row;
    const next = top.reader.next();
    if (next) {
      top.row = next;
    } else {
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return row;
      this.heap[0] = last;
    }
    this.down(0);
    return row;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    const c = this.compare(x.row, y.row);
    return c < 0 || (c === 0 && x.order < y.order);
  }

  private push(entry: { row: SessionRow; reader: RowReader; order: number }): void {
    this.heap.push(entry);
    for (let i = this.heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }

  private down(start: number): void {
    for (let i = start; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.less(left, smallest)) smallest = left;
      if (right < this.heap.length && this.less(right, smallest)) smallest = right;
      if (smallest === i) return;
      [this.heap[i], this.heap[smallest]] = [this.heap[smallest]!, this.heap[i]!];
      i = smallest;
    }
  }
}
