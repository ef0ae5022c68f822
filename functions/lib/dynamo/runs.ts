/**
 * {@link RunWriter} on the results table: the run item's life, RUNNING → DONE | FAILED once, by
 * conditional writes (no transactions: dynalite has none). Ending a run counts it in its day's
 * digest first (digests.ts).
 */
import { STUCK_REASON_PREFIX, type LeaseOutcome, type RunCounts, type RunLease, type RunRecord, type RunRef, type RunStatus, type RunWriter } from '../../../shared/ports.ts';
import { countRunInDigest } from './digests.ts';
import { plain, runKey, runsOfSourcePk, runsOfSourceSk, strip } from './keys.ts';
import type { ResultTable } from './table.ts';

export class DynamoRunWriter implements RunWriter {
  constructor(private readonly table: ResultTable) {}

  async startRun(start: Omit<RunRecord, 'status'>): Promise<{ run: RunRecord; created: boolean }> {
    const run: RunRecord = { ...start, status: 'RUNNING' };
    const item = { ...runKey(run.runId), GSI1PK: runsOfSourcePk(run.source), GSI1SK: runsOfSourceSk(run), ...this.table.ttl(run), entity: 'run', ...plain(run) };
    // The idempotency gate: the first delivery creates the run, later ones find it.
    if (await this.table.put(item, 'attribute_not_exists(PK)')) return { run, created: true };
    const existing = await this.table.getLive(runKey(start.runId), true);
    if (!existing) throw new Error(`run ${start.runId} exists but cannot be read back`);
    return { run: strip(existing) as unknown as RunRecord, created: false };
  }

  async takeLease(runId: string, lease: RunLease, now: number, handedOverBy?: string): Promise<LeaseOutcome> {
    // One conditional update decides between racing invocations: only one of them sees its condition hold.
    const holders = ['attribute_not_exists(leaseOwner)', 'leaseOwner = :owner', 'leaseExpiresAt <= :now', ...(handedOverBy !== undefined ? ['leaseOwner = :from'] : [])];
    const taken = await this.table.update({
      Key: runKey(runId),
      UpdateExpression: 'SET leaseOwner = :owner, leaseExpiresAt = :expires',
      ConditionExpression: `#status = :running AND (${holders.join(' OR ')})`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':owner': lease.owner, ':expires': lease.expiresAt, ':now': now, ':running': 'RUNNING', ...(handedOverBy !== undefined && { ':from': handedOverBy }) },
    });
    if (taken) return { taken: true };
    const existing = await this.table.get(runKey(runId), true);
    if (!existing) throw new Error(`run ${runId} cannot be leased: it does not exist`);
    return { taken: false, status: existing.status as RunStatus };
  }

  async noteContinuation(runId: string): Promise<void> {
    await this.table.updateOrThrow({
      Key: runKey(runId),
      UpdateExpression: 'ADD continuations :one', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':one': 1 },
    });
  }

  async markExplainQueued(runId: string): Promise<void> {
    await this.table.updateOrThrow({
      Key: runKey(runId),
      UpdateExpression: 'SET explainQueued = :yes', ConditionExpression: 'attribute_exists(PK)', ExpressionAttributeValues: { ':yes': true },
    });
  }

  async finishRun(run: RunRef, finishedAt: number, counts: RunCounts, problems: string[]): Promise<boolean> {
    // Digest first, guarded by the run id, then the status: a crash in between leaves the run RUNNING,
    // its redelivery repeats both, and the digest's guard keeps the count exact.
    await countRunInDigest(this.table, run, { runs: 1, records: counts.records, anomalies: counts.anomalies, byType: counts.byType });
    return this.transition(run.runId, 'DONE', { finishedAt, counts, problems });
  }

  async failRun(run: Omit<RunRecord, 'status'>, reason: string, finishedAt: number): Promise<boolean> {
    await countRunInDigest(this.table, run, { runs: 1, failedRuns: 1 });
    return this.transition(run.runId, 'FAILED', { finishedAt, reason });
  }

  async reopenStuckRun(runId: string, now: number): Promise<boolean> {
    // Once: `reopenedAt` stays, so a run that gets stuck again is not retried a second time.
    return this.table.update({
      Key: runKey(runId),
      UpdateExpression: 'SET #status = :running, #reopenedAt = :now REMOVE #reason, #finishedAt',
      ConditionExpression: '#status = :failed AND begins_with(#reason, :stuck) AND attribute_not_exists(#reopenedAt)',
      ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason', '#finishedAt': 'finishedAt', '#reopenedAt': 'reopenedAt' },
      ExpressionAttributeValues: { ':running': 'RUNNING', ':failed': 'FAILED', ':stuck': STUCK_REASON_PREFIX, ':now': now },
    });
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
    return this.table.update({
      Key: runKey(runId),
      UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: '#status = :running',
      ExpressionAttributeNames: names, ExpressionAttributeValues: values,
    });
  }
}
