/**
 * Where trained models are kept: the port the training, detection and nightly stages talk through,
 * and the one layout every adapter uses. The same layout in a bucket (Lambdas) and in a directory
 * (`logsleuth train --out <dir>`, `--model <dir>`), so a model directory is a copy of the bucket's
 * `models/` tree and either can be synced to the other:
 *
 *   models/<source>/<modelId>/model.json   the artifact (see model.ts); ids are content hashes
 *   models/<source>/current                JSON {@link CurrentModel}: which model the source uses now
 */
import type { Model } from './model.ts';

export { currentModelKey, modelKey, MODELS_PREFIX } from '../pipeline/stages/layout.ts';

/** What the `current` pointer holds. */
export interface CurrentModel {
  modelId: string;
  artifactKey: string;
  trainedAt: number;
  /** The baseline objects (key and ETag) the model was trained from. */
  trainedFrom: { key: string; etag: string }[];
  /**
   * Set by the nightly job on a model it rolled forward: the model trained from the uploaded
   * baseline (the anchor) and the days of log statistics merged on top of it (sorted, bounded).
   */
  rolled?: { anchorModelId: string; days: string[] };
  /**
   * The tag of the `config/<source>.json` the model was trained with (see `parseSourceConfig`);
   * absent when trained with defaults. Detection refuses a model trained with another config.
   */
  configTag?: string;
}

/** Models per source, with a `current` pointer per source. Errors are {@link ModelError}s that say what to do. */
export interface ModelStore {
  /** The source's current model pointer, or undefined when no model was trained for it yet. */
  current(source: string): Promise<CurrentModel | undefined>;
  /** A saved model version; throws ModelError when it is missing or damaged. */
  load(source: string, modelId: string): Promise<Model>;
  /** Writes the artifact and returns its key. Idempotent: the key derives from the content hash. */
  save(source: string, model: Model): Promise<string>;
  /** Points `current` at a saved model. Call after `save`, so the pointer never names a missing artifact. */
  setCurrent(source: string, pointer: CurrentModel): Promise<void>;
}
