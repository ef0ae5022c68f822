/** The messages between the main thread and the parsing workers (see pool.ts and worker.ts). */
import type { FieldMapping } from '../../shared/ingest/field-mapping.ts';
import type { IngestProblem, ProblemKind } from '../../shared/ingest/problems.ts';
import type { LineCounts } from '../../shared/ingest/ingest.ts';
import type { MinerState } from '../../shared/templates/state.ts';
import type { EncodedRecords } from './record-codec.ts';

/** What every worker is started with: how ingest on the main thread would read JSON lines. */
export interface WorkerSetup {
  mapping: FieldMapping;
  maxLineBytes: number;
}

/** Matches every later chunk's records against this miner (null: parse only). */
export interface MinerMessage { type: 'miner'; state: MinerState | null }

/** One chunk of a JSON-lines file to read (see `LineChunk`). */
export interface ChunkMessage {
  type: 'chunk';
  id: number;
  source: string;
  bytes: Uint8Array;
  ends: Uint32Array;
  firstLine: number;
  last: boolean;
  /** The run report's `keepPerKind`: the chunk keeps as many problems of each kind as the run can. */
  keepPerKind: number;
}

export type ToWorker = MinerMessage | ChunkMessage;

/** What reading one chunk gave. */
export interface ChunkResult extends LineCounts {
  id: number;
  records: EncodedRecords;
  /** Per record its cluster in the miner (-1: none), when a miner was set. */
  clusters: Int32Array | null;
  /** The problems the chunk's report kept (its first `keepPerKind` of each kind), in order, and all it counted. */
  problems: IngestProblem[];
  counts: Record<ProblemKind, number>;
  /**
   * How many of `problems` came before the end of the file was handled (the last line without a
   * newline, the last event): reading in one go adds a read error's problem between the two.
   */
  problemsBeforeEnd: number;
}

export type FromWorker = ChunkResult | { id: number; error: string };
