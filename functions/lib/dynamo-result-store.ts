/**
 * {@link ResultStore} on one DynamoDB table through `@aws-sdk/lib-dynamodb` (single-table design in
 * docs/data-model.md). Works against DynamoDB and dynalite alike: no transactions (ordered
 * conditional writes instead), no reliance on TTL having deleted anything (expired items are
 * filtered on read). Session or context records that would push an item past DynamoDB's 400 KB
 * go to the object store and the item points at them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand, GetCommand, type BatchWriteCommandInput, type BatchWriteCommandOutput, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Anomaly, AnomalyType, ContextLog } from '../../shared/detect/types.ts';
import type {
  DailyDigest, DigestAnomaly, ModelRecord, ObjectStore, Page, ResultStore, RunCounts, RunRecord, RunRef, SessionRecord,
} from '../../shared/ports.ts';
import { InvalidPageToken } from '../../shared/ports.ts';
import type { CachedExplanation, ExplanationCache, ExplanationVerdict } from '../../shared/ports.ts';
import { stableId } from '../../shared/hash.ts';
import { sessionLogsKey } from '../../shared/pipeline/stages/layout.ts';
import { TABLE_KEYS } from './table-schema.ts';

export interface DynamoResultStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Where oversized record lists go. Without it an oversized item is an error. */
  overflow?: ObjectStore;
  /** Runs, anomalies and sessions expire this many days after the run started (default 90; 0 = never). */
  retentionDays?: number;
  /** Clock for filtering expired items (default Date.now). */
  now?: () => number;
}

/** Items above this (estimated as JSON bytes) move their record list out; DynamoDB's hard limit is 400 KB. */
export const MAX_INLINE_BYTES = 300_000;
const ANOMALY_TYPES: AnomalyType[] = ['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER'];
const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt', 'entity', 'logsKey', 'runIds'];

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

const runPk = (runId: string) => `RUN#${runId}`;

/** Sort keys hold at most 1024 bytes, and a session id is whatever the log says (one of 2 KB was seen). */
const MAX_SESSION_SK_BYTES = 512;

/**
 * A session's sort key: `SESSION#<id>`, or `SESSION#~<hash of the id>` when that would be longer than
 * {@link MAX_SESSION_SK_BYTES}. The id itself is always kept in the item's `sessionId`, so reads by id
 * work either way and ids that fit keep the keys they always had.
 */
function sessionSk(sessionId: string): string {
  const key = `SESSION#${sessionId}`;
  return Buffer.byteLength(key) <= MAX_SESSION_SK_BYTES ? key : `SESSION#~${stableId('h', sessionId)}`;
}
/** Sorts ascending = highest score first; the id breaks ties deterministically. */
const scoreKey = (score: number, id: string) => `${String(1000 - Math.round(score * 1000)).padStart(4, '0')}#${id}`;
const isoTime = (ms: number) => new Date(ms).toISOString();

export class DynamoResultStore implements ResultStore, ExplanationCache {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly overflow?: ObjectStore;
  private readonly retentionDays: number;
  private readonly now: () => number;

  constructor(options: DynamoResultStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    if (options.overflow) this.overflow = options.overflow;
    this.retentionDays = options.retentionDays ?? 90;
    this.now = options.now ?? Date.now;
  }

  async startRun(start: Omit<RunRecord, 'status'>): Promise<{ run: RunRecord; created: boolean }> {
    const run: RunRecord = { ...start, status: 'RUNNING' };
    try {
      await this.client.send(new PutCommand({
        TableName: this.table,
        Item: { ...this.runKeys(run), entity: 'run', ...plain(run) },
        // The idempotency gate: the first delivery creates the run, later ones find it.
        ConditionExpression: 'attribute_not_exists(PK)',
      }));
      return { run, created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.getRun(start.runId, true);
    if (!existing) throw new Error(`run ${start.runId} exists but cannot be read back`);
    return { run: existing, created: false };
  }

  async getRun(runId: string, consistent = false): Promise<RunRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { PK: runPk(runId), SK: 'RUN' }, ConsistentRead: consistent }));
    return Item && !this.expired(Item) ? (strip(Item) as unknown as RunRecord) : undefined;
  }

  async noteContinuation(runId: string): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.table, Key: { PK: runPk(runId), SK: 'RUN' },
      UpdateExpression: 'ADD continuations :one', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':one': 1 },
    }));
  }

  async putSessions(run: RunRef, sessions: SessionRecord[]): Promise<void> {
    const items: Record<string, unknown>[] = [];
    for (const session of sessions) {
      const item: Record<string, unknown> = { PK: runPk(run.runId), SK: sessionSk(session.sessionId), entity: 'session', ...this.ttl(run), ...plain(session) };
      items.push(await this.spill(item, sessionLogsKey(run.runId, session.sessionId)));
    }
    await this.batchPut(items);
  }

  async putAnomalies(run: RunRef, anomalies: Anomaly[]): Promise<void> {
    const items: Record<string, unknown>[] = [];
    for (const anomaly of anomalies) {
      // A FULL_SESSION anomaly's records are its session's: stored once, in the session item.
      const inSession = anomaly.context.contextType === 'FULL_SESSION' && anomaly.context.sessionId !== undefined;
      const stored = inSession ? { ...anomaly, context: { ...anomaly.context, logs: [] } } : anomaly;
      const item: Record<string, unknown> = {
        PK: runPk(run.runId), SK: `ANOMALY#${anomaly.id}`, entity: 'anomaly',
        GSI1PK: `${runPk(run.runId)}#ANOMALIES`, GSI1SK: scoreKey(anomaly.score, anomaly.id),
        GSI2PK: `${runPk(run.runId)}#TYPE#${anomaly.type}`, GSI2SK: scoreKey(anomaly.score, anomaly.id),
        ...this.ttl(run), ...plain(stored), ...(inSession && { logsInSession: true }),
      };
      items.push(await this.spill(item, `contexts/${run.runId}/${anomaly.id}.json`));
    }
    await this.batchPut(items);
  }

  async markExplainQueued(runId: string): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.table, Key: { PK: runPk(runId), SK: 'RUN' },
      UpdateExpression: 'SET explainQueued = :yes', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':yes': true },
    }));
  }

  async finishRun(run: RunRef, finishedAt: number, counts: RunCounts, problems: string[]): Promise<boolean> {
    // Digest first, guarded by the run id, then the status: a crash in between leaves the run RUNNING,
    // its redelivery repeats both, and the digest's guard keeps the count exact.
    await this.countInDigest(run, { runs: 1, records: counts.records, anomalies: counts.anomalies, byType: counts.byType });
    return this.transition(run.runId, 'DONE', { finishedAt, counts, problems });
  }

  async failRun(run: Omit<RunRecord, 'status'>, reason: string, finishedAt: number): Promise<boolean> {
    await this.countInDigest(run, { runs: 1, failedRuns: 1 });
    return this.transition(run.runId, 'FAILED', { finishedAt, reason });
  }

  async listRuns(source: string, query: { from?: number; to?: number; limit?: number } = {}): Promise<RunRecord[]> {
    const from = query.from !== undefined ? isoTime(query.from) : '0';
    const to = query.to !== undefined ? `${isoTime(query.to)}~` : '~';
    const items = await this.query({
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `SOURCE#${source}#RUNS`, ':from': from, ':to': to },
      ScanIndexForward: false,
    }, query.limit);
    return items.map((item) => strip(item) as unknown as RunRecord);
  }

  /**
   * The sources that have runs, sorted. A Scan of the whole table: meant for small tables (the CLI's
   * embedded store, where `logsleuth runs` lists every source); in the cloud, ask for a source.
   */
  async listSources(): Promise<string[]> {
    const sources = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({
        TableName: this.table, FilterExpression: 'SK = :run', ProjectionExpression: '#source, expiresAt',
        ExpressionAttributeNames: { '#source': 'source' }, ExpressionAttributeValues: { ':run': 'RUN' }, ...(start && { ExclusiveStartKey: start }),
      }));
      for (const item of page.Items ?? []) if (!this.expired(item) && typeof item.source === 'string') sources.add(item.source);
      start = page.LastEvaluatedKey;
    } while (start);
    return [...sources].sort();
  }

  async listAnomalies(runId: string, query: { type?: AnomalyType; limit?: number } = {}): Promise<Anomaly[]> {
    const items = query.type
      ? await this.query({ IndexName: TABLE_KEYS.gsi2.name, KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': `${runPk(runId)}#TYPE#${query.type}` } }, query.limit)
      : await this.query({ IndexName: TABLE_KEYS.gsi1.name, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': `${runPk(runId)}#ANOMALIES` } }, query.limit);
    return items.map(toAnomaly);
  }

  async getAnomaly(runId: string, anomalyId: string): Promise<Anomaly | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { PK: runPk(runId), SK: `ANOMALY#${anomalyId}` } }));
    if (!Item || this.expired(Item)) return undefined;
    const anomaly = toAnomaly(Item);
    if (Item.logsKey) anomaly.context.logs = await this.loadLogs(String(Item.logsKey));
    if (Item.logsInSession && anomaly.context.sessionId !== undefined) {
      const session = await this.getSession(runId, anomaly.context.sessionId);
      if (session) anomaly.context.logs = session.logs;
    }
    return anomaly;
  }

  async getSession(runId: string, sessionId: string): Promise<SessionRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { PK: runPk(runId), SK: sessionSk(sessionId) } }));
    // A hashed key names its id in the item: a different id under the same hash is not this session.
    if (!Item || this.expired(Item) || Item.sessionId !== sessionId) return undefined;
    const session = strip(Item) as unknown as SessionRecord;
    if (Item.logsKey) session.logs = await this.loadLogs(String(Item.logsKey));
    return session;
  }

  async recordExplanation(runId: string, anomalyId: string, verdict: ExplanationVerdict): Promise<boolean> {
    const explained = verdict.status === 'EXPLAINED';
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.table, Key: { PK: runPk(runId), SK: `ANOMALY#${anomalyId}` },
        UpdateExpression: explained
          ? 'SET explainStatus = :status, explanation = :explanation, explainedAt = :at REMOVE explainReason'
          : 'SET explainStatus = :status, explainReason = :reason, explainedAt = :at',
        // EXPLAINED is final (a duplicate delivery must not overwrite it, least of all with a failure);
        // EXPLAIN_FAILED may still become EXPLAINED when the message is driven again by hand.
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(explainStatus) OR explainStatus <> :explained)',
        ExpressionAttributeValues: {
          ':status': verdict.status, ':at': verdict.at, ':explained': 'EXPLAINED',
          ...(explained ? { ':explanation': plain(verdict.explanation) } : { ':reason': verdict.reason }),
        },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getCachedExplanation(signature: string, notBefore: number): Promise<CachedExplanation | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { PK: `EXPLAIN#${signature}`, SK: 'CACHE' } }));
    // dynalite has no TTL and DynamoDB's is late: the window is checked here.
    if (!Item || typeof Item.explainedAt !== 'number' || Item.explainedAt < notBefore) return undefined;
    return strip(Item) as unknown as CachedExplanation;
  }

  async cacheExplanation(entry: CachedExplanation, expiresAt: number): Promise<void> {
    await this.client.send(new PutCommand({
      TableName: this.table,
      Item: { PK: `EXPLAIN#${entry.signature}`, SK: 'CACHE', entity: 'explanation-cache', expiresAt: Math.ceil(expiresAt / 1000), ...plain(entry) },
    }));
  }

  async recordModel(model: ModelRecord): Promise<void> {
    try {
      await this.client.send(new PutCommand({
        TableName: this.table,
        Item: {
          PK: `SOURCE#${model.source}`, SK: `MODEL#${model.modelId}`, entity: 'model',
          GSI1PK: `SOURCE#${model.source}#MODELS`, GSI1SK: `${isoTime(model.trainedAt)}#${model.modelId}`, ...plain(model),
        },
        // The same baseline trains the same model id: the first training time stays.
        ConditionExpression: 'attribute_not_exists(PK)',
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listModels(source: string): Promise<ModelRecord[]> {
    const items = await this.query({
      IndexName: TABLE_KEYS.gsi1.name, KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': `SOURCE#${source}#MODELS` }, ScanIndexForward: false,
    });
    return items.map((item) => strip(item) as unknown as ModelRecord);
  }

  async getDigest(day: string, source: string): Promise<DailyDigest | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { PK: `DIGEST#${day}`, SK: `SOURCE#${source}` } }));
    return Item ? toDigest(Item) : undefined;
  }

  async listDigests(day: string): Promise<DailyDigest[]> {
    const items = await this.query({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `DIGEST#${day}` } });
    return items.map(toDigest);
  }

  async pageRuns(source: string, query: { limit: number; after?: string; from?: number; to?: number }): Promise<Page<RunRecord>> {
    const pk = `SOURCE#${source}#RUNS`;
    const page = await this.queryPage({
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': query.from !== undefined ? isoTime(query.from) : '0', ':to': query.to !== undefined ? `${isoTime(query.to)}~` : '~' },
      ScanIndexForward: false,
    }, query.limit, query.after, { GSI1PK: pk });
    return { items: page.items.map((item) => strip(item) as unknown as RunRecord), ...(page.next && { next: page.next }) };
  }

  async pageAnomalies(runId: string, query: { limit: number; after?: string; type?: AnomalyType; minScore?: number }): Promise<Page<Anomaly>> {
    const gsi = query.type ? TABLE_KEYS.gsi2 : TABLE_KEYS.gsi1;
    const pk = query.type ? `${runPk(runId)}#TYPE#${query.type}` : `${runPk(runId)}#ANOMALIES`;
    // Score keys sort ascending from the best; "score >= min" is "key below the first key of the next lower score".
    const bound = query.minScore !== undefined ? String(1000 - Math.round(query.minScore * 1000) + 1).padStart(4, '0') : undefined;
    const page = await this.queryPage({
      IndexName: gsi.name,
      KeyConditionExpression: `${gsi.partitionKey} = :pk${bound ? ` AND ${gsi.sortKey} < :bound` : ''}`,
      ExpressionAttributeValues: { ':pk': pk, ...(bound && { ':bound': bound }) },
    }, query.limit, query.after, { [gsi.partitionKey]: pk });
    return { items: page.items.map(toAnomaly), ...(page.next && { next: page.next }) };
  }

  async putDigestHighlights(day: string, source: string, highlights: { top: DigestAnomaly[]; reportKey: string }): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.table, Key: { PK: `DIGEST#${day}`, SK: `SOURCE#${source}` },
      UpdateExpression: 'SET #source = :source, #day = :day, #top = :top, reportKey = :reportKey',
      ExpressionAttributeNames: { '#source': 'source', '#day': 'day', '#top': 'top' },
      ExpressionAttributeValues: { ':source': source, ':day': day, ':top': plain(highlights.top), ':reportKey': highlights.reportKey },
    }));
  }

  /**
   * One Query page. The token is the page's LastEvaluatedKey as base64url JSON; a token is accepted
   * only when it is exactly a key of this index and partition (`expected`), so an edited or foreign
   * token is an {@link InvalidPageToken}, never a DynamoDB error.
   */
  private async queryPage(input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>, limit: number, after: string | undefined, expected: Record<string, string>): Promise<{ items: Record<string, unknown>[]; next?: string }> {
    let start = after !== undefined ? decodePageToken(after, input.IndexName, expected) : undefined;
    const items: Record<string, unknown>[] = [];
    // Expired items are filtered out, so a page may need more than one Query to fill.
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.table, Limit: limit - items.length, ...(start && { ExclusiveStartKey: start }) }));
      for (const item of page.Items ?? []) if (!this.expired(item)) items.push(item);
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, ...(start && { next: Buffer.from(JSON.stringify(start)).toString('base64url') }) };
  }

  private runKeys(run: RunRecord) {
    return { PK: runPk(run.runId), SK: 'RUN', GSI1PK: `SOURCE#${run.source}#RUNS`, GSI1SK: `${isoTime(run.startedAt)}#${run.runId}`, ...this.ttl(run) };
  }

  private ttl(run: { startedAt: number }): { expiresAt?: number } {
    return this.retentionDays > 0 ? { expiresAt: Math.floor(run.startedAt / 1000) + this.retentionDays * 86_400 } : {};
  }

  private expired(item: Record<string, unknown>): boolean {
    return typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= this.now();
  }

  /** RUNNING → DONE/FAILED, once: a second finisher's conditional update fails and changes nothing. */
  private async transition(runId: string, status: 'DONE' | 'FAILED', fields: Record<string, unknown>): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':status': status, ':running': 'RUNNING' };
    const sets = ['#status = :status'];
    for (const [name, value] of Object.entries(plain(fields))) {
      names[`#${name}`] = name;
      values[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.table, Key: { PK: runPk(runId), SK: 'RUN' },
        UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: '#status = :running',
        ExpressionAttributeNames: names, ExpressionAttributeValues: values,
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Adds a run's figures to its day's digest at most once: the digest keeps the ids of the runs it
   * counted and the update is conditional on this run not being one of them.
   * (A string set: about 16 000 runs per source and day fit in one item.)
   */
  private async countInDigest(run: RunRef, add: { runs: number; failedRuns?: number; records?: number; anomalies?: number; byType?: Record<AnomalyType, number> }): Promise<void> {
    const values: Record<string, unknown> = { ':run': run.runId, ':runIds': new Set([run.runId]), ':source': run.source, ':day': isoTime(run.startedAt).slice(0, 10) };
    const adds = ['runIds :runIds'];
    const counters: Record<string, number | undefined> = { runs: add.runs, failedRuns: add.failedRuns, records: add.records, anomalies: add.anomalies };
    for (const type of ANOMALY_TYPES) counters[`type_${type}`] = add.byType?.[type];
    for (const [name, value] of Object.entries(counters)) {
      if (!value) continue;
      values[`:add_${name}`] = value;
      adds.push(`${name} :add_${name}`);
    }
    try {
      await this.client.send(new UpdateCommand({
        TableName: this.table, Key: { PK: `DIGEST#${isoTime(run.startedAt).slice(0, 10)}`, SK: `SOURCE#${run.source}` },
        UpdateExpression: `SET #source = :source, #day = :day ADD ${adds.join(', ')}`,
        ConditionExpression: 'attribute_not_exists(runIds) OR NOT contains(runIds, :run)',
        ExpressionAttributeNames: { '#source': 'source', '#day': 'day' },
        ExpressionAttributeValues: values,
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Moves the item's `logs` to the object store when the item would be too big. */
  private async spill(item: Record<string, unknown>, key: string): Promise<Record<string, unknown>> {
    const context = item.context as { logs?: ContextLog[] } | undefined;
    const logs = (item.logs ?? context?.logs) as ContextLog[] | undefined;
    if (!logs || Buffer.byteLength(JSON.stringify(item)) <= MAX_INLINE_BYTES) return item;
    if (!this.overflow) throw new Error(`item ${String(item.SK)} of ${String(item.PK)} is over ${MAX_INLINE_BYTES} bytes and no overflow object store is configured`);
    await this.overflow.put(key, JSON.stringify(logs), 'application/json');
    const slim: Record<string, unknown> = { ...item, logsKey: key };
    if ('logs' in item) slim.logs = [];
    else slim.context = { ...context, logs: [] };
    return slim;
  }

  private async loadLogs(key: string): Promise<ContextLog[]> {
    const text = await this.overflow?.getText(key);
    if (text === undefined) throw new Error(`the records at ${key} are missing from the object store`);
    return JSON.parse(text) as ContextLog[];
  }

  private async batchPut(items: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let requests: WriteRequests | undefined =
        items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt >= 8) throw Object.assign(new Error(`DynamoDB left ${requests.length} writes unprocessed after ${attempt} attempts`), { name: 'ThrottlingException' });
        if (attempt > 0) await sleep(50 * 2 ** attempt);
        const output: BatchWriteCommandOutput = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = output.UnprocessedItems?.[this.table];
      }
    }
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>, limit = Infinity): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, TableName: this.table, ...(start && { ExclusiveStartKey: start }) }));
      for (const item of page.Items ?? []) if (!this.expired(item)) items.push(item);
      start = page.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  }
}

/** Drops undefined values (DynamoDB rejects them) by a JSON round trip: stored items equal what JSON would say. */
function plain<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...item };
  for (const name of KEY_ATTRIBUTES) delete rest[name];
  delete rest.logsInSession;
  return rest;
}

function toAnomaly(item: Record<string, unknown>): Anomaly {
  return strip(item) as unknown as Anomaly;
}

function toDigest(item: Record<string, unknown>): DailyDigest {
  const byType: Partial<Record<AnomalyType, number>> = {};
  for (const type of ANOMALY_TYPES) if (typeof item[`type_${type}`] === 'number') byType[type] = item[`type_${type}`] as number;
  return {
    day: String(item.day), source: String(item.source), runs: Number(item.runs ?? 0), failedRuns: Number(item.failedRuns ?? 0),
    records: Number(item.records ?? 0), anomalies: Number(item.anomalies ?? 0), byType,
    ...(Array.isArray(item.top) && { top: item.top as DigestAnomaly[] }),
    ...(typeof item.reportKey === 'string' && { reportKey: item.reportKey }),
  };
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
