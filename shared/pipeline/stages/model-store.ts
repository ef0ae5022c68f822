/**
 * Model artifacts on an {@link ObjectStore}: `models/<source>/<modelId>/model.json` plus a `current`
 * pointer per source. Used by the training and detection stages, in Lambda (S3) and locally alike.
 */
import { ModelError } from '../../errors.ts';
import { modelFromJSON, modelToJSON, type Model } from '../../model/model.ts';
import type { ObjectStore } from '../../ports.ts';
import { currentModelKey, modelKey } from './layout.ts';

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

export class ModelStore {
  /** Models by id. Ids are content hashes, so a cached model can never be stale. */
  private readonly cache = new Map<string, Model>();

  /** @param maxCached models kept in memory (a warm Lambda serves a few sources). */
  constructor(private readonly objects: ObjectStore, private readonly maxCached = 4) {}

  /** The source's current model pointer, or undefined when no baseline was trained yet. */
  async current(source: string): Promise<CurrentModel | undefined> {
    const text = await this.objects.getText(currentModelKey(source));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as CurrentModel;
    } catch {
      throw new ModelError(`the model pointer ${currentModelKey(source)} is damaged: upload the baseline to baseline/${source}/ again`);
    }
  }

  /** Loads a model version, from memory when this process loaded it before. */
  async load(source: string, modelId: string): Promise<Model> {
    const cached = this.cache.get(modelId);
    if (cached) return cached;
    const key = modelKey(source, modelId);
    const text = await this.objects.getText(key);
    if (text === undefined) throw new ModelError(`model ${modelId} of source "${source}" is missing (${key}): upload the baseline to baseline/${source}/ again`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ModelError(`model ${key} is not valid JSON: upload the baseline to baseline/${source}/ again`);
    }
    const model = modelFromJSON(json);
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(modelId, model);
    return model;
  }

  /** True when this process holds the model in memory (for tests and metrics). */
  isCached(modelId: string): boolean {
    return this.cache.has(modelId);
  }

  /** Writes the artifact; returns its key. Idempotent: the key is derived from the content hash. */
  async save(source: string, model: Model): Promise<string> {
    const key = modelKey(source, model.id);
    await this.objects.put(key, JSON.stringify(modelToJSON(model)), 'application/json');
    this.cache.set(model.id, model);
    return key;
  }

  /** Points `current` at a saved model. Call after `save`, so the pointer never names a missing artifact. */
  async setCurrent(source: string, pointer: CurrentModel): Promise<void> {
    await this.objects.put(currentModelKey(source), JSON.stringify(pointer), 'application/json');
  }
}
