/**
 * The library's default run id, when the caller gives none: the CLI's ({@link runIdOf}), so the same
 * files, model and options give the same anomaly ids from the library and from `logsleuth analyze`.
 */
import { contentId } from '../cli/adapters/content-id.ts';
import { runIdOf, type RunIdParts } from '../cli/run-id.ts';
import type { InputObject } from '../shared/ingest/index.ts';

export type { RunIdParts } from '../cli/run-id.ts';

export async function runIdFor(modelId: string, parts: RunIdParts, inputs: readonly InputObject[]): Promise<string> {
  return runIdOf(modelId, parts, await contentId(inputs));
}
