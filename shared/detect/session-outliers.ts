/**
 * Session outliers: an Isolation Forest over per-session template-count vectors (log1p), trained on
 * baseline sessions, with three things that keep it quiet on normal traffic:
 *  - a mix seen in at least {@link COMMON_MIX_MIN} baseline sessions is never an outlier, nor is a
 *    mix one record away from such a mix in a template it has (an ordinary extra retry);
 *  - the threshold is calibrated on baseline sessions the forest did not see (every fifth one): it
 *    is raised until at most {@link CALIBRATED_RATE} of them would be flagged;
 *  - a flagged session says what makes it unusual: the templates whose counts differ from the
 *    nearest common mix.
 * The product pipeline and `npm run eval:sessions` both use exactly this.
 */
import { trainForest, type ForestModel } from '../forest/index.ts';
import { Reservoir } from '../reservoir.ts';

/** A mix shared by at least this many baseline sessions is normal traffic, whatever the forest says. */
export const COMMON_MIX_MIN = 3;
/** The most sessions a clean run of the baseline's own system should flag: the calibration target. */
export const CALIBRATED_RATE = 0.001;
/** Sessions with fewer records than this are too short for their mix to be unusual. */
const MIN_SHAPE_RECORDS = 2;
/** Past this many distinct mixes only mixes already known are counted (bounded memory). */
const MAX_MIXES = 50_000;
/** Every n-th sampled baseline session is held out from the forest to calibrate its threshold. */
const HOLD_OUT_EVERY = 5;

/** A session's template counts as the forest sees them: log1p, so one long loop does not dwarf everything else. */
export function sessionFeatures(counts: readonly number[]): number[] {
  return counts.map((count) => Math.log1p(count));
}

/** The exact template mix of a session, sparse: `column:count` of its templates, in column order. */
export function mixKey(counts: readonly number[]): string {
  let key = '';
  for (let column = 0; column < counts.length; column++) {
    const count = counts[column]!;
    if (count > 0) key += key.length === 0 ? `${column}:${count}` : `,${column}:${count}`;
  }
  return key;
}

function parseMix(key: string): Map<number, number> {
  const mix = new Map<number, number>();
  if (key.length === 0) return mix;
  for (const pair of key.split(',')) {
    const colon = pair.indexOf(':');
    mix.set(Number(pair.slice(0, colon)), Number(pair.slice(colon + 1)));
  }
  return mix;
}

function keyOfMix(mix: Map<number, number>): string {
  return [...mix].filter(([, n]) => n > 0).sort(([a], [b]) => a - b).map(([c, n]) => `${c}:${n}`).join(',');
}

/** What training learns about baseline sessions (stored in the model). */
export interface SessionShapes {
  forest?: ForestModel;
  /** Mixes seen in at least {@link COMMON_MIX_MIN} baseline sessions (sparse keys, see {@link mixKey}) → how many had them. */
  commonMixes: Record<string, number>;
  /** Score above which a session is an outlier (the forest's own threshold, or the calibrated one). */
  threshold: number;
  /** The threshold that flags at most {@link CALIBRATED_RATE} of held-out baseline sessions. */
  calibratedThreshold: number;
  /** Template columns that occur in some baseline session. */
  seenColumns: number[];
  /** The most records of each of those templates (same order) one baseline session had. */
  maxCounts: number[];
}

/** Collects baseline sessions: a seeded reservoir sample for the forest and its calibration, and counts of each exact mix. */
export class SessionSampler {
  private readonly rows: Reservoir<number[]>;
  private readonly mixes = new Map<string, number>();
  private readonly maxCounts = new Map<number, number>();
  private count = 0;

  constructor(limit = 20_000, seed = 0) {
    this.rows = new Reservoir(limit, seed ^ 0x5e55);
  }

  add(counts: number[]): void {
    const key = mixKey(counts);
    const known = this.mixes.get(key);
    if (known !== undefined || this.mixes.size < MAX_MIXES) this.mixes.set(key, (known ?? 0) + 1);
    counts.forEach((n, column) => {
      if (n > (this.maxCounts.get(column) ?? 0)) this.maxCounts.set(column, n);
    });
    this.count++;
    this.rows.offer(counts);
  }

  get sessions(): number {
    return this.count;
  }

  /**
   * Trains the forest on four fifths of the sample (none with fewer than `minSessions`), lists the
   * common mixes and calibrates the threshold on the held-out fifth. With `explicitContamination`
   * the forest's contamination threshold is used as it is (the caller asked for that share);
   * otherwise the higher of it and the calibrated one.
   */
  train(options: { seed: number; contamination: number; minSessions?: number; explicitContamination?: boolean }): SessionShapes {
    const commonMixes = Object.fromEntries([...this.mixes].filter(([, n]) => n >= COMMON_MIX_MIN).sort(([a], [b]) => (a < b ? -1 : 1)));
    const seenColumns = [...this.maxCounts.keys()].sort((a, b) => a - b);
    const maxCounts = seenColumns.map((column) => this.maxCounts.get(column)!);
    const rows = this.rows.items;
    const fit = rows.filter((_, i) => i % HOLD_OUT_EVERY !== HOLD_OUT_EVERY - 1);
    const held = rows.filter((_, i) => i % HOLD_OUT_EVERY === HOLD_OUT_EVERY - 1);
    if (fit.length < (options.minSessions ?? 50)) return { commonMixes, threshold: Number.POSITIVE_INFINITY, calibratedThreshold: Number.POSITIVE_INFINITY, seenColumns, maxCounts };
    const forest = trainForest(fit.map(sessionFeatures), { seed: options.seed, contamination: options.contamination });
    const shapes: SessionShapes = { forest, commonMixes, threshold: forest.threshold, calibratedThreshold: forest.threshold, seenColumns, maxCounts };
    const judge = new SessionJudge(shapes);
    // Scores of the held-out sessions the gates let through, highest first.
    const scores = held.map((counts) => judge.rawScore(counts)).filter((s): s is number => s !== null).sort((a, b) => b - a);
    const allowed = Math.floor(CALIBRATED_RATE * held.length);
    // Just above the (allowed+1)-th highest score: at most `allowed` held-out sessions score above it.
    const calibrated = scores.length > allowed ? Math.max(forest.threshold, scores[allowed]!) : forest.threshold;
    shapes.calibratedThreshold = calibrated;
    shapes.threshold = options.explicitContamination ? forest.threshold : calibrated;
    return shapes;
  }
}

/** A flagged session: its score and why. */
export interface SessionVerdict {
  score: number;
  /** It holds templates no baseline session had. */
  unseen: boolean;
  /** A template repeats far more often than in any baseline session. */
  beyond: boolean;
  /** How it differs from the nearest common mix, for people; empty without common mixes. */
  difference: string;
}

/** Judges sessions against what training learnt; each distinct mix is worth judging once. */
export class SessionJudge {
  private readonly common: Set<string>;
  /** Column → the most records of it one baseline session had. */
  private readonly max = new Map<number, number>();
  private parsedCommon?: { mix: Map<number, number>; sessions: number }[];

  constructor(private readonly shapes: SessionShapes) {
    this.common = new Set(Object.keys(shapes.commonMixes));
    shapes.seenColumns.forEach((column, i) => this.max.set(column, shapes.maxCounts[i]!));
  }

  /**
   * Is this mix common, or a common mix with one record more or fewer of a template it already has
   * (one more retry, one fewer poll)? A template added to or missing from a mix is not such an
   * edit: that is how a failing session usually differs (an error step, a step never reached).
   */
  isNearCommon(counts: readonly number[]): boolean {
    const key = mixKey(counts);
    if (this.common.has(key)) return true;
    const mix = parseMix(key);
    for (const [column, count] of mix) {
      mix.set(column, count + 1);
      if (this.common.has(keyOfMix(mix))) return true;
      if (count > 1) {
        mix.set(column, count - 1);
        if (this.common.has(keyOfMix(mix))) return true;
      }
      mix.set(column, count);
    }
    return false;
  }

  /** The forest score of a mix the gates let through (null when a gate stops it or there is no forest). */
  rawScore(counts: readonly number[]): number | null {
    const forest = this.shapes.forest;
    if (!forest || this.isNearCommon(counts)) return null;
    return forest.score(sessionFeatures(counts));
  }

  /**
   * Null when the session is normal; else its score and what makes it unusual. `newColumn` is the
   * column that counts records of templates new in this input: those are NEW_TEMPLATE findings
   * already, so the session is judged on its known templates (a normal session that logged one new
   * message is not a second finding). A session of fewer than {@link MIN_SHAPE_RECORDS} known
   * records has no shape to speak of: only a template no baseline session had makes it unusual.
   */
  judge(counts: readonly number[], templateOf: (column: number) => string, newColumn = -1): SessionVerdict | null {
    if (newColumn >= 0 && counts[newColumn]! > 0) {
      const known = [...counts];
      known[newColumn] = 0;
      return this.judge(known, templateOf);
    }
    let records = 0;
    for (const n of counts) records += n;
    if (records === 0) return null;
    if (records < MIN_SHAPE_RECORDS && counts.every((n, column) => n === 0 || this.max.has(column))) return null;
    const raw = this.rawScore(counts);
    if (raw === null) return null;
    // The trees cannot see a template no baseline session had (its column was constant), and they
    // isolate a count far past the baseline's range no sooner than the baseline's own extremes:
    // both count as isolated.
    let unseen = false;
    let beyond = false;
    counts.forEach((n, column) => {
      if (n === 0) return;
      const max = this.max.get(column);
      if (max === undefined) unseen = true;
      else if (n > 2 * max + 1) beyond = true;
    });
    const score = Math.max(raw, unseen || beyond ? this.shapes.threshold + 0.05 : 0);
    if (!(score > this.shapes.threshold)) return null;
    return { score, unseen, beyond, difference: this.difference(counts, templateOf) };
  }

  /** The templates whose counts differ from the nearest common mix (fewest records apart, then most shared). */
  private difference(counts: readonly number[], templateOf: (column: number) => string): string {
    this.parsedCommon ??= Object.entries(this.shapes.commonMixes).map(([key, sessions]) => ({ mix: parseMix(key), sessions }));
    const mix = parseMix(mixKey(counts));
    let best: { mix: Map<number, number>; sessions: number; distance: number } | undefined;
    for (const common of this.parsedCommon) {
      let distance = 0;
      for (const [column, n] of mix) distance += Math.abs(n - (common.mix.get(column) ?? 0));
      for (const [column, n] of common.mix) if (!mix.has(column)) distance += n;
      if (!best || distance < best.distance || (distance === best.distance && common.sessions > best.sessions)) best = { ...common, distance };
    }
    if (!best) return '';
    const columns = [...new Set([...mix.keys(), ...best.mix.keys()])].sort((a, b) => a - b);
    const changes = columns
      .map((column) => ({ column, delta: (mix.get(column) ?? 0) - (best.mix.get(column) ?? 0) }))
      .filter((c) => c.delta !== 0)
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.column - b.column);
    const shown = changes.slice(0, 4).map((c) => `${c.delta > 0 ? '+' : '−'}${Math.abs(c.delta)} × "${templateOf(c.column)}"`);
    if (changes.length > 4) shown.push(`${changes.length - 4} more`);
    return `vs the nearest common mix (${best.sessions} baseline sessions): ${shown.join(', ')}`;
  }
}

/**
 * When an explicit contamination set the session threshold below the calibrated one, a sentence
 * that says so (such a model flags more sessions than a clean run of the baseline's system would
 * need); otherwise undefined.
 */
export function contaminationNote(gate: { threshold: number; calibratedThreshold: number }): string | undefined {
  if (!(gate.threshold < gate.calibratedThreshold)) return undefined;
  return `the session threshold ${gate.threshold.toFixed(3)} set by --contamination is below the calibrated ${gate.calibratedThreshold.toFixed(3)} ` +
    `(at most ${CALIBRATED_RATE * 100} % of held-out baseline sessions above it): expect more session outliers than a clean run of this system gives`;
}
