/**
 * Session outliers: an Isolation Forest over per-session template-count vectors (log1p), trained on
 * baseline sessions, plus a gate for *common* template mixes. The gate matters: sessions repeat a
 * handful of mixes, so the contamination threshold can fall inside a mix that hundreds of normal
 * sessions share (HDFS_100k: F1 0.44 without the gate, 0.66 with it). The product pipeline and
 * `npm run eval:sessions` both use exactly this.
 */
import { trainForest, type ForestModel } from '../forest/index.ts';
import { stableId } from '../hash.ts';
import { Reservoir } from '../reservoir.ts';

/** A mix shared by at least this share of baseline sessions is normal traffic, whatever the forest says. */
export const COMMON_MIX_SHARE = 0.01;
/** …and by at least this many sessions, so a small baseline does not call every mix common. */
const COMMON_MIX_MIN = 3;
/** Past this many distinct mixes only mixes already known are counted (bounded memory). */
const MAX_MIXES = 50_000;

/** A session's template counts as the forest sees them: log1p, so one long loop does not dwarf everything else. */
export function sessionFeatures(counts: number[]): number[] {
  return counts.map((count) => Math.log1p(count));
}

/** The exact template mix of a session, as a short key. */
export function signatureOf(counts: number[]): string {
  return stableId('s', counts.join(','));
}

/** Collects baseline sessions: a seeded reservoir sample for the forest and counts of each exact mix. */
export class SessionSampler {
  private readonly rows: Reservoir<number[]>;
  private readonly mixes = new Map<string, number>();
  private seen = 0;

  constructor(limit = 20_000, seed = 0) {
    this.rows = new Reservoir(limit, seed ^ 0x5e55);
  }

  add(counts: number[]): void {
    const signature = signatureOf(counts);
    const known = this.mixes.get(signature);
    if (known !== undefined || this.mixes.size < MAX_MIXES) this.mixes.set(signature, (known ?? 0) + 1);
    this.seen++;
    this.rows.offer(sessionFeatures(counts));
  }

  get sessions(): number {
    return this.seen;
  }

  /** Trains the forest (or none with fewer than `minSessions`) and lists the common mixes. */
  train(options: { seed: number; contamination: number; minSessions?: number }): { forest?: ForestModel; commonMixes: Record<string, number> } {
    const floor = Math.max(COMMON_MIX_MIN, COMMON_MIX_SHARE * this.seen);
    const commonMixes = Object.fromEntries([...this.mixes].filter(([, n]) => n >= floor).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (this.rows.items.length < (options.minSessions ?? 50)) return { commonMixes };
    return { forest: trainForest(this.rows.items, { seed: options.seed, contamination: options.contamination }), commonMixes };
  }
}

/** How one session's mix is judged: null when it is common or not isolated enough. */
export function judgeSessionMix(forest: ForestModel, counts: number[], commonMixes: Record<string, number>): { score: number; unseen: boolean } | null {
  if (signatureOf(counts) in commonMixes) return null;
  const features = sessionFeatures(counts);
  // A template no baseline session ever had is invisible to the trees (its column was constant): count it as isolated.
  const unseen = forest.deviatingDroppedColumns(features).length > 0;
  const score = Math.max(forest.score(features), unseen ? forest.threshold + 0.05 : 0);
  return forest.isAnomaly(score) ? { score, unseen } : null;
}
