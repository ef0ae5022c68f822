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

/**
 * Recent explanations by signature (DynamoDB items with a TTL), and the claims that let only one
 * invocation at a time ask the model about a signature (the others reuse its answer afterwards).
 */
export interface ExplanationCache {
  /** The explanation cached for `signature` at or after `notBefore` (epoch ms), if any. */
  getCachedExplanation(signature: string, notBefore: number): Promise<CachedExplanation | undefined>;
  /** Keeps `entry` (replacing an older one, and any claim on its signature) until `expiresAt` (epoch ms). */
  cacheExplanation(entry: CachedExplanation, expiresAt: number): Promise<void>;
  /**
   * Claims `signature` for `owner` until `until` (epoch ms) with a conditional write: true when it
   * was free, expired at `now`, or already `owner`'s; false while someone else holds it.
   */
  claimSignature(signature: string, owner: string, now: number, until: number): Promise<boolean>;
  /** Gives up `owner`'s claim (no-op when the claim is someone else's or gone), so others need not wait for its expiry. */
  releaseSignature(signature: string, owner: string): Promise<void>;
}
