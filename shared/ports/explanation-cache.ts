/** Recent explanations kept by signature, so that a group like one explained lately reuses its explanation. */
import type { Explanation } from '../detect/types.ts';
import type { ShapePosition } from '../explain/signature.ts';

/** An explanation kept for reuse by anomalies with the same signature (see shared/explain/signature.ts). */
export interface CachedExplanation {
  signature: string;
  explanation: Explanation;
  /** The evidence as positions in the context's shape, to map onto another context of the same shape. */
  evidence: ShapePosition[];
  runId: string;
  anomalyId: string;
  /** Epoch ms. */
  explainedAt: number;
}

/** Recent explanations by signature (DynamoDB items with a TTL). */
export interface ExplanationCache {
  /** The explanation cached for `signature` at or after `notBefore` (epoch ms), if any. */
  getCachedExplanation(signature: string, notBefore: number): Promise<CachedExplanation | undefined>;
  /** Keeps `entry` (replacing an older one) until `expiresAt` (epoch ms). */
  cacheExplanation(entry: CachedExplanation, expiresAt: number): Promise<void>;
}
