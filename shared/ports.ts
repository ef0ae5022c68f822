/**
 * The ports the pipeline stages talk through. Adapters implement them: S3 / DynamoDB / SQS in
 * `functions/lib/`, local ones for the CLI. No AWS types here; every method says what it
 * guarantees so that an adapter can be swapped without the stages noticing.
 *
 * This file holds the object store and the queues, and is the one index of every port. The result
 * store is split by role, one small port per entity, each in its own file under `ports/`:
 *   runs.ts               RunWriter         a run's life (start, continue, finish or fail once)
 *   findings.ts           FindingWriter     a run's anomalies, sessions and explanation verdicts
 *   reader.ts             ResultReader      runs, anomalies and sessions read back (API, show, nightly)
 *   models.ts             ModelRegistry     trained models recorded; ModelCatalog lists them
 *   digests.ts            DigestStore       daily digests; DigestReader reads them
 *   explanation-cache.ts  ExplanationCache  explanations reused by signature
 * Ports stay at most 8 methods (test/shared/ports.test.ts).
 */
import type { AnomalyType } from './detect/types.ts';
import type { InputObject } from './ingest/input.ts';

export * from './ports/digests.ts';
export * from './ports/explanation-cache.ts';
export * from './ports/findings.ts';
export * from './ports/models.ts';
export * from './ports/reader.ts';
export * from './ports/runs.ts';

/** What an object store knows about one stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Changes whenever the content changes (S3 ETag without quotes). */
  etag: string;
  versionId?: string;
  /** Epoch ms of the last write, when the store knows it (S3 does; the nightly job finds missed uploads by it). */
  lastModified?: number;
}

/** An object to ingest. `open()` may be called more than once (detection reads its input twice). */
export interface SourceObject extends InputObject {
  /**
   * Set by the adapter when reading failed for a reason a retry can fix (throttling, a dropped
   * connection). Ingest only reports read errors, so the stage checks this after each pass and
   * throws it: the queue then redelivers instead of the run ending with half the records.
   */
  readonly transientFailure?: Error;
  /**
   * Opens the stream at byte `offset` instead of the start (a ranged read): a continuation of a
   * detection resumes a plain object where the previous invocation stopped. `offset` must be below
   * the object's size. Stores that cannot read ranges leave it out; callers then read from the start.
   */
  openFrom?(offset: number): Promise<AsyncIterable<Uint8Array>>;
}

/** Keyed blobs: one bucket, one directory. */
export interface ObjectStore {
  /** A name for messages and run ids (`s3://bucket`, a directory path). */
  readonly location: string;
  /** Size and ETag, or undefined when there is no such object. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /**
   * The object as ingest input; each `open()` reads it afresh from the start. With `etag`, reading
   * fails (as `unreadable`) if the object was replaced meanwhile, so two passes see the same bytes.
   */
  input(key: string, etag?: string): SourceObject;
  /** The whole object as text, or undefined when missing. Small objects only (models, pointers; checkpoints are streamed through `input`). */
  getText(key: string): Promise<string | undefined>;
  /**
   * Writes (overwrites) an object. A body given as chunks is streamed (checkpoints of millions of
   * sessions): the store never needs it whole in memory, and a reader never sees half an object.
   */
  put(key: string, body: string | Uint8Array | AsyncIterable<Uint8Array>, contentType?: string): Promise<void>;
}

/** Sends messages; every message is delivered at least once (maybe twice). */
export interface JobQueue<T> {
  send(messages: T[]): Promise<void>;
}

/** One message per anomaly group on the explain queue. */
export interface ExplainMessage {
  kind: 'explain';
  runId: string;
  source: string;
  /** Stable: the same run gives the same group ids, so the explainer can skip work already done. */
  groupId: string;
  /** The session the group shares, when it has one. */
  sessionId?: string;
  /** Highest score first. */
  anomalyIds: string[];
  topScore: number;
  types: AnomalyType[];
}

/** A detection that continues where a previous invocation stopped before its deadline. */
export interface ContinueDetectionMessage {
  kind: 'continue-detection';
  runId: string;
  location: string;
  key: string;
  etag: string;
  source: string;
  modelId: string;
  checkpointKey: string;
  /** 1 for the first follow-up. */
  continuation: number;
  /** The lease owner of the invocation that sent this follow-up: the follow-up takes the run's lease over from it. */
  leaseOwner?: string;
  /**
   * The text of `config/<source>.json` as the run's first invocation read it (absent: there was
   * none). Carried so that every invocation of a run reads the object the same way, even when the
   * file changes meanwhile; at most 16 KiB (`MAX_SOURCE_CONFIG_CHARS`).
   */
  configText?: string;
}
