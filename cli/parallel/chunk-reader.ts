/**
 * What a worker does with one chunk (see worker.ts): reads it exactly as ingest on the main thread
 * would (the same `LineSplitter`, `JsonLinesSink`, field mapping and problem messages), matches the
 * records against the miner when there is one, and encodes them for the trip back.
 */
import { JsonRecordMapper } from '../../shared/ingest/field-mapping.ts';
import { ReportLineProblems } from '../../shared/ingest/ingest.ts';
import { LineSplitter } from '../../shared/ingest/line-splitter.ts';
import type { LogRecord } from '../../shared/ingest/record.ts';
import { IngestReport } from '../../shared/ingest/report.ts';
import { JsonLinesSink } from '../../shared/ingest/sinks.ts';
import { TemplateMiner } from '../../shared/templates/index.ts';
import type { MinerState } from '../../shared/templates/state.ts';
import type { ChunkMessage, ChunkResult, WorkerSetup } from './protocol.ts';
import { encodeRecords } from './record-codec.ts';

export class ChunkReader {
  // One mapper for every file, as one ingest run has (it caches only key shapes).
  private readonly mapper: JsonRecordMapper;
  private miner: TemplateMiner | null = null;

  constructor(private readonly setup: WorkerSetup) {
    this.mapper = new JsonRecordMapper(setup.mapping);
  }

  /** Later chunks' records are matched against this miner (null: not matched). */
  useMiner(state: MinerState | null): void {
    this.miner = state === null ? null : TemplateMiner.fromJSON(state);
  }

  read(chunk: Omit<ChunkMessage, 'type'>): ChunkResult {
    const { source, bytes, ends } = chunk;
    const { maxLineBytes } = this.setup;
    const report = new IngestReport(chunk.keepPerKind);
    // The sink target as ingest's run is one (without `select`: the second pass is read there).
    const target = { batch: [] as LogRecord[], report };
    const sink = new JsonLinesSink(target, source, this.mapper);
    const splitter = new LineSplitter(sink, new ReportLineProblems(report, source, maxLineBytes), maxLineBytes);
    splitter.lineNo = chunk.firstLine;
    let from = 0;
    for (const end of ends) {
      splitter.push(bytes.subarray(from, end));
      from = end;
    }
    const problemsBeforeEnd = report.problems.length;
    // A chunk that is not the file's last ends with a newline after a record's line: `end` only
    // hands that open record over, as the next chunk's first line would have.
    splitter.end();
    sink.end();
    const records = target.batch;
    let clusters: Int32Array | null = null;
    if (this.miner) {
      clusters = new Int32Array(records.length);
      for (let i = 0; i < records.length; i++) clusters[i] = this.miner.match(records[i]!.message);
    }
    return {
      id: chunk.id, records: encodeRecords(records), clusters, problems: report.problems, counts: report.counts, problemsBeforeEnd,
      lineNo: splitter.lineNo, nonBlankLines: splitter.nonBlankLines, tooLongLines: splitter.tooLongLines,
    };
  }
}
