/**
 * {@link FindingWriter} on the results table: a run's sessions and anomalies (items under the run's
 * partition, dated by the run for retention) and the explainer's verdicts on them. A FULL_SESSION
 * anomaly's records are stored once, in its session. Items that would pass DynamoDB's item limit move
 * their large attributes to the object store (table.ts `spill`), and so does a large verdict.
 */
import type { Anomaly } from '../../../shared/detect/types.ts';
import type { ExplanationVerdict, FindingWriter, RunRef, SessionRecord } from '../../../shared/ports.ts';
import { itemBytes } from './item-size.ts';
import { anomaliesOfTypePk, anomaliesPk, anomalySk, anomalySpillKey, plain, runPk, scoreKey, sessionSk, sessionSpillKey, verdictKey, type Item } from './keys.ts';
import { MAX_VERDICT_INLINE_BYTES, type ResultTable } from './table.ts';

export class DynamoFindingWriter implements FindingWriter {
  constructor(private readonly table: ResultTable) {}

  async putSessions(run: RunRef, sessions: SessionRecord[]): Promise<void> {
    const items: Item[] = [];
    for (const session of sessions) {
      const item: Item = { PK: runPk(run.runId), SK: sessionSk(session.sessionId), entity: 'session', ...this.table.ttl(run), ...plain(session) };
      items.push(await this.table.spill(item, sessionSpillKey(run.runId, session.sessionId)));
    }
    await this.table.batchPut(items);
  }

  async putAnomalies(run: RunRef, anomalies: Anomaly[]): Promise<void> {
    const items: Item[] = [];
    for (const anomaly of anomalies) {
      // A FULL_SESSION anomaly's records are its session's: stored once, in the session item.
      const inSession = anomaly.context.contextType === 'FULL_SESSION' && anomaly.context.sessionId !== undefined;
      const stored = inSession ? { ...anomaly, context: { ...anomaly.context, logs: [] } } : anomaly;
      const item: Item = {
        PK: runPk(run.runId), SK: anomalySk(anomaly.id), entity: 'anomaly',
        GSI1PK: anomaliesPk(run.runId), GSI1SK: scoreKey(anomaly.score, anomaly.id),
        GSI2PK: anomaliesOfTypePk(run.runId, anomaly.type), GSI2SK: scoreKey(anomaly.score, anomaly.id),
        ...this.table.ttl(run), ...plain(stored), ...(inSession && { logsInSession: true }),
      };
      items.push(await this.table.spill(item, anomalySpillKey(run.runId, anomaly.id)));
    }
    await this.table.batchPut(items);
  }

  async recordExplanation(runId: string, anomalyId: string, verdict: ExplanationVerdict): Promise<boolean> {
    const explained = verdict.status === 'EXPLAINED';
    const fields: Item = explained ? { explanation: plain(verdict.explanation) } : { explainReason: verdict.reason };
    // The anomaly item was kept under MAX_INLINE_BYTES to leave room for a verdict of at most
    // MAX_VERDICT_INLINE_BYTES; a larger one goes to the object store and the item points at it.
    let spilled: string | undefined;
    if (itemBytes(fields) > MAX_VERDICT_INLINE_BYTES) {
      const content = JSON.stringify(fields);
      spilled = verdictKey(runId, anomalyId, content);
      await this.table.putJson(spilled, fields);
    }
    const field = explained ? 'explanation' : 'explainReason';
    const sets = ['explainStatus = :status', 'explainedAt = :at', spilled ? 'verdictKey = :verdictKey' : `${field} = :value`];
    // A verdict replaces the previous one whole: its other field, and the pointer or inline value it no longer uses.
    const removes = [explained ? 'explainReason' : 'explanation', spilled ? field : 'verdictKey'];
    return this.table.update({
      Key: { PK: runPk(runId), SK: anomalySk(anomalyId) },
      UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
      // EXPLAINED is final (a duplicate delivery must not overwrite it, least of all with a failure);
      // EXPLAIN_FAILED may still become EXPLAINED when the message is driven again by hand.
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(explainStatus) OR explainStatus <> :explained)',
      ExpressionAttributeValues: {
        ':status': verdict.status, ':at': verdict.at, ':explained': 'EXPLAINED',
        ...(spilled ? { ':verdictKey': spilled } : { ':value': fields[field] }),
      },
    });
  }
}
