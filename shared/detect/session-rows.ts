/**
 * One session's pass-1 counters as a row: its columns, how two partial rows of the same session
 * merge, and a compact byte encoding (varints, length-prefixed) to spill rows to a
 * {@link SpillStore} and read them back in order.
 */
import type { SpillStore } from './spill-store.ts';

// Scalar columns of one session. LAST_ORDINAL only chooses which sessions leave memory first.
export const FIRST_ORDINAL = 0, FIRST_SOURCE = 1, FIRST_LINE = 2, TROUBLE_ORDINAL = 3, TROUBLE_SOURCE = 4, TROUBLE_LINE = 5;
export const RECORDS = 6, ERRORS = 7, START = 8, END = 9, LAST_ORDINAL = 10;
export const WIDTH = 11;
const EMPTY_SCALARS: readonly number[] = new Array<number>(WIDTH).fill(0);

/** A session's counters: `scalars` by the columns above, `counts` as flat (template, count) pairs. */
export interface SessionRow { key: number; id: string; scalars: number[]; counts: number[] }

/**
 * Adds `other`, a part of the same session counted elsewhere (it left memory and came back), into
 * `into`: the result is what one uninterrupted count would have given, whichever part comes first.
 */
export function absorbRow(into: SessionRow, other: SessionRow): void {
  const s = into.scalars;
  const o = other.scalars;
  if (o[FIRST_ORDINAL]! < s[FIRST_ORDINAL]!) {
    s[FIRST_ORDINAL] = o[FIRST_ORDINAL]!;
    s[FIRST_SOURCE] = o[FIRST_SOURCE]!;
    s[FIRST_LINE] = o[FIRST_LINE]!;
    into.id = other.id;
  }
  if (o[TROUBLE_ORDINAL]! >= 0 && (s[TROUBLE_ORDINAL]! < 0 || o[TROUBLE_ORDINAL]! < s[TROUBLE_ORDINAL]!)) {
    s[TROUBLE_ORDINAL] = o[TROUBLE_ORDINAL]!;
    s[TROUBLE_SOURCE] = o[TROUBLE_SOURCE]!;
    s[TROUBLE_LINE] = o[TROUBLE_LINE]!;
  }
  s[RECORDS]! += o[RECORDS]!;
  s[ERRORS]! += o[ERRORS]!;
  // NaN means "no timestamp yet", as in the tracker.
  if (!Number.isNaN(o[START]!) && !(s[START]! <= o[START]!)) s[START] = o[START]!;
  if (!Number.isNaN(o[END]!) && !(s[END]! >= o[END]!)) s[END] = o[END]!;
  s[LAST_ORDINAL] = Math.max(s[LAST_ORDINAL]!, o[LAST_ORDINAL]!);
  next: for (let k = 0; k < other.counts.length; k += 2) {
    const template = other.counts[k]!;
    for (let j = 0; j < into.counts.length; j += 2) {
      if (into.counts[j] === template) {
        into.counts[j + 1]! += other.counts[k + 1]!;
        continue next;
      }
    }
    into.counts.push(template, other.counts[k + 1]!);
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Encodes rows into a growing byte buffer. Numbers that are small non-negative integers (ordinals,
 * lines, counts, millisecond timestamps) take a varint; anything else (NaN, fractions) a tag and
 * eight bytes.
 */
export class RowEncoder {
  bytes: Uint8Array;
  length = 0;
  private view: DataView;

  /** `capacity`: bytes to start with (it doubles when needed). */
  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Appends one row, length-prefixed. */
  encode(row: SessionRow): void {
    this.encodeParts(row.key, row.id, row.scalars, 0, row.counts);
  }

  /** Appends a row from its parts: the scalars are `scalars[at .. at + WIDTH)` (a tracker's column chunk, uncopied). */
  encodeParts(key: number, id: string, scalars: ArrayLike<number>, at: number, counts: readonly number[]): void {
    const start = this.length;
    // The largest a row can take: every number as tag + f64, the id as 3 bytes a UTF-16 unit.
    this.reserve(16 + 10 + 3 * id.length + 10 * (WIDTH + 1) + 20 * counts.length);
    this.length += 3; // room for the length prefix, most rows need one or two bytes of it
    this.number(key);
    this.text(id);
    for (let c = 0; c < WIDTH; c++) this.number(c === TROUBLE_ORDINAL ? scalars[at + c]! + 1 : scalars[at + c]!);
    this.varint(counts.length / 2);
    for (let k = 0; k < counts.length; k += 2) {
      this.varint(counts[k]! + 1);
      this.varint(counts[k + 1]!);
    }
    this.prefixLength(start);
  }

  /** Appends two doubles: the fixed 16-byte entries of lookup files. */
  pair(a: number, b: number): void {
    this.reserve(16);
    this.view.setFloat64(this.length, a, true);
    this.view.setFloat64(this.length + 8, b, true);
    this.length += 16;
  }

  /** Bytes encoded so far; the buffer is reused after {@link reset}. */
  encoded(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }

  private prefixLength(start: number): void {
    const body = this.length - start - 3;
    const size = varintSize(body);
    if (size !== 3) this.bytes.copyWithin(start + size, start + 3, this.length);
    this.length += size - 3;
    let at = start;
    let n = body;
    while (n >= 0x80) {
      this.bytes[at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[at] = n;
  }

  /** Length-prefixed UTF-8; ids are mostly short ASCII, written byte by byte (cheaper than a TextEncoder call each). */
  private text(value: string): void {
    if (value.length < 0x80) {
      let ascii = true;
      for (let i = 0; i < value.length && ascii; i++) ascii = value.charCodeAt(i) < 0x80;
      if (ascii) {
        this.bytes[this.length++] = value.length;
        for (let i = 0; i < value.length; i++) this.bytes[this.length++] = value.charCodeAt(i);
        return;
      }
    }
    // Encoded past the widest its length prefix can be, then moved next to it.
    const at = this.length + 5;
    const written = utf8.encodeInto(value, this.bytes.subarray(at)).written;
    this.varint(written);
    this.bytes.copyWithin(this.length, at, at + written);
    this.length += written;
  }

  private number(value: number): void {
    if (Number.isInteger(value) && value >= 0 && value < 2 ** 52) {
      this.varint(value * 2);
      return;
    }
    this.varint(1);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  private varint(value: number): void {
    let n = value;
    while (n >= 0x80) {
      this.bytes[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.length++] = n;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let n = value; n >= 0x80; n = Math.floor(n / 0x80)) size++;
  return size;
}

/** Appends rows to one file of a store, a block at a time. */
export class RowWriter {
  private readonly encoder = new RowEncoder();
  /** Bytes handed to the store so far. */
  private flushed = 0;

  constructor(private readonly store: SpillStore, readonly name: string) {}

  /** Where the next row starts in the file. */
  get offset(): number {
    return this.flushed + this.encoder.length;
  }

  write(row: SessionRow): void {
    this.encoder.encode(row);
    if (this.encoder.length >= FLUSH_BYTES) this.flush();
  }

  /** {@link write} from a row's parts (see {@link RowEncoder.encodeParts}). */
  writeParts(key: number, id: string, scalars: ArrayLike<number>, at: number, counts: readonly number[]): void {
    this.encoder.encodeParts(key, id, scalars, at, counts);
    if (this.encoder.length >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is buffered; call once after the last row. */
  flush(): void {
    if (this.encoder.length === 0) return;
    this.store.append(this.name, this.encoder.encoded());
    this.flushed += this.encoder.length;
    this.encoder.reset();
  }
}

const FLUSH_BYTES = 1 << 20;
const BLOCK_BYTES = 1 << 16;

/** Reads the rows of one file in order, from `offset`, a block at a time. */
export class RowReader {
  /** A window on the file: `bytes[at .. end)` is read and not decoded yet. */
  private bytes = new Uint8Array(BLOCK_BYTES);
  private at = 0;
  private end = 0;
  /** Where `bytes` starts in the file. */
  private base: number;

  constructor(private readonly store: SpillStore, readonly name: string, offset = 0) {
    this.base = offset;
  }

  /** The next row, or undefined at the end of the file. */
  next(): SessionRow | undefined {
    if (this.fill(10) === 0) return undefined;
    const length = this.varint();
    if (this.fill(length) < length) throw new Error(`spilled session file ${this.name} ends inside a row at byte ${this.base + this.at}`);
    const end = this.at + length;
    const key = this.number();
    const id = this.text();
    // A plain array: allocating a small typed array per row costs several times more.
    const scalars = EMPTY_SCALARS.slice();
    for (let c = 0; c < WIDTH; c++) scalars[c] = this.number();
    scalars[TROUBLE_ORDINAL]! -= 1;
    const pairs = this.varint();
    const counts = new Array<number>(pairs * 2);
    for (let k = 0; k < pairs * 2; k += 2) {
      counts[k] = this.varint() - 1;
      counts[k + 1] = this.varint();
    }
    this.at = end;
    return { key, id, scalars, counts };
  }

  /** Makes `wanted` bytes available from the read position when the file has them; returns how many are. */
  private fill(wanted: number): number {
    if (this.end - this.at >= wanted) return this.end - this.at;
    // Move what is left to the front (a row longer than the window gets a bigger one), then read after it.
    if (wanted > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(wanted, this.bytes.length * 2));
      bigger.set(this.bytes.subarray(this.at, this.end));
      this.bytes = bigger;
    } else {
      this.bytes.copyWithin(0, this.at, this.end);
    }
    this.base += this.at;
    this.end -= this.at;
    this.at = 0;
    while (this.end < wanted) {
      const read = this.store.read(this.name, this.base + this.end, this.bytes.subarray(this.end));
      if (read === 0) break;
      this.end += read;
    }
    return this.end - this.at;
  }

  private varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  }

  private text(): string {
    const length = this.varint();
    const bytes = this.bytes;
    const start = this.at;
    this.at += length;
    if (length < 0x40) {
      let text = '';
      for (let i = start; i < start + length; i++) {
        const byte = bytes[i]!;
        if (byte >= 0x80) return fromUtf8.decode(bytes.subarray(start, start + length));
        text += String.fromCharCode(byte);
      }
      return text;
    }
    return fromUtf8.decode(bytes.subarray(start, start + length));
  }

  private number(): number {
    const tagged = this.varint();
    if (tagged % 2 === 0) return tagged / 2;
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 8).getFloat64(0, true);
    this.at += 8;
    return value;
  }
}

const pairBytes = new Uint8Array(16);
const pairView = new DataView(pairBytes.buffer);

/** Reads the `index`-th fixed 16-byte entry (two doubles) of a lookup file. */
export function readPair(store: SpillStore, name: string, index: number): [number, number] {
  if (store.read(name, index * 16, pairBytes) < 16) throw new Error(`spilled session file ${name} has no entry ${index}`);
  return [pairView.getFloat64(0, true), pairView.getFloat64(8, true)];
}
