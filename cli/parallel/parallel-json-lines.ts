/**
 * Ingest's JSON-lines reading (`IngestOptions.jsonLines`) spread over a {@link WorkerPool}: the main
 * thread reads (and decompresses) the bytes and cuts them into chunks at safe line boundaries
 * (line-chunks.ts), the workers parse them and match their records, and the main thread takes the
 * results strictly in order. Records, their order and line numbers, the problems (same order, same
 * counts, same kept ones) and the line counts are those of reading in one go, by construction.
 */
import type { ByteReader } from '../../shared/ingest/byte-reader.ts';
import type { JsonLinesReader, LineCounts } from '../../shared/ingest/ingest.ts';
import type { IngestProblem, ProblemKind } from '../../shared/ingest/problems.ts';
import type { LogRecord } from '../../shared/ingest/record.ts';
import type { IngestReport } from '../../shared/ingest/report.ts';
import { LineChunker, type LineChunk } from './line-chunks.ts';
import type { WorkerPool } from './pool.ts';
import type { ChunkResult } from './protocol.ts';
import { decodeRecords } from './record-codec.ts';

export interface ParallelReadOptions {
  /** Bytes a chunk aims at before it is cut (at the next safe line boundary). */
  chunkBytes: number;
  /** Ingest's longest line (`IngestOptions.maxLineBytes`). */
  maxLineBytes: number;
  /** Records per yielded batch. */
  batchSize: number;
}

export class ParallelJsonLines {
  /** The clusters of each yielded batch's records, while the pool matches them (see `WorkerPool.useMiner`). */
  readonly clusters = new WeakMap<LogRecord[], Int32Array>();
  /** Files and chunks read so far (for the debug line). */
  files = 0;
  chunks = 0;
  /** Chunks each worker may have queued: enough to keep it busy, few enough to bound memory. */
  private readonly window: number;

  constructor(private readonly pool: WorkerPool, private readonly options: ParallelReadOptions) {
    this.window = pool.size * 2;
  }

  /** The reader to give ingest. */
  readonly read: JsonLinesReader = (source, reader, report) => this.file(source, reader, report);

  private async *file(source: string, reader: ByteReader, report: IngestReport): AsyncGenerator<LogRecord[], LineCounts> {
    this.files++;
    const chunker = new LineChunker(this.options.chunkBytes, this.options.maxLineBytes);
    const inFlight: Promise<ChunkResult>[] = [];
    const counts: LineCounts = { lineNo: 0, nonBlankLines: 0, tooLongLines: 0 };
    // A read error ends the stream and is reported then; read in one go, that comes after every
    // line read before it and before the end of the file is handled. Held here until then.
    let readErrors: IngestProblem[] = [];
    try {
      for (;;) {
        const before = report.problems.length;
        const piece = await reader.next();
        if (report.problems.length > before) readErrors = [...readErrors, ...report.problems.splice(before)];
        if (piece === null) break;
        for (const chunk of chunker.push(piece)) {
          inFlight.push(this.send(source, chunk, report));
          while (inFlight.length >= this.window) yield* this.take(await inFlight.shift()!, report, counts, []);
        }
      }
      inFlight.push(this.send(source, chunker.end(), report));
      while (inFlight.length > 1) yield* this.take(await inFlight.shift()!, report, counts, []);
      yield* this.take(await inFlight.shift()!, report, counts, readErrors);
    } finally {
      // Abandoned half-way (the consumer failed): results still coming are of no use.
      for (const pending of inFlight) pending.catch(() => undefined);
    }
    return counts;
  }

  private send(source: string, chunk: LineChunk, report: IngestReport): Promise<ChunkResult> {
    this.chunks++;
    return this.pool.read({ source, bytes: chunk.bytes, ends: chunk.ends, firstLine: chunk.firstLine, last: chunk.last, keepPerKind: report.keepPerKind });
  }

  /** One chunk's result, in file order: its problems into the run's report, its records out in batches. */
  private *take(result: ChunkResult, report: IngestReport, counts: LineCounts, readErrors: IngestProblem[]): Generator<LogRecord[]> {
    replayProblems(result, report, readErrors);
    counts.lineNo = result.lineNo;
    counts.nonBlankLines += result.nonBlankLines;
    counts.tooLongLines += result.tooLongLines;
    const records = decodeRecords(result.records);
    const { batchSize } = this.options;
    for (let from = 0; from < records.length; from += batchSize) {
      const batch = from === 0 && records.length <= batchSize ? records : records.slice(from, from + batchSize);
      if (result.clusters) this.clusters.set(batch, result.clusters.subarray(from, from + batch.length));
      yield batch;
    }
  }
}

/**
 * Adds a chunk's problems to the run's report as if they had been met there, one by one: the chunk
 * kept its first `keepPerKind` of each kind, which holds every one the run can still keep; the
 * others only count. `readErrors` (counted already) go where reading in one go met them.
 */
function replayProblems(result: ChunkResult, report: IngestReport, readErrors: IngestProblem[]): void {
  const kept = new Map<ProblemKind, number>();
  result.problems.forEach((problem, i) => {
    if (i === result.problemsBeforeEnd) report.problems.push(...readErrors);
    report.add(problem);
    kept.set(problem.kind, (kept.get(problem.kind) ?? 0) + 1);
  });
  if (result.problems.length <= result.problemsBeforeEnd) report.problems.push(...readErrors);
  for (const [kind, count] of Object.entries(result.counts) as [ProblemKind, number][]) {
    report.counts[kind] += count - (kept.get(kind) ?? 0);
  }
}
