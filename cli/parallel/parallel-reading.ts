/**
 * `--workers N`: the parsing (and, in detection, the matching) of JSON-lines inputs on N worker
 * threads, bound to ingest through `IngestOptions.jsonLines`. With N = 1 there is none of it: the
 * commands run exactly as without the option.
 */
import { resolveFieldMapping } from '../../shared/ingest/field-mapping.ts';
import type { IngestOptions, LineSelector } from '../../shared/ingest/ingest.ts';
import type { LogRecord } from '../../shared/ingest/record.ts';
import type { Model } from '../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult, type DetectOptions } from '../../shared/pipeline/detect.ts';
import { ParallelJsonLines } from './parallel-json-lines.ts';
import { WorkerPool } from './pool.ts';
import { BUNDLED_WORKER, workerEntry } from './worker-entry.ts';

/** Bytes a chunk aims at: big enough that per-chunk costs vanish, small enough to spread a file over the workers. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** Ingest's defaults for what the workers must read alike (see `IngestOptions`). */
const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const DEFAULT_BATCH_SIZE = 1000;

export class ParallelReading {
  private constructor(private readonly pool: WorkerPool, private readonly reader: ParallelJsonLines) {}

  /**
   * Workers that read JSON lines as `options` say, or `{ reason }` when there are none: one worker
   * asked for, or a CLI bundle built without the worker's entry.
   */
  static start(workers: number, options: IngestOptions, chunkBytes = DEFAULT_CHUNK_BYTES): ParallelReading | { reason: string } {
    if (workers <= 1) return { reason: 'one worker asked for' };
    const entry = workerEntry();
    if (!entry) return { reason: `this build has no ${BUNDLED_WORKER} next to the CLI bundle` };
    const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const pool = new WorkerPool(workers, entry, { mapping: resolveFieldMapping(options.fields, options.sessionFields), maxLineBytes });
    return new ParallelReading(pool, new ParallelJsonLines(pool, { chunkBytes, maxLineBytes, batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE }));
  }

  /** `options` with JSON-lines files read on the workers. */
  ingestOptions(options: IngestOptions): IngestOptions {
    return { ...options, jsonLines: this.reader.read };
  }

  /**
   * Detection with pass 1's records matched on the workers: the detector gets their clusters
   * instead of matching again. Batches read on the main thread (other formats) are matched there.
   */
  async detect(model: Model, openRecords: (select?: LineSelector) => AsyncIterable<LogRecord[]>, options: DetectOptions): Promise<DetectionResult> {
    this.pool.useMiner(model.miner.toJSON());
    try {
      return await detectAnomalies(model, openRecords, options, (batch) => this.reader.clusters.get(batch));
    } finally {
      this.pool.useMiner(null);
    }
  }

  /** What the workers did, for `--debug`. */
  describe(): string {
    return `${this.pool.size} workers read ${this.reader.files} JSON-lines file(s) in ${this.reader.chunks} chunk(s)`;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
