/**
 * The results table as the per-entity adapters use it: one DynamoDB table through
 * `@aws-sdk/lib-dynamodb`, working against DynamoDB and dynalite alike. It owns what every entity
 * shares: retention (items dated by their run, expired ones hidden on read since dynalite has no TTL
 * and DynamoDB's is late), conditional writes, batch writes with retries, paged queries with their
 * page tokens, and the spill of attributes that would push an item past DynamoDB's 400 KB to the object
 * store (see {@link itemBytes} and {@link ResultTable.spill}).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand,
  type BatchWriteCommandInput, type BatchWriteCommandOutput, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput, type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ContextLog } from '../../../shared/detect/types.ts';
import { InvalidPageToken, type ObjectStore } from '../../../shared/ports.ts';
import { TABLE_KEYS } from '../table-schema.ts';
import { itemBytes } from './item-size.ts';
import type { Item } from './keys.ts';

export interface ResultTableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Where the large attributes of oversized items go. Without it an oversized item is an error. */
  overflow?: ObjectStore;
  /** Runs, anomalies and sessions expire this many days after the run started (default 90; 0 = never). */
  retentionDays?: number;
  /** Clock for filtering expired items (default Date.now). */
  now?: () => number;
}

/**
 * Items measured (as DynamoDB does, {@link itemBytes}) above this move their largest attributes out.
 * DynamoDB's hard limit is 400 KB (409,600 bytes); the rest is left for an explainer verdict, which
 * is added to an anomaly item later (at most {@link MAX_VERDICT_INLINE_BYTES} inline).
 */
export const MAX_INLINE_BYTES = 300_000;
/** A verdict's own attributes above this go to the object store (300,000 + 65,536 + bookkeeping < 409,600). */
export const MAX_VERDICT_INLINE_BYTES = 65_536;
/**
 * Attributes that stay in the item whatever their size: keys (the table's and the GSIs'), what
 * conditions, filters and projections name, and the pointers themselves. All are small by construction.
 */
const PINNED = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt', 'entity', 'id', 'runId', 'type', 'score', 'status', 'explainStatus', 'explainedAt', 'spillKey', 'verdictKey', 'logsKey', 'logsInSession']);
/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;
/** Attempts at a batch's unprocessed writes before giving up as throttled. */
const BATCH_ATTEMPTS = 8;

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];
type QueryInput = Omit<QueryCommandInput, 'TableName'>;

export class ResultTable {
  private readonly client: DynamoDBDocumentClient;
  private readonly name: string;
  private readonly overflow?: ObjectStore;
  private readonly retentionDays: number;
  private readonly now: () => number;

  constructor(options: ResultTableOptions) {
    this.client = options.client;
    this.name = options.tableName;
    if (options.overflow) this.overflow = options.overflow;
    this.retentionDays = options.retentionDays ?? 90;
    this.now = options.now ?? Date.now;
  }

  /** The `expiresAt` of an item of a run started at `startedAt` (none when kept forever). */
  ttl(run: { startedAt: number }): { expiresAt?: number } {
    return this.retentionDays > 0 ? { expiresAt: Math.floor(run.startedAt / 1000) + this.retentionDays * 86_400 } : {};
  }

  expired(item: Item): boolean {
    return typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= this.now();
  }

  /** The item under `key`, expired or not (see {@link getLive}). */
  async get(key: Item, consistent = false): Promise<Item | undefined> {
    const { Item: item } = await this.client.send(new GetCommand({ TableName: this.name, Key: key, ...(consistent && { ConsistentRead: true }) }));
    return item;
  }

  /** The item under `key` unless it is missing or expired. */
  async getLive(key: Item, consistent = false): Promise<Item | undefined> {
    const item = await this.get(key, consistent);
    return item && !this.expired(item) ? item : undefined;
  }

  /** Writes `item`; with `condition`, only when it holds (returns false, changing nothing, when not). */
  async put(item: Item, condition?: string): Promise<boolean> {
    return this.conditionally(() => this.client.send(new PutCommand({ TableName: this.name, Item: item, ...(condition && { ConditionExpression: condition }) })));
  }

  /** An UpdateItem; false when its condition did not hold (nothing changed). */
  async update(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    return this.conditionally(() => this.client.send(new UpdateCommand({ ...input, TableName: this.name })));
  }

  /** An UpdateItem whose failed condition is an error (e.g. the item must exist). */
  async updateOrThrow(input: Omit<UpdateCommandInput, 'TableName'>): Promise<void> {
    await this.client.send(new UpdateCommand({ ...input, TableName: this.name }));
  }

  /** Writes every item, 25 per request, retrying what DynamoDB left unprocessed with backoff. */
  async batchPut(items: Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      let requests: WriteRequests | undefined = items.slice(i, i + BATCH_SIZE).map((entry) => ({ PutRequest: { Item: entry } }));
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw Object.assign(new Error(`DynamoDB left ${requests.length} writes unprocessed after ${attempt} attempts`), { name: 'ThrottlingException' });
        if (attempt > 0) await sleep(50 * 2 ** attempt);
        const output: BatchWriteCommandOutput = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } }));
        requests = output.UnprocessedItems?.[this.name];
      }
    }
  }

  /** Every live item the query matches, up to `limit`. */
  async query(input: QueryInput, limit = Infinity): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.name, ...(start && { ExclusiveStartKey: start }) }));
      for (const item of page.Items ?? []) if (!this.expired(item)) items.push(item);
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  }

  /**
   * One page of live items. The token is the page's LastEvaluatedKey as base64url JSON; a token is
   * accepted only when it is exactly a key of this index and partition (`expected`), so an edited or
   * foreign token is an {@link InvalidPageToken}, never a DynamoDB error.
   */
  async queryPage(input: Omit<QueryInput, 'Limit' | 'ExclusiveStartKey'>, limit: number, after: string | undefined, expected: Record<string, string>): Promise<{ items: Item[]; next?: string }> {
    let start: Item | undefined = after !== undefined ? decodePageToken(after, input.IndexName, expected) : undefined;
    const items: Item[] = [];
    // Expired items are filtered out, so a page may need more than one Query to fill.
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.name, Limit: limit - items.length, ...(start && { ExclusiveStartKey: start }) }));
      for (const item of page.Items ?? []) if (!this.expired(item)) items.push(item);
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, ...(start && { next: Buffer.from(JSON.stringify(start)).toString('base64url') }) };
  }

  /** Every live item of a whole-table Scan: for small tables only. */
  async scan(input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ ...input, TableName: this.name, ...(start && { ExclusiveStartKey: start }) }));
      for (const item of page.Items ?? []) if (!this.expired(item)) items.push(item);
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * `item` as it can be stored: unchanged when it measures at most {@link MAX_INLINE_BYTES}, else
   * with its largest attributes (never the {@link PINNED} ones, so keys and GSIs keep working) moved,
   * as one JSON object, to the object store under `key`, which the item names in `spillKey`.
   * {@link unspill} puts them back.
   */
  async spill(item: Item, key: string): Promise<Item> {
    if (itemBytes(item) <= MAX_INLINE_BYTES) return item;
    if (!this.overflow) throw new Error(`item ${String(item.SK)} of ${String(item.PK)} is over ${MAX_INLINE_BYTES} bytes and no overflow object store is configured`);
    const slim: Item = { ...item, spillKey: key };
    const moved: Item = {};
    // Attribute sizes add up (names included), so the slim item's size is kept as a running total.
    const sizes = new Map(Object.keys(item).filter((name) => !PINNED.has(name)).map((name) => [name, itemBytes({ [name]: item[name] })]));
    let size = itemBytes(slim);
    for (const [name, bytes] of [...sizes].sort((a, b) => b[1] - a[1])) {
      if (size <= MAX_INLINE_BYTES) break;
      moved[name] = slim[name];
      delete slim[name];
      size -= bytes;
    }
    await this.overflow.put(key, JSON.stringify(moved), 'application/json');
    return slim;
  }

  /**
   * `item` whole again: the attributes {@link spill} moved out (`spillKey`), those an adapter moved out
   * by itself (`verdictKey`, an explainer verdict), and the record list items of earlier versions moved
   * out (`logsKey`).
   */
  async unspill(item: Item): Promise<Item> {
    let whole = item;
    for (const pointer of ['spillKey', 'verdictKey']) {
      const key = item[pointer];
      if (typeof key === 'string') whole = { ...whole, ...(await this.loadJson(key) as Item) };
    }
    if (typeof item.logsKey === 'string') {
      const logs = await this.loadJson(item.logsKey) as ContextLog[];
      whole = 'logs' in whole ? { ...whole, logs } : { ...whole, context: { ...(whole.context as object), logs } };
    }
    return whole;
  }

  /** An object {@link spill} (or an adapter, through {@link putJson}) wrote. */
  private async loadJson(key: string): Promise<unknown> {
    const text = await this.overflow?.getText(key);
    if (text === undefined) throw new Error(`the attributes at ${key} are missing from the object store`);
    return JSON.parse(text) as unknown;
  }

  /** Writes a large attribute value to the object store (an adapter's own spill, e.g. an explainer verdict). */
  async putJson(key: string, value: unknown): Promise<void> {
    if (!this.overflow) throw new Error(`${key} is over the inline limit and no overflow object store is configured`);
    await this.overflow.put(key, JSON.stringify(value), 'application/json');
  }

  /** Runs a conditional write: true when it happened, false when its condition did not hold. */
  private async conditionally(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** The key a page token stands for, when it is one this index and partition could have produced. */
function decodePageToken(token: string, index: string | undefined, expected: Record<string, string>): Record<string, string> {
  const gsi = [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2].find((g) => g.name === index);
  const names = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...(gsi ? [gsi.partitionKey, gsi.sortKey] : [])].sort();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageToken('the page token is not one this listing produced');
  }
  const valid = typeof key === 'object' && key !== null && !Array.isArray(key)
    && JSON.stringify(Object.keys(key).sort()) === JSON.stringify(names)
    && Object.values(key).every((v) => typeof v === 'string' && v.length > 0 && v.length <= 1024)
    && Object.entries(expected).every(([name, value]) => (key as Record<string, unknown>)[name] === value);
  if (!valid) throw new InvalidPageToken('the page token is not one this listing produced');
  return key as Record<string, string>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
