/** {@link DigestStore} on the results table, and the digest counting a run's end does (see runs.ts). */
import type { AnomalyType } from '../../../shared/detect/types.ts';
import type { DailyDigest, DigestAnomaly, DigestStore, RunRef } from '../../../shared/ports.ts';
import { ANOMALY_TYPES, dayOf, digestKey, digestPk, plain, type Item } from './keys.ts';
import type { ResultTable } from './table.ts';

/** What one run adds to its day's digest. */
export interface DigestFigures {
  runs: number;
  failedRuns?: number;
  records?: number;
  anomalies?: number;
  byType?: Record<AnomalyType, number>;
}

export class DynamoDigestStore implements DigestStore {
  constructor(private readonly table: ResultTable) {}

  async getDigest(day: string, source: string): Promise<DailyDigest | undefined> {
    const item = await this.table.get(digestKey(day, source));
    return item ? toDigest(item) : undefined;
  }

  async listDigests(day: string): Promise<DailyDigest[]> {
    const items = await this.table.query({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': digestPk(day) } });
    return items.map(toDigest);
  }

  async putDigestHighlights(day: string, source: string, highlights: { top: DigestAnomaly[]; reportKey: string }): Promise<void> {
    await this.table.updateOrThrow({
      Key: digestKey(day, source),
      UpdateExpression: 'SET #source = :source, #day = :day, #top = :top, reportKey = :reportKey',
      ExpressionAttributeNames: { '#source': 'source', '#day': 'day', '#top': 'top' },
      ExpressionAttributeValues: { ':source': source, ':day': day, ':top': plain(highlights.top), ':reportKey': highlights.reportKey },
    });
  }
}

/**
 * Adds a run's figures to its day's digest at most once: the digest keeps the ids of the runs it
 * counted and the update is conditional on this run not being one of them.
 * (A string set: about 16 000 runs per source and day fit in one item.)
 */
export async function countRunInDigest(table: ResultTable, run: RunRef, add: DigestFigures): Promise<void> {
  const day = dayOf(run.startedAt);
  const values: Item = { ':run': run.runId, ':runIds': new Set([run.runId]), ':source': run.source, ':day': day };
  const adds = ['runIds :runIds'];
  const counters: Record<string, number | undefined> = { runs: add.runs, failedRuns: add.failedRuns, records: add.records, anomalies: add.anomalies };
  for (const type of ANOMALY_TYPES) counters[`type_${type}`] = add.byType?.[type];
  for (const [name, value] of Object.entries(counters)) {
    if (!value) continue;
    values[`:add_${name}`] = value;
    adds.push(`${name} :add_${name}`);
  }
  // A failed condition means this run was counted already: nothing to do.
  await table.update({
    Key: digestKey(day, run.source),
    UpdateExpression: `SET #source = :source, #day = :day ADD ${adds.join(', ')}`,
    ConditionExpression: 'attribute_not_exists(runIds) OR NOT contains(runIds, :run)',
    ExpressionAttributeNames: { '#source': 'source', '#day': 'day' },
    ExpressionAttributeValues: values,
  });
}

function toDigest(item: Item): DailyDigest {
  const byType: Partial<Record<AnomalyType, number>> = {};
  for (const type of ANOMALY_TYPES) if (typeof item[`type_${type}`] === 'number') byType[type] = item[`type_${type}`] as number;
  return {
    day: String(item.day), source: String(item.source), runs: Number(item.runs ?? 0), failedRuns: Number(item.failedRuns ?? 0),
    records: Number(item.records ?? 0), anomalies: Number(item.anomalies ?? 0), byType,
    ...(Array.isArray(item.top) && { top: item.top as DigestAnomaly[] }),
    ...(typeof item.reportKey === 'string' && { reportKey: item.reportKey }),
  };
}
