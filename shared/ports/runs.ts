/**
 * Runs: one detection of one object against one model version, and the port that writes them
 * (the detection stage and the CLI's `analyze`). Reading runs back is `ResultReader`'s job (reader.ts).
 */
import type { AnomalyType } from '../detect/types.ts';

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

/**
 * Who works on a RUNNING run now: one invocation at a time (a redelivered or duplicated message
 * finds the lease held and hands its message back). Stored on the run item, never returned by reads.
 */
export interface RunLease {
  /** A token unique to one invocation's work on one message (the Lambda request id + SQS message id). */
  owner: string;
  /** Epoch ms; past it, anyone may take the lease (its holder crashed or timed out). */
  expiresAt: number;
}

/** What {@link RunWriter.takeLease} found: the lease is ours, or the run is held by someone else, or ended. */
export type LeaseOutcome = { taken: true } | { taken: false; status: RunStatus };

/** What item writes need to know about their run: its id and start (items expire with the run). */
export type RunRef = Pick<RunRecord, 'runId' | 'startedAt' | 'source'>;

/**
 * A run's life: created RUNNING, continued, marked as having queued its explanations, and ended
 * DONE or FAILED exactly once. Ending a run also counts it in its day's digest.
 */
export interface RunWriter {
  /**
   * Creates the run as RUNNING unless a run with that id exists; returns the stored run either way
   * (`created` tells which). This is the idempotency gate: a duplicate delivery sees DONE/FAILED.
   */
  startRun(run: Omit<RunRecord, 'status'>): Promise<{ run: RunRecord; created: boolean }>;
  /**
   * Takes the lease of a RUNNING run when it is free, expired, already `lease.owner`'s, or held by
   * `handedOverBy` (the invocation that sent the continuation message now being worked on). Never
   * takes the lease of a DONE/FAILED run. `now` is the caller's clock (epoch ms).
   */
  takeLease(runId: string, lease: RunLease, now: number, handedOverBy?: string): Promise<LeaseOutcome>;
  /** Counts one more continuation past a deadline. */
  noteContinuation(runId: string): Promise<void>;
  /** Notes that the run's explain messages were sent (see {@link RunRecord.explainQueued}). */
  markExplainQueued(runId: string): Promise<void>;
  /**
   * RUNNING → DONE with counts, and the day's digest counted. Only the first call for a run takes
   * effect (returns true); a later one returns false and changes nothing.
   */
  finishRun(run: RunRef, finishedAt: number, counts: RunCounts, problems: string[]): Promise<boolean>;
  /** RUNNING (or absent) → FAILED with a reason, and the day's digest counted. Only the first call takes effect (returns true). */
  failRun(run: Omit<RunRecord, 'status'>, reason: string, finishedAt: number): Promise<boolean>;
  /**
   * FAILED because it was stuck (its reason starts with {@link STUCK_REASON_PREFIX}) → RUNNING again,
   * once: the nightly job's retry of a stuck run. Returns whether it reopened the run.
   */
  reopenStuckRun(runId: string, now: number): Promise<boolean>;
}

/** How the reason of a run the nightly job found stuck begins (see reopenStuckRun). */
export const STUCK_REASON_PREFIX = 'no progress since ';
