/**
 * Daily digests: one per UTC day and source. Their counts are added when a run ends (see
 * `RunWriter.finishRun` in runs.ts); the nightly job adds the highlights.
 */
import type { AnomalyType } from '../detect/types.ts';

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

/** The read half: what the results API needs. */
export interface DigestReader {
  getDigest(day: string, source: string): Promise<DailyDigest | undefined>;
  /** Digests of one day, every source. */
  listDigests(day: string): Promise<DailyDigest[]>;
}

/** Digests and the nightly job's writes to them. */
export interface DigestStore extends DigestReader {
  /** Sets the nightly job's top anomalies and report key on a day's digest (same values again: no change). */
  putDigestHighlights(day: string, source: string, highlights: { top: DigestAnomaly[]; reportKey: string }): Promise<void>;
}
