/**
 * The ports the pipeline stages talk through. Adapters implement them: S3 / DynamoDB / SQS in
 * `functions/lib/`, local ones for the CLI. No AWS types here; every method says what it
 * guarantees so that an adapter can be swapped without the stages noticing.
 */
import type { Anomaly, AnomalyContext, AnomalyType, Explanation } from './detect/types.ts';
import type { ShapePosition } from './explain/signature.ts';
import { UserInputError } from './errors.ts';
import type { InputObject } from './ingest/input.ts';

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
  /** The whole object as text, or undefined when missing. Small objects only (models, pointers, checkpoints). */
  getText(key: string): Promise<string | undefined>;
  /** Writes (overwrites) an object. */
  put(key: string, body: string | Uint8Array, contentType?: string): Promise<void>;
}

/** A model as listed: which source it is for, and where and when it came from. */
export interface ModelRecord {
  source: string;
  modelId: string;
  /** Epoch ms of the first training that produced this model id. */
  trainedAt: number;
  /** The object key the model artifact is stored under. */
  artifactKey: string;
  /** The baseline objects it was trained from. */
  trainedFrom: { key: string; etag: string }[];
  records: number;
  sessions: number;
  templates: number;
}

/** Status of a detection run. */
export type RunStatus = 'RUNNING' | 'DONE' | 'FAILED';

/** One detection run of one object against one model version. */
export interface RunRecord {
  runId: string;
  source: string;
  /** Where the input came from (`s3://bucket/key`). */
  input: { location: string; key: string; etag: string; size: number };
  /** Model version; `none` when the source had no model (the run then FAILED). */
  modelId: string;
  status: RunStatus;
  /** Epoch ms. */
  startedAt: number;
  finishedAt?: number;
  /** Why a FAILED run failed, written for a person (what happened and what to do). */
  reason?: string;
  /** Filled when DONE. */
  counts?: RunCounts;
  /** Ingest problems worth a look (first few messages) even when the run is DONE. */
  problems?: string[];
  /** Set once the explain messages were sent, so a re-delivery does not send them again. */
  explainQueued?: boolean;
  /** How many follow-up messages continued this run past a Lambda deadline. */
  continuations?: number;
}

export interface RunCounts {
  records: number;
  sessions: number;
  anomalies: number;
  knownTemplates: number;
  newTemplates: number;
  byType: Record<AnomalyType, number>;
  problems: number;
}

/** What item writes need to know about their run: its id and start (items expire with the run). */
export type RunRef = Pick<RunRecord, 'runId' | 'startedAt' | 'source'>;

/** A session as stored: its metrics and (sampled) records, shared by the anomalies in it. */
export interface SessionRecord {
  runId: string;
  sessionId: string;
  totalLogsInSession: number;
  truncated: boolean;
  metrics?: AnomalyContext['metrics'];
  logs: AnomalyContext['logs'];
  anomalyIds: string[];
}

/** A day's summary for one source (UTC day of the runs' start). */
export interface DailyDigest {
  day: string;
  source: string;
  runs: number;
  failedRuns: number;
  records: number;
  anomalies: number;
  byType: Partial<Record<AnomalyType, number>>;
  /** The day's strongest anomalies of this source, written by the nightly job (absent before it ran). */
  top?: DigestAnomaly[];
  /** The day's HTML report in the bucket (`reports/<day>.html`), once the nightly job wrote it. */
  reportKey?: string;
}

/** One of a day's top anomalies as the digest keeps it: enough to list it and to link to it. */
export interface DigestAnomaly {
  runId: string;
  anomalyId: string;
  type: AnomalyType;
  score: number;
  template: string;
  sessionId?: string;
  explanation?: { method: string; summary: string; rootCause: string };
}

/** One page of a listing; `next` (opaque to callers, meaningful only to the store that made it) fetches the following one. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** A store-made page token that is not one of its own (edited, or from another listing). */
export class InvalidPageToken extends UserInputError {
  override name = 'InvalidPageToken';
}

/** Where runs, anomalies, sessions, models and digests are kept (DynamoDB, or dynalite locally). */
export interface ResultStore {
  /**
   * Creates the run as RUNNING unless a run with that id exists; returns the stored run either way
   * (`created` tells which). This is the idempotency gate: a duplicate delivery sees DONE/FAILED.
   */
  startRun(run: Omit<RunRecord, 'status'>): Promise<{ run: RunRecord; created: boolean }>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Counts one more continuation past a deadline. */
  noteContinuation(runId: string): Promise<void>;
  /** Stores sessions; writing the same session again changes nothing. `run` dates them (retention). */
  putSessions(run: RunRef, sessions: SessionRecord[]): Promise<void>;
  /** Stores anomalies (FULL_SESSION logs live in the session); rewriting the same ones changes nothing. */
  putAnomalies(run: RunRef, anomalies: Anomaly[]): Promise<void>;
  markExplainQueued(runId: string): Promise<void>;
  /**
   * RUNNING → DONE with counts, and the day's digest counted. Only the first call for a run takes
   * effect (returns true); a later one returns false and changes nothing.
   */
  finishRun(run: RunRef, finishedAt: number, counts: RunCounts, problems: string[]): Promise<boolean>;
  /** RUNNING (or absent) → FAILED with a reason. Only the first call takes effect (returns true). */
  failRun(run: Omit<RunRecord, 'status'>, reason: string, finishedAt: number): Promise<boolean>;
  /** Runs of a source, newest first, started within [from, to] epoch ms when given. */
  listRuns(source: string, query?: { from?: number; to?: number; limit?: number }): Promise<RunRecord[]>;
  /** A run's anomalies, highest score first; only one type when `type` is given. Contexts of FULL_SESSION anomalies come without logs (see getAnomaly). */
  listAnomalies(runId: string, query?: { type?: AnomalyType; limit?: number }): Promise<Anomaly[]>;
  /** One anomaly with its context complete (its session's records filled in). */
  getAnomaly(runId: string, anomalyId: string): Promise<Anomaly | undefined>;
  getSession(runId: string, sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * Stores the explainer's verdict on an anomaly. An EXPLAINED anomaly is final: a later call (a
   * duplicate delivery) changes nothing and returns false, as does a missing anomaly.
   */
  recordExplanation(runId: string, anomalyId: string, verdict: ExplanationVerdict): Promise<boolean>;
  recordModel(model: ModelRecord): Promise<void>;
  /** Models of a source, newest first. */
  listModels(source: string): Promise<ModelRecord[]>;
  getDigest(day: string, source: string): Promise<DailyDigest | undefined>;
  /** Digests of one day, every source. */
  listDigests(day: string): Promise<DailyDigest[]>;
  /**
   * A page of a source's runs, newest first. `after` is a previous page's `next` for the same query;
   * a token the store did not make for this query throws {@link InvalidPageToken}.
   */
  pageRuns(source: string, query: { limit: number; after?: string; from?: number; to?: number }): Promise<Page<RunRecord>>;
  /** A page of a run's anomalies, highest score first, optionally of one type and at least `minScore`. Same token rules as pageRuns. */
  pageAnomalies(runId: string, query: { limit: number; after?: string; type?: AnomalyType; minScore?: number }): Promise<Page<Anomaly>>;
  /** Sets the nightly job's top anomalies and report key on a day's digest (same values again: no change). */
  putDigestHighlights(day: string, source: string, highlights: { top: DigestAnomaly[]; reportKey: string }): Promise<void>;
}

/** What the explainer concluded about one anomaly. The anomaly itself is never removed. */
export type ExplanationVerdict =
  | { status: 'EXPLAINED'; explanation: Explanation; at: number }
  | { status: 'EXPLAIN_FAILED'; reason: string; at: number };

/** An explanation kept for reuse by anomalies with the same signature (see shared/explain/signature.ts). */
export interface CachedExplanation {
  signature: string;
  explanation: Explanation;
  /** The evidence as positions in the context's shape, to map onto another context of the same shape. */
  evidence: ShapePosition[];
  runId: string;
  anomalyId: string;
  /** Epoch ms. */
  explainedAt: number;
}

/** Recent explanations by signature (DynamoDB items with a TTL). */
export interface ExplanationCache {
  /** The explanation cached for `signature` at or after `notBefore` (epoch ms), if any. */
  getCachedExplanation(signature: string, notBefore: number): Promise<CachedExplanation | undefined>;
  /** Keeps `entry` (replacing an older one) until `expiresAt` (epoch ms). */
  cacheExplanation(entry: CachedExplanation, expiresAt: number): Promise<void>;
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
  /**
   * The text of `config/<source>.json` as the run's first invocation read it (absent: there was
   * none). Carried so that every invocation of a run reads the object the same way, even when the
   * file changes meanwhile; at most 16 KiB (`MAX_SOURCE_CONFIG_CHARS`).
   */
  configText?: string;
}
