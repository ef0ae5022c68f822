/**
 * Findings: a run's anomalies and the sessions they share, and the port that writes them (the
 * detection stage stores them, the explanation stage adds its verdicts). Reading them back is
 * `ResultReader`'s job (reader.ts).
 */
import type { Anomaly, AnomalyContext, Explanation } from '../detect/types.ts';
import type { RunRef } from './runs.ts';

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

/** What the explainer concluded about one anomaly. The anomaly itself is never removed. */
export type ExplanationVerdict =
  | { status: 'EXPLAINED'; explanation: Explanation; at: number }
  | { status: 'EXPLAIN_FAILED'; reason: string; at: number };

/** Writes a run's anomalies and sessions; every write is keyed by id, so repeating one changes nothing. */
export interface FindingWriter {
  /** Stores sessions; writing the same session again changes nothing. `run` dates them (retention). */
  putSessions(run: RunRef, sessions: SessionRecord[]): Promise<void>;
  /** Stores anomalies (FULL_SESSION logs live in the session); rewriting the same ones changes nothing. */
  putAnomalies(run: RunRef, anomalies: Anomaly[]): Promise<void>;
  /**
   * Stores the explainer's verdict on an anomaly. An EXPLAINED anomaly is final: a later call (a
   * duplicate delivery) changes nothing and returns false, as does a missing anomaly.
   */
  recordExplanation(runId: string, anomalyId: string, verdict: ExplanationVerdict): Promise<boolean>;
}
