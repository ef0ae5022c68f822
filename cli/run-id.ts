/**
 * A detection run's id: the model, the options that change the findings, and the inputs' names and
 * contents ({@link contentId}). The CLI and the library compose it alike, so the same input, model
 * and options give the same run id and anomaly ids wherever they run.
 */
import { stableId } from '../shared/hash.ts';
import type { IngestOptions } from '../shared/ingest/index.ts';

export interface RunIdParts { z: number; maxAnomalies: number; sessionRegex?: RegExp | undefined; ingest: IngestOptions }

export function runIdOf(modelId: string, parts: RunIdParts, inputsId: string): string {
  return stableId('r', modelId, parts.z, parts.maxAnomalies, parts.sessionRegex?.source, JSON.stringify(parts.ingest), inputsId);
}
