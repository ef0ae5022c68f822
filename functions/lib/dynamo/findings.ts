/**
 * {@link FindingWriter} on the results table: a run's sessions and anomalies (items under the run's
 * partition, dated by the run for retention) and the explainer's verdicts on them. A FULL_SESSION
 * anomaly's records are stored once, in its session; large record lists spill to the object store.
 */
import type { Anomaly } from '../../../shared/detect/types.ts';
import { sessionLogsKey } from '../../../shared/pipeline/stages/layout.ts';
import type { ExplanationVerdict, FindingWriter, RunRef, SessionRecord } from '../../../shared/ports.ts';
import { anomaliesOfTypePk, anomaliesPk, anomalySk, contextLogsKey, plain, runPk, scoreKey, sessionSk, type Item } from './keys.ts';
import type { ResultTable } from './table.ts';

export class DynamoFindingWriter implements FindingWriter {
  constructor(private readonly table: ResultTable) {}

  async putSessions(run: RunRef, sessions: SessionRecord[]): Promise<void> {
    const items: Item[] = [];
    for (const session of sessions) {
      const item: Item = { PK: runPk(run.runId), SK: sessionSk(session.sessionId), entity: 'session', ...this.table.ttl(run), ...plain(session) };
      items.push(await this.table.spill(item, sessionLogsKey(run.runId, session.sessionId)));
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
      items.push(await this.table.spill(item, contextLogsKey(run.runId, anomaly.id)));
    }
    await this.table.batchPut(items);
  }

  async recordExplanation(runId: string, anomalyId: string, verdict: ExplanationVerdict): Promise<boolean> {
    const explained = verdict.status === 'EXPLAINED';
    return this.table.update({
      Key: { PK: runPk(runId), SK: anomalySk(anomalyId) },
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
    });
  }
}
