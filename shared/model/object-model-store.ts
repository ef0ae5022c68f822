/**
 * The {@link ModelStore} on an {@link ObjectStore}: S3 in the Lambdas, a directory for the CLI
 * (cli/adapters/dir-model-store.ts), one layout for both (see model-store.ts).
 */
import { ModelError } from '../errors.ts';
import type { ObjectStore } from '../ports.ts';
import { modelFromJSON, modelToJSON, type Model } from './model.ts';
import { currentModelKey, modelKey, MODELS_PREFIX, type CurrentModel, type ModelStore } from './model-store.ts';

export class ObjectModelStore implements ModelStore {
  /** Models by id. Ids are content hashes, so a cached model can never be stale. */
  private readonly cache = new Map<string, Model>();

  /** @param maxCached models kept in memory (a warm Lambda serves a few sources). */
  constructor(private readonly objects: ObjectStore, private readonly maxCached = 4) {}

  async current(source: string): Promise<CurrentModel | undefined> {
    const text = await this.objects.getText(currentModelKey(source));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as CurrentModel;
    } catch {
      throw new ModelError(`the model pointer ${this.where(currentModelKey(source))} is damaged: train the model of "${source}" again (in the cloud: upload the baseline to baseline/${source}/ again)`);
    }
  }

  /** Loads a model version, from memory when this process loaded it before. */
  async load(source: string, modelId: string): Promise<Model> {
    const cached = this.cache.get(modelId);
    if (cached) return cached;
    const key = modelKey(source, modelId);
    const text = await this.objects.getText(key);
    if (text === undefined) throw new ModelError(`model ${modelId} of source "${source}" is missing (${this.where(key)}): train it again (in the cloud: upload the baseline to baseline/${source}/ again)`);
    const model = parseModel(text, this.where(key));
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(modelId, model);
    return model;
  }

  /** True when this process holds the model in memory (for tests and metrics). */
  isCached(modelId: string): boolean {
    return this.cache.has(modelId);
  }

  async save(source: string, model: Model): Promise<string> {
    const key = modelKey(source, model.id);
    await this.objects.put(key, JSON.stringify(modelToJSON(model)), 'application/json');
    this.cache.set(model.id, model);
    return key;
  }

  async setCurrent(source: string, pointer: CurrentModel): Promise<void> {
    await this.objects.put(currentModelKey(source), JSON.stringify(pointer), 'application/json');
  }

  /** The sources that have a `current` pointer, sorted. */
  async sources(): Promise<string[]> {
    const pointers = await this.objects.list(MODELS_PREFIX);
    return pointers.map((o) => o.key.slice(MODELS_PREFIX.length).split('/')).filter((parts) => parts.length === 2 && parts[1] === 'current').map((parts) => parts[0]!);
  }

  /** Where a key is, for messages: `s3://bucket/key`, or the file under the model directory. */
  private where(key: string): string {
    return `${this.objects.location}/${key}`;
  }
}

/** A model from the text of a `model.json`; `where` names it in the ModelError when it is not one. */
export function parseModel(text: string, where: string): Model {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelError(`${where} is not valid JSON (damaged, or not a model): train the model again`);
  }
  try {
    return modelFromJSON(json);
  } catch (error) {
    if (error instanceof ModelError) throw new ModelError(`${where}: ${error.message}`);
    throw error;
  }
}
