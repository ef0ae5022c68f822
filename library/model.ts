/**
 * A trained model as the library hands it out: what it learnt, in figures, and `save()`. The model
 * directory has the CLI's layout (`models/<source>/<model id>/model.json` and `models/<source>/current`,
 * the bucket's layout), so `logsleuth detect --model <dir>` and {@link loadModel} read each other's models.
 */
import { loadModelFromPath, saveModelToDirectory } from '../cli/adapters/dir-model-store.ts';
import type { Model as CoreModel } from '../shared/model/model.ts';

/** The source a model is saved under and loaded for when none is given (the CLI's `--source` default). */
export const DEFAULT_SOURCE = 'local';

/** An input the model was trained on, as the model directory's `current` pointer records it. */
export interface TrainedFrom { key: string; etag: string }

/** Options of {@link Model.save}. */
export interface SaveOptions {
  /** The source the model is for (`logs/<source>/` in the cloud); default `local`. */
  source?: string;
}

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** Whose current model to take from a directory holding several sources; default `local`, or the only source there. */
  source?: string;
}

const cores = new WeakMap<Model, CoreModel>();

/** A trained model: learnt from a baseline by `train`, or read by {@link loadModel}. */
export class Model {
  /** Content-derived id: the same baseline and options give the same id. */
  readonly id: string;
  /** Templates learnt from the baseline. */
  readonly templates: number;
  /** Baseline records and sessions it was trained on. */
  readonly trainedOn: { records: number; sessions: number };

  private constructor(core: CoreModel, private readonly trainedFrom: readonly TrainedFrom[]) {
    cores.set(this, core);
    this.id = core.id;
    this.templates = core.vocabulary.length;
    this.trainedOn = { records: core.training.records, sessions: core.training.sessions };
  }

  /** @internal How `train` and {@link loadModel} make one; left out of the published types. */
  static fromCore(core: CoreModel, trainedFrom: readonly TrainedFrom[] = []): Model {
    return new Model(core, trainedFrom);
  }

  /**
   * Saves the model into the directory `dir` (created if needed) as the current model of
   * `options.source`; returns the path of the written `model.json`. Saving again is harmless.
   */
  save(dir: string, options: SaveOptions = {}): Promise<string> {
    return saveModelToDirectory(dir, options.source ?? DEFAULT_SOURCE, coreOf(this), { trainedAt: Date.now(), trainedFrom: [...this.trainedFrom] });
  }
}

/**
 * Reads a model: a directory written by {@link Model.save} or `logsleuth train --out`, an older
 * directory holding a bare `model.json`, or a path to a `model.json`. Throws `ModelError` (saying
 * what to do) when there is none or it is damaged.
 */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<Model> {
  const { model } = await loadModelFromPath(path, options.source ?? DEFAULT_SOURCE);
  return Model.fromCore(model);
}

/** @internal The core model behind a library {@link Model} (not part of the package's surface). */
export function coreOf(model: Model): CoreModel {
  const core = cores.get(model);
  if (!core) throw new TypeError('expected a Model from train() or loadModel()');
  return core;
}
