import type { Level } from '../ingest/record.ts';
import { QuantileSketch, type QuantileSketchJSON } from './quantile-sketch.ts';
import { RunningMoments, type RunningMomentsJSON } from './running-moments.ts';

/** The fields of a record that baseline statistics use; anything else is ignored. */
export interface StatsInput {
  durationMs?: number;
  level?: Level;
  /** Epoch milliseconds. */
  timestamp?: number;
  source?: string;
  line?: number;
}

/** Where a template was seen: timestamp when the record had one, and source + line when known. */
export interface SeenAt {
  timestamp?: number;
  source?: string;
  line?: number;
}

const LEVELS: readonly Level[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const PROBLEM_LEVELS: readonly Level[] = ['WARN', 'ERROR', 'FATAL'];

/**
 * Mergeable statistics of the records of one template.
 *
 * Every part is an associative summary, so statistics built per file, per day or per worker can be
 * merged in any grouping: `a.merge(b)` equals (up to rounding, and up to the quantile sketch's
 * approximation) the statistics of a's records followed by b's.
 *
 * Order-dependent parts follow "b came after a": {@link firstSeen} is the record with the smallest
 * timestamp (ties: the earlier one; records without a timestamp lose to any record with one, and
 * among themselves the first added wins); {@link lastSeen} mirrors it.
 */
export class TemplateStats {
  /** Records of this template. */
  count = 0;
  /** Durations in ms (only records with a valid duration). */
  duration = new RunningMoments();
  /** log1p(duration ms): long-tailed durations are closer to normal in log space. */
  logDuration = new RunningMoments();
  /** Duration quantiles (ms). */
  durationSketch = new QuantileSketch();
  /** Durations that were present but not a finite number ≥ 0 (not used in any duration statistic). */
  invalidDurations = 0;
  /** Records per level; records without a level are counted in {@link count} only. */
  readonly levels: Record<Level, number> = emptyLevelCounts();
  /** Records that had a timestamp. */
  timestampedCount = 0;
  /** Smallest / largest timestamp seen (epoch ms). */
  minTimestamp?: number;
  maxTimestamp?: number;
  /** See the class comment for the tie rules. */
  firstSeen?: SeenAt;
  lastSeen?: SeenAt;

  /** Add one record. A duration that is not a finite number ≥ 0 is counted in {@link invalidDurations}. */
  add(record: StatsInput): this {
    this.count += 1;
    const { durationMs, level, timestamp } = record;
    if (durationMs !== undefined) {
      if (Number.isFinite(durationMs) && durationMs >= 0) {
        this.duration.add(durationMs);
        this.logDuration.add(Math.log1p(durationMs));
        this.durationSketch.add(durationMs);
      } else {
        this.invalidDurations += 1;
      }
    }
    // Guards untyped callers: an unknown level name would turn its count into NaN.
    if (level !== undefined && level in this.levels) this.levels[level] += 1;
    const hasTimestamp = timestamp !== undefined && Number.isFinite(timestamp);
    if (hasTimestamp) {
      this.timestampedCount += 1;
      this.minTimestamp = this.minTimestamp === undefined ? timestamp : Math.min(this.minTimestamp, timestamp);
      this.maxTimestamp = this.maxTimestamp === undefined ? timestamp : Math.max(this.maxTimestamp, timestamp);
    }
    const seen: SeenAt = {};
    if (hasTimestamp) seen.timestamp = timestamp;
    if (record.source !== undefined) seen.source = record.source;
    if (record.line !== undefined) seen.line = record.line;
    this.firstSeen = earlier(this.firstSeen, seen);
    this.lastSeen = later(this.lastSeen, seen);
    return this;
  }

  /** Fold `other` into this (other is left unchanged; nothing is shared with it). */
  merge(other: TemplateStats): this {
    this.count += other.count;
    this.duration.merge(other.duration);
    this.logDuration.merge(other.logDuration);
    this.durationSketch.merge(other.durationSketch);
    this.invalidDurations += other.invalidDurations;
    for (const level of LEVELS) this.levels[level] += other.levels[level];
    this.timestampedCount += other.timestampedCount;
    if (other.minTimestamp !== undefined) {
      this.minTimestamp = this.minTimestamp === undefined ? other.minTimestamp : Math.min(this.minTimestamp, other.minTimestamp);
    }
    if (other.maxTimestamp !== undefined) {
      this.maxTimestamp = this.maxTimestamp === undefined ? other.maxTimestamp : Math.max(this.maxTimestamp, other.maxTimestamp);
    }
    if (other.firstSeen) this.firstSeen = earlier(this.firstSeen, { ...other.firstSeen });
    if (other.lastSeen) this.lastSeen = later(this.lastSeen, { ...other.lastSeen });
    return this;
  }

  /** Records that had a valid duration. */
  get durationCount(): number {
    return this.duration.count;
  }
  /** Mean duration (ms); undefined without durations. */
  get meanDuration(): number | undefined {
    return this.duration.count > 0 ? this.duration.mean : undefined;
  }
  /** Sample standard deviation of duration (ms); undefined without durations, 0 with one. */
  get stdDuration(): number | undefined {
    return this.duration.count > 0 ? this.duration.std : undefined;
  }
  /** Mean of log1p(duration ms); undefined without durations. */
  get meanLogDuration(): number | undefined {
    return this.logDuration.count > 0 ? this.logDuration.mean : undefined;
  }
  /** Sample standard deviation of log1p(duration ms); undefined without durations. */
  get stdLogDuration(): number | undefined {
    return this.logDuration.count > 0 ? this.logDuration.std : undefined;
  }
  /** Approximate duration quantile (ms) for p in [0, 1]; undefined without durations. */
  durationQuantile(p: number): number | undefined {
    return this.durationSketch.quantile(p);
  }
  get p50(): number | undefined {
    return this.durationSketch.quantile(0.5);
  }
  get p95(): number | undefined {
    return this.durationSketch.quantile(0.95);
  }
  get p99(): number | undefined {
    return this.durationSketch.quantile(0.99);
  }
  /** WARN + ERROR + FATAL records. */
  get problemCount(): number {
    return PROBLEM_LEVELS.reduce((sum, level) => sum + this.levels[level], 0);
  }
  /**
   * Share of all records of this template at WARN, ERROR or FATAL (records without a level count as
   * not a problem); 0 when empty.
   */
  get errorRate(): number {
    return this.count === 0 ? 0 : this.problemCount / this.count;
  }
  /**
   * Timestamped records per minute over the span between the first and last timestamp; undefined
   * with fewer than two timestamped records or a zero-length span (a rate would be meaningless).
   */
  get ratePerMinute(): number | undefined {
    if (this.timestampedCount < 2 || this.minTimestamp === undefined || this.maxTimestamp === undefined) return undefined;
    const minutes = (this.maxTimestamp - this.minTimestamp) / 60_000;
    return minutes > 0 ? this.timestampedCount / minutes : undefined;
  }

  /** An independent copy. */
  clone(): TemplateStats {
    return TemplateStats.fromJSON(this.toJSON());
  }

  /** Plain data for storage; a round trip through {@link TemplateStats.fromJSON} changes nothing. */
  toJSON(): TemplateStatsJSON {
    const json: TemplateStatsJSON = {
      count: this.count,
      duration: this.duration.toJSON(),
      logDuration: this.logDuration.toJSON(),
      durationSketch: this.durationSketch.toJSON(),
      invalidDurations: this.invalidDurations,
      levels: { ...this.levels },
      timestampedCount: this.timestampedCount,
    };
    if (this.minTimestamp !== undefined) json.minTimestamp = this.minTimestamp;
    if (this.maxTimestamp !== undefined) json.maxTimestamp = this.maxTimestamp;
    if (this.firstSeen) json.firstSeen = { ...this.firstSeen };
    if (this.lastSeen) json.lastSeen = { ...this.lastSeen };
    return json;
  }

  /** Rebuild from {@link TemplateStats.toJSON} output (validate untrusted input with the baseline schema first). */
  static fromJSON(json: TemplateStatsJSON): TemplateStats {
    const stats = new TemplateStats();
    stats.count = json.count;
    stats.duration = RunningMoments.fromJSON(json.duration);
    stats.logDuration = RunningMoments.fromJSON(json.logDuration);
    stats.durationSketch = QuantileSketch.fromJSON(json.durationSketch);
    stats.invalidDurations = json.invalidDurations;
    for (const level of LEVELS) stats.levels[level] = json.levels[level] ?? 0;
    stats.timestampedCount = json.timestampedCount;
    if (json.minTimestamp !== undefined) stats.minTimestamp = json.minTimestamp;
    if (json.maxTimestamp !== undefined) stats.maxTimestamp = json.maxTimestamp;
    if (json.firstSeen) stats.firstSeen = { ...json.firstSeen };
    if (json.lastSeen) stats.lastSeen = { ...json.lastSeen };
    return stats;
  }
}

/** Serialised {@link TemplateStats}. */
export interface TemplateStatsJSON {
  count: number;
  duration: RunningMomentsJSON;
  logDuration: RunningMomentsJSON;
  durationSketch: QuantileSketchJSON;
  invalidDurations: number;
  levels: Partial<Record<Level, number>>;
  timestampedCount: number;
  minTimestamp?: number;
  maxTimestamp?: number;
  firstSeen?: SeenAt;
  lastSeen?: SeenAt;
}

function emptyLevelCounts(): Record<Level, number> {
  return { TRACE: 0, DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0, FATAL: 0 };
}

// Records with a timestamp beat records without one; ties keep the incumbent (it came first).
function earlier(incumbent: SeenAt | undefined, candidate: SeenAt): SeenAt {
  if (!incumbent) return candidate;
  if (candidate.timestamp === undefined) return incumbent;
  if (incumbent.timestamp === undefined) return candidate;
  return candidate.timestamp < incumbent.timestamp ? candidate : incumbent;
}

// Mirror of earlier(): ties go to the candidate (it came later).
function later(incumbent: SeenAt | undefined, candidate: SeenAt): SeenAt {
  if (!incumbent) return candidate;
  if (candidate.timestamp === undefined) return incumbent.timestamp === undefined ? candidate : incumbent;
  if (incumbent.timestamp === undefined) return candidate;
  return candidate.timestamp >= incumbent.timestamp ? candidate : incumbent;
}
