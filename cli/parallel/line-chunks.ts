/**
 * Cuts the bytes of one JSON-lines file into chunks that can be read independently, each on its
 * own thread, with the same result as reading the file in one go.
 *
 * A chunk ends at a newline where reading in one go carries no state across: the line before the
 * cut and the line after it both start with `{` (JSON, so neither continues a multi-line event: a
 * traceback printed between JSON lines stays with its record), and the line before is no longer
 * than `maxLineBytes` (it is a record, not a skipped over-long line behind which an event with
 * continuation lines could still be open). Where no such cut comes, the chunk grows; a file of
 * tracebacks is one chunk. Each chunk keeps the read boundaries of its bytes (`ends`), so the line
 * splitter that reads it gets the same pieces it would have got, and its first line number.
 */

export interface LineChunk {
  /** The chunk's bytes, one buffer (to move to a worker thread without copying). */
  bytes: Uint8Array;
  /** Where each read piece ends in `bytes` (the last one is `bytes.length`). */
  ends: Uint32Array;
  /** Lines of the file before the chunk. */
  firstLine: number;
  /** The file's last chunk: its end is the file's end (it may end without a newline). */
  last: boolean;
}

const NEWLINE = 10;
const OPEN_BRACE = 123;

export class LineChunker {
  private pieces: Uint8Array[] = [];
  private bytes = 0;
  /** Lines before the current chunk, and newlines seen in it so far. */
  private firstLine = 0;
  private lines = 0;
  /** First byte of the line being read (-1 before it arrives), and its bytes so far. */
  private lineFirst = -1;
  private lineBytes = 0;
  /** A newline after a cuttable line, at the end of the bytes so far: the cut depends on the next byte. */
  private cutBeforeNext = false;

  constructor(private readonly targetBytes: number, private readonly maxLineBytes: number) {}

  /** Takes the next read piece; returns the chunks it completes. */
  push(piece: Uint8Array): LineChunk[] {
    const out: LineChunk[] = [];
    let from = 0;
    if (piece.length === 0) return out;
    if (this.cutBeforeNext) {
      this.cutBeforeNext = false;
      if (piece[0] === OPEN_BRACE) out.push(this.cut(false));
    }
    while (from < piece.length) {
      if (this.lineFirst === -1) this.lineFirst = piece[from]!;
      const nl = piece.indexOf(NEWLINE, from);
      if (nl === -1) {
        this.lineBytes += piece.length - from;
        break;
      }
      const lineBytes = this.lineBytes + (nl - from);
      const cuttable = this.lineFirst === OPEN_BRACE && lineBytes <= this.maxLineBytes;
      this.lines++;
      this.lineFirst = -1;
      this.lineBytes = 0;
      from = nl + 1;
      if (!cuttable || this.bytes + from < this.targetBytes) continue;
      if (from === piece.length) {
        this.cutBeforeNext = true;
        break;
      }
      if (piece[from] === OPEN_BRACE) {
        this.pieces.push(piece.subarray(0, from));
        this.bytes += from;
        out.push(this.cut(false));
        piece = piece.subarray(from);
        from = 0;
      }
    }
    if (piece.length > 0) {
      this.pieces.push(piece);
      this.bytes += piece.length;
    }
    return out;
  }

  /** The file's end: the last chunk, with whatever is left (never nothing after a cut: a cut needs a next byte). */
  end(): LineChunk {
    return this.cut(true);
  }

  /** The bytes so far as one chunk. */
  private cut(last: boolean): LineChunk {
    const bytes = new Uint8Array(this.bytes);
    const ends = new Uint32Array(this.pieces.length);
    let at = 0;
    this.pieces.forEach((piece, i) => {
      bytes.set(piece, at);
      at += piece.length;
      ends[i] = at;
    });
    const chunk: LineChunk = { bytes, ends, firstLine: this.firstLine, last };
    this.firstLine += this.lines;
    this.lines = 0;
    this.pieces = [];
    this.bytes = 0;
    return chunk;
  }
}
