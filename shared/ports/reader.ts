/**
 * The read side of runs and findings: what the results API, `logsleuth runs`/`show` and the stages
 * that look back (nightly, explanation) call. Nothing here writes.
 */
import type { Anomaly, AnomalyType } from '../detect/types.ts';
import { UserInputError } from '../errors.ts';
import type { SessionRecord } from './findings.ts';
import type { RunRecord } from './runs.ts';

/** One page of a listing; `next` (opaque to callers, meaningful only to the store that made it) fetches the following one. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** A store-made page token that is not one of its own (edited, or from another listing). */
export class InvalidPageToken extends UserInputError {
  override name = 'InvalidPageToken';
}

/** Runs, anomalies and sessions as stored; expired items (past the retention) are never returned. */
export interface ResultReader {
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Runs of a source, newest first, started within [from, to] epoch ms when given. */
  listRuns(source: string, query?: { from?: number; to?: number; limit?: number }): Promise<RunRecord[]>;
  /**
   * A page of a source's runs, newest first. `after` is a previous page's `next` for the same query;
   * a token the store did not make for this query throws {@link InvalidPageToken}.
   */
  pageRuns(source: string, query: { limit: number; after?: string; from?: number; to?: number }): Promise<Page<RunRecord>>;
  /**
   * The sources that have runs, sorted. Reads the whole store: meant for small stores (the CLI's
   * embedded one, where `logsleuth runs` lists every source); in the cloud, ask for a source.
   */
  listSources(): Promise<string[]>;
  /** A run's anomalies, highest score first; only one type when `type` is given. Contexts of FULL_SESSION anomalies come without logs (see getAnomaly). */
  listAnomalies(runId: string, query?: { type?: AnomalyType; limit?: number }): Promise<Anomaly[]>;
  /** A page of a run's anomalies, highest score first, optionally of one type and at least `minScore`. Same token rules as pageRuns. */
  pageAnomalies(runId: string, query: { limit: number; after?: string; type?: AnomalyType; minScore?: number }): Promise<Page<Anomaly>>;
  /** One anomaly with its context complete (its session's records filled in). */
  getAnomaly(runId: string, anomalyId: string): Promise<Anomaly | undefined>;
  getSession(runId: string, sessionId: string): Promise<SessionRecord | undefined>;
}
