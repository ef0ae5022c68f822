import { z } from 'zod';

import { ModelError } from '../errors.ts';
import { TemplateStats, type StatsInput, type TemplateStatsJSON } from './template-stats.ts';

/** The baseline file format this build writes and reads. */
export const BASELINE_VERSION = 1;

/** A stored baseline that cannot be used; the message says why and what to do. */
export class BaselineFormatError extends ModelError {
  override name = 'BaselineFormatError';
}

/** A stored baseline written in a format version this build does not read. */
export class BaselineVersionError extends BaselineFormatError {
  override name = 'BaselineVersionError';
  constructor(readonly version: unknown) {
    super(
      `baseline version ${JSON.stringify(version)} is not supported: this build reads version ${BASELINE_VERSION}; ` +
        'rebuild the baseline from logs or use the logsleuth release that wrote it',
    );
  }
}

/** Totals over every record of a baseline, whatever its template. */
export interface BaselineTotals {
  records: number;
  timestampedRecords: number;
  /** Smallest / largest timestamp (epoch ms) of any record. */
  firstTimestamp?: number;
  lastTimestamp?: number;
}

/** Serialised {@link Baseline}; templates sorted by id so equal baselines serialise identically. */
export interface BaselineJSON {
  version: typeof BASELINE_VERSION;
  totals: BaselineTotals;
  templates: { id: string; stats: TemplateStatsJSON }[];
}

/**
 * What normal looks like: per-template statistics plus totals.
 *
 * Mergeable: `a.merge(b)` is the baseline of a's records followed by b's, which is how the nightly
 * job rolls a baseline forward. The template miner's state is stored separately.
 */
export class Baseline {
  private readonly stats = new Map<string, TemplateStats>();
  readonly totals: BaselineTotals = { records: 0, timestampedRecords: 0 };

  /** Add one record of template `templateId`. */
  add(templateId: string, record: StatsInput): this {
    let stats = this.stats.get(templateId);
    if (!stats) {
      stats = new TemplateStats();
      this.stats.set(templateId, stats);
    }
    stats.add(record);
    this.totals.records += 1;
    const { timestamp } = record;
    if (timestamp !== undefined && Number.isFinite(timestamp)) {
      this.totals.timestampedRecords += 1;
      this.totals.firstTimestamp = minDefined(this.totals.firstTimestamp, timestamp);
      this.totals.lastTimestamp = maxDefined(this.totals.lastTimestamp, timestamp);
    }
    return this;
  }

  /**
   * Fold statistics gathered elsewhere into template `templateId` (e.g. per miner cluster, before
   * the cluster's final template id was known). Totals count its records; its timestamps widen the span.
   */
  mergeTemplate(templateId: string, stats: TemplateStats): this {
    const ours = this.stats.get(templateId);
    if (ours) ours.merge(stats);
    else this.stats.set(templateId, stats.clone());
    this.totals.records += stats.count;
    this.totals.timestampedRecords += stats.timestampedCount;
    if (stats.minTimestamp !== undefined) this.totals.firstTimestamp = minDefined(this.totals.firstTimestamp, stats.minTimestamp);
    if (stats.maxTimestamp !== undefined) this.totals.lastTimestamp = maxDefined(this.totals.lastTimestamp, stats.maxTimestamp);
    return this;
  }

  /** Statistics of one template; undefined when it was never seen. Mutating it changes the baseline. */
  get(templateId: string): TemplateStats | undefined {
    return this.stats.get(templateId);
  }

  /** Template ids in insertion order. */
  templateIds(): string[] {
    return [...this.stats.keys()];
  }

  /** Number of distinct templates. */
  get size(): number {
    return this.stats.size;
  }

  /** Fold `other` into this baseline (other is left unchanged; nothing is shared with it). */
  merge(other: Baseline): this {
    for (const [id, theirs] of other.stats) {
      const ours = this.stats.get(id);
      if (ours) ours.merge(theirs);
      else this.stats.set(id, theirs.clone());
    }
    this.totals.records += other.totals.records;
    this.totals.timestampedRecords += other.totals.timestampedRecords;
    if (other.totals.firstTimestamp !== undefined) {
      this.totals.firstTimestamp = minDefined(this.totals.firstTimestamp, other.totals.firstTimestamp);
    }
    if (other.totals.lastTimestamp !== undefined) {
      this.totals.lastTimestamp = maxDefined(this.totals.lastTimestamp, other.totals.lastTimestamp);
    }
    return this;
  }

  /** Versioned plain data (`{version: 1, totals, templates}`). */
  toJSON(): BaselineJSON {
    const ids = [...this.stats.keys()].sort();
    return {
      version: BASELINE_VERSION,
      totals: { ...this.totals },
      templates: ids.map((id) => ({ id, stats: this.stats.get(id)!.toJSON() })),
    };
  }

  /**
   * Rebuild from {@link Baseline.toJSON} output (e.g. `JSON.parse` of a stored file).
   * @throws BaselineVersionError when `version` is not {@link BASELINE_VERSION}.
   * @throws BaselineFormatError listing every field that does not match the format.
   */
  static fromJSON(json: unknown): Baseline {
    if (typeof json !== 'object' || json === null || !('version' in json)) {
      throw new BaselineFormatError('not a logsleuth baseline: expected an object with a "version" field');
    }
    if (json.version !== BASELINE_VERSION) throw new BaselineVersionError(json.version);
    const parsed = baselineSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      throw new BaselineFormatError(`baseline does not match format version ${BASELINE_VERSION}: ${problems.join('; ')}`);
    }
    const baseline = new Baseline();
    Object.assign(baseline.totals, parsed.data.totals);
    for (const { id, stats } of parsed.data.templates) {
      if (baseline.stats.has(id)) throw new BaselineFormatError(`baseline lists template "${id}" twice`);
      baseline.stats.set(id, TemplateStats.fromJSON(stats));
    }
    return baseline;
  }
}

function minDefined(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}

function maxDefined(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.max(a, b);
}

const count = z.number().int().nonnegative();
const moments = z.object({ count, mean: z.number(), m2: z.number().nonnegative() });
const seenAt = z.object({
  timestamp: z.number().optional(),
  source: z.string().optional(),
  line: z.number().int().optional(),
});
const templateStatsSchema = z.object({
  count,
  duration: moments,
  logDuration: moments,
  durationSketch: z
    .object({ means: z.array(z.number()), counts: z.array(z.number().positive()) })
    .refine((s) => s.means.length === s.counts.length, 'means and counts differ in length'),
  invalidDurations: count,
  levels: z.partialRecord(z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']), count),
  timestampedCount: count,
  minTimestamp: z.number().optional(),
  maxTimestamp: z.number().optional(),
  firstSeen: seenAt.optional(),
  lastSeen: seenAt.optional(),
});
const baselineSchema = z.object({
  version: z.literal(BASELINE_VERSION),
  totals: z.object({
    records: count,
    timestampedRecords: count,
    firstTimestamp: z.number().optional(),
    lastTimestamp: z.number().optional(),
  }),
  templates: z.array(z.object({ id: z.string(), stats: templateStatsSchema })),
});
