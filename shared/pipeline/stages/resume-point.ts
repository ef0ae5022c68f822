/**
 * Where a detection continued after a Lambda deadline starts reading. A plain object (one
 * uncompressed UTF-8 file of lines, in a format that can be read from the middle) is continued with
 * a ranged read from the first event not yet consumed: each invocation reads only its own share.
 *
 * Anything else is read again from byte 0, skipping the records consumed before: a gzip stream
 * has no random access (deflate must be decompressed from its start to know the bytes at any
 * point), and zip/tar entries, UTF-16 text and JSON arrays/documents are not line-framed. On
 * continuation k of a run whose invocations each get through 1/n of the object, that re-reads k/n of
 * it; over the n invocations of a pass, (n + 1)/2 objects are read instead of one.
 */
import { Buffer } from 'node:buffer';
import type { IngestProblem, ProblemKind } from '../../ingest/problems.ts';
import type { IngestReport } from '../../ingest/report.ts';
import { SNIFF_BYTES, sniffContent } from '../../ingest/sniff.ts';

/** A continuation's starting point in a plain object. */
export interface ResumePoint {
  phase: 'observe' | 'collect';
  /** Byte offset of the first line of the first event not yet consumed. */
  offset: number;
  /** Lines before `offset`: the event's first line is `line + 1`. */
  line: number;
  /** The format the read from byte 0 sniffed (a name from `IngestReport.formats`); the middle of a file is never sniffed. */
  format: string;
  /** Records of the phase consumed before `offset` (the detector's position): checked on resume. */
  position: number;
  /** The phase's ingest problems on lines before `offset` (the rest is read, and reported, again). */
  report: CarriedReport;
}

/** The part of an ingest report a continuation carries on. */
export interface CarriedReport {
  counts: Partial<Record<ProblemKind, number>>;
  problems: IngestProblem[];
  notes: string[];
}

/** Chunks kept to find a line's start by: past this, the oldest go and a far-back line is unknown (then: read from byte 0). */
const MAX_KEPT_BYTES = 64 * 1024 * 1024;

interface SeenChunk {
  offset: number;
  /** Newlines in the stream before this chunk. */
  newlinesBefore: number;
  newlines: number;
  bytes: Buffer;
}

/**
 * Watches the raw bytes of an object as ingest reads them, to tell at which byte a given line
 * starts. Line k starts after the stream's (k−1)-th newline, the way `LineSplitter` numbers lines
 * (every `\n` ends one, blank and over-long lines included). Keeps the chunks from the oldest line
 * that may still be asked for; `release` lets older ones go.
 */
export class LineStarts {
  private readonly chunks: SeenChunk[] = [];
  private keptBytes = 0;
  private offset: number;
  private newlines: number;
  /** Newlines up to this one (counted from the stream's start) can no longer be located. */
  private forgottenThrough: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private ended = false;
  /** Decided once the head is in: a compressed or archived stream keeps no chunks (its lines are not its bytes' lines). */
  private plainHead?: boolean;

  /** `start`: where the stream begins in the object (byte offset and lines before it). */
  constructor(private readonly start: { offset: number; line: number } = { offset: 0, line: 0 }, private readonly maxKeptBytes = MAX_KEPT_BYTES) {
    this.offset = start.offset;
    this.newlines = start.line;
    this.forgottenThrough = start.line;
  }

  /** The stream, unchanged, with every chunk noted on its way through. */
  async *tap(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream) {
      this.note(chunk);
      yield chunk;
    }
    this.ended = true;
  }

  /** Lines up to `line` will not be asked for again. */
  release(line: number): void {
    while (this.chunks.length > 0) {
      const first = this.chunks[0]!;
      if (first.newlinesBefore + first.newlines >= line) return;
      this.drop();
    }
  }

  /** The byte offset at which `line` starts, or undefined when its chunk was let go. */
  offsetOf(line: number): number | undefined {
    const target = line - 1;
    if (target === this.start.line) return this.start.offset;
    if (target <= this.forgottenThrough) return undefined;
    const chunk = this.chunks.find((c) => c.newlinesBefore < target && target <= c.newlinesBefore + c.newlines);
    if (!chunk) return undefined;
    let at = -1;
    for (let n = chunk.newlinesBefore; n < target; n++) at = chunk.bytes.indexOf(10, at + 1);
    return chunk.offset + at + 1;
  }

  /**
   * True when the stream, read from byte 0, is plain line-framed text (JSON lines or text): not
   * gzip, zip, tar, UTF-16 or a JSON array. Only meaningful for a stream that started at byte 0.
   */
  get plain(): boolean {
    return this.plainHead ?? this.sniffHead();
  }

  private sniffHead(): boolean {
    const head = Buffer.concat(this.head, Math.min(this.headBytes, SNIFF_BYTES));
    if (head.length === 0) return false;
    const kind = sniffContent(head, this.ended && this.headBytes <= SNIFF_BYTES).kind;
    return kind === 'json-lines' || kind === 'text';
  }

  private note(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.start.offset === 0 && this.headBytes < SNIFF_BYTES) {
      this.head.push(bytes);
      this.headBytes += bytes.length;
      if (this.headBytes >= SNIFF_BYTES) this.plainHead = this.sniffHead();
    }
    if (this.plainHead === false) return;
    let newlines = 0;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) newlines++;
    this.chunks.push({ offset: this.offset, newlinesBefore: this.newlines, newlines, bytes });
    this.keptBytes += bytes.length;
    this.offset += bytes.length;
    this.newlines += newlines;
    while (this.keptBytes > this.maxKeptBytes && this.chunks.length > 1) this.drop();
  }

  private drop(): void {
    const first = this.chunks.shift()!;
    this.keptBytes -= first.bytes.length;
    this.forgottenThrough = Math.max(this.forgottenThrough, first.newlinesBefore + first.newlines);
  }
}

/**
 * The report's problems on lines before `line`, to carry into the next invocation (which reads the
 * lines from `line` on again, and reports their problems itself). Exact while a kind has no more
 * problems than the report keeps in full; past that, problems of that kind within the last batch
 * before a continuation can be counted twice.
 */
export function reportBefore(report: IngestReport, line: number): CarriedReport {
  const counts: Partial<Record<ProblemKind, number>> = {};
  for (const [kind, count] of Object.entries(report.counts) as [ProblemKind, number][]) if (count > 0) counts[kind] = count;
  const problems: IngestProblem[] = [];
  for (const problem of report.problems) {
    if (problem.line === undefined || problem.line < line) problems.push(problem);
    else counts[problem.kind] = (counts[problem.kind] ?? 0) - 1;
  }
  return { counts, problems, notes: [...report.notes] };
}

/** Adds what earlier invocations reported to a fresh report, before reading the rest. */
export function carryInto(report: IngestReport, carried: CarriedReport): void {
  for (const [kind, count] of Object.entries(carried.counts) as [ProblemKind, number][]) report.counts[kind] += count;
  report.problems.push(...carried.problems);
  for (const note of carried.notes) report.note(note);
}
