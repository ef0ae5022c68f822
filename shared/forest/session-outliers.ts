import { ForestModelFormatError } from './errors.ts';
import { ForestModel, trainForest, type ForestModelJSON, type ForestOptions } from './isolation-forest.ts';

/** Name of the last vector column, which counts templates outside the vocabulary. */
export const OTHER_TEMPLATE = '(other)';

/**
 * How template counts become forest features.
 * - `log1p`: log(1 + count). A session with 200 reads is not 100× stranger than one with 2; the
 *   log compresses long sessions so splits spread over the typical range.
 * - `tfidf`: count × log(N / df) with N and df from the training sessions (loglizer's term
 *   weighting). A per-column factor does not change an isolation forest's splits, so this equals raw
 *   counts except that a template found in every training session gets weight 0 (and is ignored).
 * - `raw`: the counts as they are.
 */
export type SessionTransform = 'log1p' | 'tfidf' | 'raw';

/** Options of {@link trainSessionOutliers}: the forest's, plus the feature transform. */
export interface SessionOutlierOptions extends Omit<ForestOptions, 'featureNames'> {
  /** Default `log1p`. */
  transform?: SessionTransform;
}

/** One session's verdict. */
export interface SessionScore {
  /** Isolation score in (0, 1]; higher = stranger mix of templates. */
  score: number;
  /** Score above the forest's contamination threshold. */
  isOutlier: boolean;
  /**
   * Templates the forest cannot see in this session: outside the vocabulary, or in a column that
   * was constant in training (e.g. never logged by a baseline session). Reported separately because
   * the trees cannot split on them; NEW_TEMPLATE detection covers them.
   */
  unseenTemplates: string[];
}

/** Serialised {@link SessionOutlierModel}. */
export interface SessionOutlierModelJSON {
  format: 'logsleuth-session-outliers';
  version: 1;
  vocabulary: string[];
  transform: SessionTransform;
  /** Per-column weights for `tfidf` (including the other column). */
  idf?: number[];
  forest: ForestModelJSON;
}

/**
 * Counts per template of one session over a fixed vocabulary: one column per vocabulary entry, in
 * order, plus a last column for templates outside it.
 */
export function countVector(templateIds: Iterable<string>, vocabulary: readonly string[]): number[] {
  const index = new Map(vocabulary.map((id, i) => [id, i]));
  const counts = new Array<number>(vocabulary.length + 1).fill(0);
  for (const id of templateIds) counts[index.get(id) ?? vocabulary.length] += 1;
  return counts;
}

/** Sorted distinct template ids of the given sessions: a vocabulary that does not depend on order. */
export function buildVocabulary(sessions: Iterable<Iterable<string>>): string[] {
  const ids = new Set<string>();
  for (const session of sessions) for (const id of session) ids.add(id);
  return [...ids].sort();
}

/**
 * An Isolation Forest over per-session template-count vectors: flags sessions whose mix of templates
 * is unlike the training (baseline) sessions.
 */
export class SessionOutlierModel {
  private constructor(
    readonly vocabulary: readonly string[],
    readonly transform: SessionTransform,
    readonly forest: ForestModel,
    private readonly idf: readonly number[] | undefined,
  ) {}

  /** The feature vector the forest sees for a session (template ids in any order, repeats counted). */
  features(templateIds: Iterable<string>): number[] {
    return applyTransform(countVector(templateIds, this.vocabulary), this.transform, this.idf);
  }

  /** Score one session. */
  score(templateIds: Iterable<string>): SessionScore {
    const ids = [...templateIds];
    const features = applyTransform(countVector(ids, this.vocabulary), this.transform, this.idf);
    const score = this.forest.score(features);
    const known = new Set(this.vocabulary);
    const unseen = new Set(ids.filter((id) => !known.has(id)));
    for (const dropped of this.forest.deviatingDroppedColumns(features)) {
      if (dropped.column < this.vocabulary.length) unseen.add(this.vocabulary[dropped.column]);
    }
    return { score, isOutlier: this.forest.isAnomaly(score), unseenTemplates: [...unseen].sort() };
  }

  /** Vocabulary, transform and forest structure. */
  toJSON(): SessionOutlierModelJSON {
    const json: SessionOutlierModelJSON = {
      format: 'logsleuth-session-outliers',
      version: 1,
      vocabulary: [...this.vocabulary],
      transform: this.transform,
      forest: this.forest.toJSON(),
    };
    if (this.idf) json.idf = [...this.idf];
    return json;
  }

  /**
   * Load a model saved with {@link SessionOutlierModel.toJSON}.
   * @throws ForestModelFormatError when it is not one.
   */
  static fromJSON(json: unknown): SessionOutlierModel {
    const data = json as Partial<SessionOutlierModelJSON> | null;
    if (data?.format !== 'logsleuth-session-outliers' || data.version !== 1) {
      throw new ForestModelFormatError('not a session outlier model (format logsleuth-session-outliers version 1)');
    }
    if (!Array.isArray(data.vocabulary) || !['log1p', 'tfidf', 'raw'].includes(data.transform as string)) {
      throw new ForestModelFormatError('session outlier model: vocabulary or transform is missing or unknown');
    }
    const forest = ForestModel.fromJSON(data.forest);
    if (forest.featureCount !== data.vocabulary.length + 1) {
      throw new ForestModelFormatError(
        `session outlier model: forest has ${forest.featureCount} columns for ${data.vocabulary.length} templates + other`,
      );
    }
    if (data.transform === 'tfidf' && (!Array.isArray(data.idf) || data.idf.length !== forest.featureCount)) {
      throw new ForestModelFormatError('session outlier model: tfidf weights are missing or of the wrong length');
    }
    return new SessionOutlierModel(data.vocabulary, data.transform!, forest, data.transform === 'tfidf' ? data.idf : undefined);
  }

  /** @internal Used by {@link trainSessionOutliers}. */
  static create(vocabulary: string[], transform: SessionTransform, forest: ForestModel, idf?: number[]): SessionOutlierModel {
    return new SessionOutlierModel(vocabulary, transform, forest, idf);
  }
}

/**
 * Train a session outlier model on baseline sessions, each given as its template ids.
 * The vocabulary is every template of the training sessions; templates found later go to the
 * `(other)` column (constant 0 in training, so reported as unseen rather than scored).
 *
 * Unsupervised: train on traffic assumed mostly normal; `contamination` sets the threshold as the
 * (1 − contamination) quantile of the training sessions' scores.
 *
 * @throws ForestInputError for fewer than 2 sessions or invalid options.
 */
export function trainSessionOutliers(
  sessions: readonly (readonly string[])[],
  options: SessionOutlierOptions,
): SessionOutlierModel {
  const { transform = 'log1p', ...forestOptions } = options;
  const vocabulary = buildVocabulary(sessions);
  const counts = sessions.map((session) => countVector(session, vocabulary));
  const idf = transform === 'tfidf' ? inverseDocumentFrequency(counts) : undefined;
  const rows = counts.map((row) => applyTransform(row, transform, idf));
  const forest = trainForest(rows, { ...forestOptions, featureNames: [...vocabulary, OTHER_TEMPLATE] });
  return SessionOutlierModel.create(vocabulary, transform, forest, idf);
}

/** loglizer's idf: log(N / df); 0 for a template in every session or in none. */
function inverseDocumentFrequency(counts: number[][]): number[] {
  const width = counts[0]?.length ?? 0;
  const df = new Array<number>(width).fill(0);
  for (const row of counts) for (let c = 0; c < width; c++) if (row[c] > 0) df[c] += 1;
  return df.map((d) => (d === 0 ? 0 : Math.log(counts.length / d)));
}

function applyTransform(counts: number[], transform: SessionTransform, idf: readonly number[] | undefined): number[] {
  switch (transform) {
    case 'log1p':
      return counts.map(Math.log1p);
    case 'tfidf':
      return counts.map((c, i) => c * idf![i]);
    case 'raw':
      return counts;
  }
}
