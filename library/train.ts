/** `train`: learns what normal looks like from baseline logs (the CLI's `train`, without the saving). */
import { stableId } from '../shared/hash.ts';
import { UserInputError } from '../shared/errors.ts';
import { trainModel } from '../shared/pipeline/train.ts';
import { openInputs, type LogInput } from './inputs.ts';
import { Model } from './model.ts';
import { readingOptions, type InputOptions } from './options.ts';

/** Options of {@link train}: how to read the baseline, and the CLI's `--seed` and `--contamination`. */
export interface TrainOptions extends InputOptions {
  /** Seed of every random choice: the same seed and baseline give the same model (default 42). */
  seed?: number;
  /**
   * Expected share of outliers in the baseline (0.001–0.5). Given, it sets the session threshold as
   * given; left out, the threshold is calibrated on the baseline (as the CLI does without the flag).
   */
  contamination?: number;
}

/**
 * Trains a model on baseline logs (normal operation). Throws `UserInputError` when the baseline
 * holds no log record at all (nothing to learn from) or an option is invalid.
 */
export async function train(inputs: readonly LogInput[], options: TrainOptions = {}): Promise<Model> {
  const reading = readingOptions(options);
  if (options.contamination !== undefined && !(options.contamination >= 0.001 && options.contamination <= 0.5)) {
    throw new UserInputError(`contamination must be a number between 0.001 and 0.5, got ${options.contamination}`);
  }
  const opened = await openInputs(inputs, reading.ingest);
  try {
    const model = await trainModel(opened.records(), {
      seed: options.seed ?? 42,
      ...(options.contamination !== undefined && { contamination: options.contamination }),
      ...(reading.sessionRegex && { sessionRegex: reading.sessionRegex }),
    });
    if (opened.report.records === 0) {
      const problems = opened.report.problems.map((p) => p.message);
      throw new UserInputError(`the baseline holds no log records, so there is nothing to learn what is normal from${problems.length ? `: ${problems.join('; ')}` : ''}`);
    }
    // The model directory's pointer names what the model learnt from, as the CLI's `train` writes it.
    const trainedFrom = opened.objects.map((o) => ({ key: o.name, etag: stableId('e', `${o.name}:${o.size ?? ''}`) }));
    return Model.fromCore(model, trainedFrom);
  } finally {
    await opened.close();
  }
}
