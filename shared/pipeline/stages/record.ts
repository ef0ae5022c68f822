/**
 * Storing a finished detection: the one write sequence the detection Lambda and the CLI share, so a
 * run looks the same in DynamoDB and in the CLI's embedded store.
 *
 * Ordered conditional writes instead of transactions (see docs/data-model.md):
 *   sessions → anomalies → explain messages → explainQueued → run DONE (with the day's digest).
 * The run must already have been created RUNNING by `RunWriter.startRun` (the idempotency gate).
 * Every write is keyed deterministically, so repeating any prefix of the sequence (a redelivery, a
 * CLI run interrupted and started again) rewrites identical items and never adds one.
 */
import type { Anomaly } from '../../detect/types.ts';
import { stableId } from '../../hash.ts';
import type { IngestReport } from '../../ingest/report.ts';
import type { ExplainMessage, FindingWriter, JobQueue, RunCounts, RunRecord, RunWriter, SessionRecord } from '../../ports.ts';
import type { DetectionResult } from '../detector.ts';

/** How many problem messages a run keeps (their total is in its counts). */
export const MAX_PROBLEMS_KEPT = 5;

/** The stores a detection's results are written to. */
export interface RecordPorts {
  runs: RunWriter;
  findings: FindingWriter;
}

export interface RecordOptions {
  /** Epoch ms the run finished. */
  finishedAt: number;
  /** The ingest report of the detection: problem count and the first messages are kept on the run. */
  report: Pick<IngestReport, 'problemCount' | 'problems'>;
  /**
   * Where one message per anomaly group goes (the explain queue), sent once per run. Without it
   * nothing is queued: the caller explained the anomalies itself (the CLI) or does not explain.
   */
  explainQueue?: JobQueue<ExplainMessage>;
}

export interface RecordOutcome {
  counts: RunCounts;
  /** Anomaly groups (one explain message each, whether sent now, earlier, or not at all). */
  explainGroups: number;
  /** False when the run was already DONE/FAILED by someone else: nothing about it changed. */
  finished: boolean;
}

/** Stores `detection` as the result of `run` (created RUNNING by `startRun`) and marks it DONE. */
export async function recordDetection(ports: RecordPorts, run: RunRecord, detection: DetectionResult, options: RecordOptions): Promise<RecordOutcome> {
  const { runId } = run;
  await ports.findings.putSessions(run, sessionsOf(runId, detection.anomalies));
  await ports.findings.putAnomalies(run, detection.anomalies);
  const groups = explainGroups(run, detection.anomalies);
  if (options.explainQueue && !run.explainQueued) {
    await options.explainQueue.send(groups);
    await ports.runs.markExplainQueued(runId);
  }
  const counts = runCounts(detection, options.report.problemCount);
  const finished = await ports.runs.finishRun(run, options.finishedAt, counts, options.report.problems.slice(0, MAX_PROBLEMS_KEPT).map((p) => p.message));
  return { counts, explainGroups: groups.length, finished };
}

export function runCounts(detection: DetectionResult, problems: number): RunCounts {
  return {
    records: detection.records, sessions: detection.sessions, anomalies: detection.anomalies.length,
    knownTemplates: detection.knownTemplates, newTemplates: detection.newTemplates, byType: detection.countsByType, problems,
  };
}

/** The sessions that FULL_SESSION anomalies point at, each stored once with the ids of its anomalies. */
export function sessionsOf(runId: string, anomalies: Anomaly[]): SessionRecord[] {
  const sessions = new Map<string, SessionRecord>();
  for (const anomaly of anomalies) {
    const { context } = anomaly;
    if (context.contextType !== 'FULL_SESSION' || context.sessionId === undefined) continue;
    const existing = sessions.get(context.sessionId);
    if (existing) {
      existing.anomalyIds.push(anomaly.id);
      continue;
    }
    sessions.set(context.sessionId, {
      runId, sessionId: context.sessionId, totalLogsInSession: context.totalLogsInSession ?? context.logs.length,
      truncated: context.truncated, ...(context.metrics && { metrics: context.metrics }), logs: context.logs, anomalyIds: [anomaly.id],
    });
  }
  return [...sessions.values()];
}

/**
 * Anomaly groups: anomalies in the same session are explained together (they share their context
 * and most likely their cause); an anomaly without a session is a group of its own.
 */
export function explainGroups(run: Pick<RunRecord, 'runId' | 'source'>, anomalies: Anomaly[]): ExplainMessage[] {
  const groups = new Map<string, Anomaly[]>();
  for (const anomaly of anomalies) {
    const sessionId = anomaly.context.contextType === 'FULL_SESSION' ? anomaly.context.sessionId : undefined;
    const groupKey = sessionId !== undefined ? `session\u0000${sessionId}` : `anomaly\u0000${anomaly.id}`;
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), anomaly]);
  }
  return [...groups.entries()].map(([groupKey, members]) => {
    const sorted = [...members].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
    const sessionId = sorted[0]!.context.contextType === 'FULL_SESSION' ? sorted[0]!.context.sessionId : undefined;
    return {
      kind: 'explain' as const, runId: run.runId, source: run.source, groupId: stableId('g', run.runId, groupKey),
      ...(sessionId !== undefined && { sessionId }),
      anomalyIds: sorted.map((a) => a.id), topScore: sorted[0]!.score, types: [...new Set(sorted.map((a) => a.type))],
    };
  }).sort((a, b) => b.topScore - a.topScore || a.groupId.localeCompare(b.groupId));
}
