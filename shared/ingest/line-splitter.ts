import { Buffer, isUtf8 } from 'node:buffer';

/** Receives the non-blank lines of a stream, without their line ending. */
export interface LineSink {
  line(text: string, lineNo: number): void;
}

/** Line-level trouble the splitter finds on its own. */
export interface LineProblems {
  /** A line held bytes that are not UTF-8; it was kept with U+FFFD in their place. */
  invalidUtf8(lineNo: number): void;
  /** A line was longer than the limit and was skipped; `bytes` is its length without the line ending. */
  tooLong(lineNo: number, bytes: number): void;
  /** A line held NUL bytes; it was kept with U+FFFD in their place. */
  nulBytes(lineNo: number): void;
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Splits byte chunks into lines and hands them to a {@link LineSink}.
 *
 * This is the hot path, so it works on whole chunks: all complete lines of a chunk are decoded with one
 * UTF-8 decode and cut with `indexOf`, and only the tail that runs into the next chunk is carried (as
 * bytes, so a multi-byte character split across chunks survives). Memory stays flat: the carry never
 * grows past `maxLineBytes`; a longer line is skipped by counting its bytes up to the next newline.
 *
 * Handles CRLF, a UTF-8 byte order mark on the first line, blank and whitespace-only lines (skipped,
 * but they still count for line numbers), invalid UTF-8 and NUL bytes (both replaced with U+FFFD,
 * reported per line: a NUL inside a JSON string would otherwise make the whole line unparseable).
 */
export class LineSplitter {
  /** Lines seen so far, blank ones included (the line number of the last line). */
  lineNo = 0;
  /** Lines handed to the sink. */
  nonBlankLines = 0;
  /** Lines skipped for being over the limit. */
  tooLongLines = 0;

  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private skipping = false;
  private skippedBytes = 0;
  /** Below this many UTF-16 units a line cannot exceed `maxLineBytes` (at most 3 UTF-8 bytes per unit). */
  private readonly safeChars: number;

  constructor(
    private readonly sink: LineSink,
    private readonly problems: LineProblems,
    private readonly maxLineBytes: number,
  ) {
    this.safeChars = Math.floor(maxLineBytes / 3);
  }

  /** Feeds the next chunk. */
  push(chunk: Uint8Array): void {
    const buf = asBuffer(chunk);
    let start = 0;
    if (this.carryBytes > 0 || this.skipping) {
      const nl = buf.indexOf(10);
      if (nl === -1) {
        this.hold(buf, 0);
        return;
      }
      this.finishCarried(buf.subarray(0, nl));
      start = nl + 1;
    }
    const last = buf.lastIndexOf(10);
    if (last >= start) {
      this.lines(buf, start, last);
      start = last + 1;
    }
    if (start < buf.length) this.hold(buf, start);
  }

  /** Flushes a last line that has no newline at its end. */
  end(): void {
    if (this.skipping) {
      this.skipping = false;
      this.tooLong(++this.lineNo, this.skippedBytes);
    } else if (this.carryBytes > 0) {
      this.finishCarried(new Uint8Array(0));
    }
  }

  private tooLong(lineNo: number, bytes: number): void {
    this.tooLongLines++;
    this.problems.tooLong(lineNo, bytes);
  }

  private hold(buf: Buffer, from: number): void {
    const size = buf.length - from;
    if (this.skipping) {
      this.skippedBytes += size;
      return;
    }
    if (this.carryBytes + size > this.maxLineBytes) {
      this.skipping = true;
      this.skippedBytes = this.carryBytes + size;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // A copy, so the carried tail does not pin (or depend on) the whole chunk.
    this.carry.push(buf.subarray(from).slice());
    this.carryBytes += size;
  }

  private finishCarried(head: Buffer | Uint8Array): void {
    if (this.skipping) {
      this.skipping = false;
      this.tooLong(++this.lineNo, this.skippedBytes + head.length);
      return;
    }
    const total = this.carryBytes + head.length;
    this.carry.push(head);
    const bytes = Buffer.concat(this.carry, total);
    this.carry = [];
    this.carryBytes = 0;
    if (total > this.maxLineBytes) {
      this.tooLong(++this.lineNo, total);
      return;
    }
    this.emitChecked(bytes);
  }

  /** The lines in `buf[start, end)`, where `end` is the index of a newline. */
  private lines(buf: Buffer, start: number, end: number): void {
    const text = buf.toString('utf8', start, end);
    if ((text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end))) || text.includes('\0')) {
      this.linesOneByOne(buf, start, end);
      return;
    }
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl === -1) {
        this.emit(from === 0 ? text : text.slice(from));
        return;
      }
      this.emit(text.slice(from, nl));
      from = nl + 1;
    }
  }

  /** Slow path for chunks with invalid UTF-8 or NUL bytes: decode line by line to say which lines were damaged. */
  private linesOneByOne(buf: Buffer, start: number, end: number): void {
    let from = start;
    for (;;) {
      let nl = buf.indexOf(10, from);
      if (nl === -1 || nl > end) nl = end;
      this.emitChecked(buf.subarray(from, nl));
      if (nl >= end) return;
      from = nl + 1;
    }
  }

  /** One line's bytes, with invalid UTF-8 and NUL bytes replaced and reported. */
  private emitChecked(bytes: Uint8Array): void {
    let text = asBuffer(bytes).toString('utf8');
    if (text.includes('\uFFFD') && !isUtf8(bytes)) this.problems.invalidUtf8(this.lineNo + 1);
    if (text.includes('\0')) {
      text = text.replaceAll('\0', '\uFFFD');
      this.problems.nulBytes(this.lineNo + 1);
    }
    this.emit(text);
  }

  private emit(raw: string): void {
    const lineNo = ++this.lineNo;
    let text = raw;
    let length = text.length;
    if (length > 0 && text.charCodeAt(length - 1) === 13) text = text.slice(0, --length);
    if (lineNo === 1 && length > 0 && text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      length--;
    }
    if (length === 0) return;
    if (text.charCodeAt(0) <= 32 && text.charCodeAt(length - 1) <= 32 && text.trim().length === 0) return;
    if (length > this.safeChars) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > this.maxLineBytes) {
        this.tooLong(lineNo, bytes);
        return;
      }
    }
    this.nonBlankLines++;
    this.sink.line(text, lineNo);
  }
}
