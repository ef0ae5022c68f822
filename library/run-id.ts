/**
 * The library's default run id, when the caller gives none: the model, the options that change the
 * findings, and the inputs' names and contents (the CLI's {@link contentId}), so running the same
 * thing again gives the same anomaly ids, and other bytes under the same name give new ones.
 * (To get the very ids of a CLI run, pass that run's `runId`: the CLI composes its own.)
 */
import { contentId } from '../cli/adapters/content-id.ts';
import { stableId } from '../shared/hash.ts';
import type { IngestOptions, InputObject } from '../shared/ingest/index.ts';

export interface RunIdParts { z: number; maxAnomalies: number; sessionRegex?: RegExp | undefined; ingest: IngestOptions }

export async function runIdFor(modelId: string, parts: RunIdParts, inputs: readonly InputObject[]): Promise<string> {
  return stableId('r', 'library', modelId, parts.z, parts.maxAnomalies, parts.sessionRegex?.source, JSON.stringify(parts.ingest), await contentId(inputs));
}
