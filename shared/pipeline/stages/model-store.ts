/**
 * Kept for the Lambda handlers' imports: the model store port and its layout live in
 * shared/model/model-store.ts, the object-store adapter in shared/model/object-model-store.ts.
 * `ModelStore` here is both the port (as a type) and the object-store adapter (as a value), so
 * `new ModelStore(objects)` keeps working; new code imports from shared/model/.
 */
import type { ModelStore as ModelStorePort } from '../../model/model-store.ts';
import { ObjectModelStore } from '../../model/object-model-store.ts';

export type { CurrentModel } from '../../model/model-store.ts';
export { ObjectModelStore };
export type ModelStore = ModelStorePort;
export const ModelStore = ObjectModelStore;
