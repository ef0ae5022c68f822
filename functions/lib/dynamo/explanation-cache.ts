/**
 * {@link ExplanationCache} on the results table: one item per signature, overwritten by newer
 * explanations. A claim lives on the same item (claimOwner, claimUntil), set by a conditional
 * update that keeps any older explanation there; storing the new explanation replaces the whole
 * item, claim included.
 */
import type { CachedExplanation, ExplanationCache } from '../../../shared/ports.ts';
import { cachedExplanationKey, plain, strip } from './keys.ts';
import type { ResultTable } from './table.ts';

const CLAIM_ATTRIBUTES = ['claimOwner', 'claimUntil'];

export class DynamoExplanationCache implements ExplanationCache {
  constructor(private readonly table: ResultTable) {}

  async getCachedExplanation(signature: string, notBefore: number): Promise<CachedExplanation | undefined> {
    // Strongly consistent: a group handed back because of a claim must see the explanation stored since.
    const item = await this.table.get(cachedExplanationKey(signature), true);
    // dynalite has no TTL and DynamoDB's is late: the window is checked here.
    if (!item || typeof item.explainedAt !== 'number' || item.explainedAt < notBefore) return undefined;
    const entry = strip(item);
    for (const name of CLAIM_ATTRIBUTES) delete entry[name];
    return entry as unknown as CachedExplanation;
  }

  async cacheExplanation(entry: CachedExplanation, expiresAt: number): Promise<void> {
    await this.table.put({ ...cachedExplanationKey(entry.signature), entity: 'explanation-cache', expiresAt: Math.ceil(expiresAt / 1000), ...plain(entry) });
  }

  async claimSignature(signature: string, owner: string, now: number, until: number): Promise<boolean> {
    return this.table.update({
      Key: cachedExplanationKey(signature),
      // The TTL of a claim-only item (its holder died before storing anything): kept when an explanation is there.
      UpdateExpression: 'SET claimOwner = :owner, claimUntil = :until, entity = if_not_exists(entity, :entity), expiresAt = if_not_exists(expiresAt, :expires)',
      ConditionExpression: 'attribute_not_exists(claimUntil) OR claimUntil <= :now OR claimOwner = :owner',
      ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now, ':entity': 'explanation-cache', ':expires': Math.ceil(until / 1000) + 86_400 },
    });
  }

  async releaseSignature(signature: string, owner: string): Promise<void> {
    await this.table.update({
      Key: cachedExplanationKey(signature),
      UpdateExpression: 'REMOVE claimOwner, claimUntil',
      ConditionExpression: 'claimOwner = :owner',
      ExpressionAttributeValues: { ':owner': owner },
    });
  }
}
