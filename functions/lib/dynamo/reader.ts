/**
 * {@link ResultReader} on the results table: runs by source (GSI1), a run's anomalies by score
 * (GSI1) or by type and score (GSI2), single items by key. Expired items are never returned, and
 * attributes that were spilled to the object store (listings too), or records kept once in the
 * session, are filled back in.
 */
import type { Anomaly, AnomalyType } from '../../../shared/detect/types.ts';
import type { Page, ResultReader, RunRecord, SessionRecord } from '../../../shared/ports.ts';
import { TABLE_KEYS } from '../table-schema.ts';
import { anomaliesOfTypePk, anomaliesPk, anomalySk, earlierSessionSk, minScoreBound, runKey, runPk, runsOfSourcePk, sessionSk, startedWithin, strip, type Item } from './keys.ts';
import type { ResultTable } from './table.ts';

export class DynamoResultReader implements ResultReader {
  constructor(private readonly table: ResultTable) {}

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const item = await this.table.getLive(runKey(runId));
    return item ? toRun(item) : undefined;
  }

  async listRuns(source: string, query: { from?: number; to?: number; limit?: number } = {}): Promise<RunRecord[]> {
    const { from, to } = startedWithin(query.from, query.to);
    const items = await this.table.query({
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': runsOfSourcePk(source), ':from': from, ':to': to },
      ScanIndexForward: false,
    }, query.limit);
    return items.map(toRun);
  }

  async pageRuns(source: string, query: { limit: number; after?: string; from?: number; to?: number }): Promise<Page<RunRecord>> {
    const pk = runsOfSourcePk(source);
    const { from, to } = startedWithin(query.from, query.to);
    const page = await this.table.queryPage({
      IndexName: TABLE_KEYS.gsi1.name,
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to },
      ScanIndexForward: false,
    }, query.limit, query.after, { GSI1PK: pk });
    return { items: page.items.map(toRun), ...(page.next && { next: page.next }) };
  }

  async listSources(): Promise<string[]> {
    const items = await this.table.scan({
      FilterExpression: 'SK = :run', ProjectionExpression: '#source, expiresAt',
      ExpressionAttributeNames: { '#source': 'source' }, ExpressionAttributeValues: { ':run': 'RUN' },
    });
    return [...new Set(items.map((item) => item.source).filter((source): source is string => typeof source === 'string'))].sort();
  }

  async listAnomalies(runId: string, query: { type?: AnomalyType; limit?: number } = {}): Promise<Anomaly[]> {
    const items = query.type
      ? await this.table.query({ IndexName: TABLE_KEYS.gsi2.name, KeyConditionExpression: 'GSI2PK = :pk', ExpressionAttributeValues: { ':pk': anomaliesOfTypePk(runId, query.type) } }, query.limit)
      : await this.table.query({ IndexName: TABLE_KEYS.gsi1.name, KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': anomaliesPk(runId) } }, query.limit);
    return Promise.all(items.map((item) => this.toAnomaly(item)));
  }

  async pageAnomalies(runId: string, query: { limit: number; after?: string; type?: AnomalyType; minScore?: number }): Promise<Page<Anomaly>> {
    const gsi = query.type ? TABLE_KEYS.gsi2 : TABLE_KEYS.gsi1;
    const pk = query.type ? anomaliesOfTypePk(runId, query.type) : anomaliesPk(runId);
    const bound = query.minScore !== undefined ? minScoreBound(query.minScore) : undefined;
    const page = await this.table.queryPage({
      IndexName: gsi.name,
      KeyConditionExpression: `${gsi.partitionKey} = :pk${bound ? ` AND ${gsi.sortKey} < :bound` : ''}`,
      ExpressionAttributeValues: { ':pk': pk, ...(bound && { ':bound': bound }) },
    }, query.limit, query.after, { [gsi.partitionKey]: pk });
    return { items: await Promise.all(page.items.map((item) => this.toAnomaly(item))), ...(page.next && { next: page.next }) };
  }

  async getAnomaly(runId: string, anomalyId: string): Promise<Anomaly | undefined> {
    const item = await this.table.getLive({ PK: runPk(runId), SK: anomalySk(anomalyId) });
    if (!item) return undefined;
    const anomaly = await this.toAnomaly(item);
    if (item.logsInSession && anomaly.context.sessionId !== undefined) {
      const session = await this.getSession(runId, anomaly.context.sessionId);
      if (session) anomaly.context.logs = session.logs;
    }
    return anomaly;
  }

  async getSession(runId: string, sessionId: string): Promise<SessionRecord | undefined> {
    let item = await this.table.getLive({ PK: runPk(runId), SK: sessionSk(sessionId) });
    const earlier = earlierSessionSk(sessionId);
    if (!item && earlier !== undefined) item = await this.table.getLive({ PK: runPk(runId), SK: earlier });
    if (!item) return undefined;
    const whole = await this.table.unspill(item);
    // A hashed key names its id in the item: a different id under the same hash is not this session.
    return whole.sessionId === sessionId ? strip(whole) as unknown as SessionRecord : undefined;
  }

  /** An anomaly item as the port returns it: spilled attributes back in, keys and bookkeeping off. */
  private async toAnomaly(item: Item): Promise<Anomaly> {
    return strip(await this.table.unspill(item)) as unknown as Anomaly;
  }
}

const toRun = (item: Item): RunRecord => strip(item) as unknown as RunRecord;
