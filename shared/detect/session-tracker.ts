/**
 * Small per-session counters kept during a pass: enough for session metrics, the session
 * outlier vector and context planning, never the records themselves.
 */
import type { Level } from '../ingest/record.ts';
import type { SessionMetrics } from './types.ts';

const TROUBLE: ReadonlySet<Level | undefined> = new Set(['WARN', 'ERROR', 'FATAL']);
const ERRORS: ReadonlySet<Level | undefined> = new Set(['ERROR', 'FATAL']);

export interface SessionCounter {
  firstOrdinal: number;
  /** First WARN+ record, if any: the natural place to point at for a session-level finding. */
  firstTroubleOrdinal: number;
  records: number;
  errors: number;
  start: number;
  end: number;
  /** Flat pairs [template index, count, ...]: sessions use a handful of templates, a scan is cheaper than a Map. */
  counts: number[];
}

export class SessionTracker {
  readonly sessions = new Map<string, SessionCounter>();

  /** Count one record of `sessionId`; `template` is a dense template index (-1 for unknown). */
  add(sessionId: string, ordinal: number, template: number, level: Level | undefined, timestamp: number | undefined): void {
    let s = this.sessions.get(sessionId);
    if (!s) {
      s = { firstOrdinal: ordinal, firstTroubleOrdinal: -1, records: 0, errors: 0, start: NaN, end: NaN, counts: [] };
      this.sessions.set(sessionId, s);
    }
    s.records++;
    if (ERRORS.has(level)) s.errors++;
    if (s.firstTroubleOrdinal < 0 && TROUBLE.has(level)) s.firstTroubleOrdinal = ordinal;
    if (timestamp !== undefined) {
      if (!(s.start <= timestamp)) s.start = timestamp;
      if (!(s.end >= timestamp)) s.end = timestamp;
    }
    const counts = s.counts;
    for (let i = 0; i < counts.length; i += 2) {
      if (counts[i] === template) {
        counts[i + 1]!++;
        return;
      }
    }
    counts.push(template, 1);
  }

  /** The session's counts as a dense vector over `width` templates; unknown templates (-1) go to the last column. */
  vector(counter: SessionCounter, width: number): number[] {
    const vector = new Array<number>(width + 1).fill(0);
    for (let i = 0; i < counter.counts.length; i += 2) {
      const template = counter.counts[i]!;
      vector[template < 0 || template >= width ? width : template]! += counter.counts[i + 1]!;
    }
    return vector;
  }

  metrics(counter: SessionCounter): SessionMetrics {
    const timed = Number.isFinite(counter.start);
    return {
      ...(timed && { start: counter.start, end: counter.end, durationMs: counter.end - counter.start }),
      records: counter.records,
      errors: counter.errors,
      errorRate: counter.errors / counter.records,
      distinctTemplates: counter.counts.length / 2,
    };
  }
}
