/**
 * The CLI's model directory (`train --out <dir>`, `detect --model <dir>`): the same
 * {@link ObjectModelStore} the Lambdas use on S3, over a {@link DirectoryObjectStore}, so the
 * directory has the bucket's layout (`models/<source>/<modelId>/model.json` and
 * `models/<source>/current`) and can be synced to or from a bucket's `models/`.
 *
 * Directories written before that layout (a bare `<dir>/model.json`) and a path to a `model.json`
 * itself still load.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModelError } from '../../shared/errors.ts';
import type { Model } from '../../shared/model/model.ts';
import type { CurrentModel } from '../../shared/model/model-store.ts';
import { ObjectModelStore, parseModel } from '../../shared/model/object-model-store.ts';
import { DirectoryObjectStore } from './dir-object-store.ts';

/** The file of the layout before models/<source>/ (logsleuth 0.1 `train --out`). */
export const LEGACY_MODEL_FILE = 'model.json';

/** A model store over the directory `dir`. */
export function directoryModelStore(dir: string): ObjectModelStore {
  return new ObjectModelStore(new DirectoryObjectStore(dir));
}

/** Saves `model` as the current model of `source` in the directory; returns the artifact's path. */
export async function saveModelToDirectory(dir: string, source: string, model: Model, pointer: Pick<CurrentModel, 'trainedAt' | 'trainedFrom'>): Promise<string> {
  const store = directoryModelStore(dir);
  // Artifact first, pointer second: the pointer never names a missing model.
  const artifactKey = await store.save(source, model);
  await store.setCurrent(source, { modelId: model.id, artifactKey, ...pointer });
  return join(resolve(dir), artifactKey);
}

/** A loaded model and where it came from (for the run's notes). */
export interface LoadedModel {
  model: Model;
  /** The artifact's path. */
  path: string;
  /** The source whose current model it is; undefined for a bare model.json. */
  source?: string;
}

/**
 * The model at `path`: a `model.json` file; or a model directory, where `source`'s current model
 * is taken, else the current model of the only source in it; or an old directory holding a bare
 * `model.json`. Throws a ModelError that says what to do when there is none or it is damaged.
 */
export async function loadModelFromPath(path: string, source: string): Promise<LoadedModel> {
  if (path.endsWith('.json')) return { model: await readModelFile(path, path), path };
  const store = directoryModelStore(path);
  const sources = await store.sources();
  if (sources.length === 0) {
    const legacy = join(path, LEGACY_MODEL_FILE);
    return { model: await readModelFile(legacy, path), path: legacy };
  }
  const chosen = sources.includes(source) ? source : sources.length === 1 ? sources[0]! : undefined;
  if (chosen === undefined) {
    throw new ModelError(`the model directory ${path} holds models of the sources ${sources.join(', ')} but not of "${source}": pick one with --source <name>`);
  }
  const pointer = (await store.current(chosen))!;
  return { model: await store.load(chosen, pointer.modelId), path: join(resolve(path), pointer.artifactKey), source: chosen };
}

async function readModelFile(file: string, given: string): Promise<Model> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ModelError(`no model at ${given}: train one first with \`logsleuth train <baseline logs> --out ${given}\``);
  }
  return parseModel(text, file);
}
