/** {@link ExplanationCache} on the results table: one item per signature, overwritten by newer explanations. */
import type { CachedExplanation, ExplanationCache } from '../../../shared/ports.ts';
import { cachedExplanationKey, plain, strip } from './keys.ts';
import type { ResultTable } from './table.ts';

export class DynamoExplanationCache implements ExplanationCache {
  constructor(private readonly table: ResultTable) {}

  async getCachedExplanation(signature: string, notBefore: number): Promise<CachedExplanation | undefined> {
    const item = await this.table.get(cachedExplanationKey(signature));
    // dynalite has no TTL and DynamoDB's is late: the window is checked here.
    if (!item || typeof item.explainedAt !== 'number' || item.explainedAt < notBefore) return undefined;
    return strip(item) as unknown as CachedExplanation;
  }

  async cacheExplanation(entry: CachedExplanation, expiresAt: number): Promise<void> {
    await this.table.put({ ...cachedExplanationKey(entry.signature), entity: 'explanation-cache', expiresAt: Math.ceil(expiresAt / 1000), ...plain(entry) });
  }
}
