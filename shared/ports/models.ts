/**
 * The record of trained models (which source, when, from what): written by training and the nightly
 * roll-forward, listed by the results API. The model artifacts themselves are the ModelStore's
 * (shared/model/model-store.ts).
 */

/** A model as listed: which source it is for, and where and when it came from. */
export interface ModelRecord {
  source: string;
  modelId: string;
  /** Epoch ms of the first training that produced this model id. */
  trainedAt: number;
  /** The object key the model artifact is stored under. */
  artifactKey: string;
  /** The baseline objects it was trained from. */
  trainedFrom: { key: string; etag: string }[];
  records: number;
  sessions: number;
  templates: number;
}

/** The read half: what the results API needs. */
export interface ModelCatalog {
  /** Models of a source, newest first. */
  listModels(source: string): Promise<ModelRecord[]>;
}

/** The catalog and its writer. */
export interface ModelRegistry extends ModelCatalog {
  /** Records a model; recording the same model id again keeps the first record (its first training time). */
  recordModel(model: ModelRecord): Promise<void>;
}
