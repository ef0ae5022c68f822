/**
 * The explanation stage: one explain message (an anomaly group: the anomalies of one session, or one
 * anomaly without a session) → one model call → the verdict stored on every anomaly of the group.
 * Same code for the explainer Lambda and any other binding; I/O only through ports, time only through `now`.
 *
 * - Idempotent: anomalies already EXPLAINED are left alone; a group with none left is skipped, so
 *   a duplicate delivery makes no model call.
 * - Cost control: a group with the same signature as one explained within the cache window reuses
 *   that explanation (evidence lines mapped onto this context) instead of calling the model. Two
 *   groups with the same signature at the same time make one call: the first claims the signature
 *   (a conditional write with an expiry); the other throws `SignatureBusyError` (retryable), is
 *   redelivered after the visibility timeout and then finds the explanation in the cache.
 * - Deadline: with `ctx.deadline`, no model call starts that could not finish in the worst case;
 *   `DeadlineError` (retryable) hands the message back instead.
 * - Failures: a permanent one (invalid answer twice, request refused) is stored as EXPLAIN_FAILED with
 *   the reason and the message is done; a retryable one (throttling, 5xx after the client's
 *   retries) is thrown, so the queue redelivers and finally dead-letters the message. Either way the
 *   anomaly stays as detection stored it.
 */
import type { Anomaly, Explanation, TokenUsage } from '../../detect/types.ts';
import { LogsleuthError } from '../../errors.ts';
import { ensureTimeForCall, type CallDeadline } from '../../explain/deadline.ts';
import { InvalidAnswerError, SignatureBusyError } from '../../explain/errors.ts';
import type { Explainer } from '../../explain/explainer.ts';
import { explanationSignature, linesAt, shapePositions } from '../../explain/signature.ts';
import type { ExplainMessage, ExplanationCache, ExplanationVerdict, FindingWriter, ResultReader } from '../../ports.ts';

export interface ExplanationPorts {
  /** Reads the group's anomalies; `findings` stores the verdict on them. */
  reader: ResultReader;
  findings: FindingWriter;
  cache: ExplanationCache;
  explainer: Explainer;
}

export interface ExplanationContext {
  /** Epoch ms at the start of this message. */
  now: number;
  /** How long an explanation may be reused for the same signature, ms (0: never reuse, never claim). */
  cacheWindowMs: number;
  /** The invocation's deadline: checked before claiming and before each model call (none: no limit). */
  deadline?: CallDeadline;
  /**
   * Who claims the signature before the model call (unique per invocation and message) and for how
   * long, ms: at least as long as this invocation may still run, so a live holder never loses its claim.
   */
  claim?: { owner: string; ttlMs: number };
}

export type ExplanationOutcome =
  | { status: 'EXPLAINED'; groupId: string; anomalies: number; model?: string; usage?: TokenUsage; latencyMs?: number; omittedRecords: number }
  | { status: 'REUSED'; groupId: string; anomalies: number; signature: string; from: { runId: string; anomalyId: string } }
  | { status: 'EXPLAIN_FAILED'; groupId: string; anomalies: number; reason: string; usage?: TokenUsage }
  | { status: 'SKIPPED'; groupId: string; reason: string };

/** Explains one anomaly group (see the module comment for what is thrown and what is stored). */
export async function runExplanation(ports: ExplanationPorts, message: ExplainMessage, ctx: ExplanationContext): Promise<ExplanationOutcome> {
  const { runId, groupId } = message;
  const loaded = await Promise.all(message.anomalyIds.map((id) => ports.reader.getAnomaly(runId, id)));
  const group = loaded.filter((a): a is Anomaly => a !== undefined).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  if (group.length === 0) return { status: 'SKIPPED', groupId, reason: `none of the group's anomalies is stored in run ${runId} (expired?)` };
  const pending = group.filter((a) => a.explainStatus !== 'EXPLAINED');
  if (pending.length === 0) return { status: 'SKIPPED', groupId, reason: 'already explained' };
  const [lead, ...related] = group as [Anomaly, ...Anomaly[]];

  const signature = explanationSignature(message.source, group, ports.explainer.scope);
  if (ctx.cacheWindowMs > 0) {
    const cached = await ports.cache.getCachedExplanation(signature, ctx.now - ctx.cacheWindowMs);
    if (cached) {
      const lines = linesAt(lead.context.logs, cached.evidence);
      const { usage: _usage, latencyMs: _latency, omittedRecords: _omitted, ...rest } = cached.explanation;
      const explanation: Explanation = {
        ...rest,
        evidenceLines: lines.length > 0 ? lines : lead.line !== null ? [lead.line] : [],
        reusedFrom: { runId: cached.runId, anomalyId: cached.anomalyId, explainedAt: cached.explainedAt },
      };
      await store(ports, runId, pending, { status: 'EXPLAINED', explanation, at: ctx.now });
      return { status: 'REUSED', groupId, anomalies: pending.length, signature, from: { runId: cached.runId, anomalyId: cached.anomalyId } };
    }
  }

  // Checked before claiming too: a claim taken only to hand the message back would hold up the others.
  ensureTimeForCall(ctx.deadline);
  const claim = ctx.cacheWindowMs > 0 ? ctx.claim : undefined;
  if (claim && !(await ports.cache.claimSignature(signature, claim.owner, ctx.now, ctx.now + claim.ttlMs))) {
    throw new SignatureBusyError(`another invocation is explaining signature ${signature}; group ${groupId} will reuse its explanation when redelivered`);
  }
  let explanation: Explanation;
  try {
    explanation = await ports.explainer.explain(lead, related, { ...(ctx.deadline && { deadline: ctx.deadline }) });
  } catch (error) {
    // Whatever happens next (a permanent failure is stored, a retryable one thrown), the others need not wait for the claim to expire.
    if (claim) await ports.cache.releaseSignature(signature, claim.owner);
    if (!(error instanceof LogsleuthError) || error.retryable) throw error;
    await store(ports, runId, pending, { status: 'EXPLAIN_FAILED', reason: error.message, at: ctx.now });
    return {
      status: 'EXPLAIN_FAILED', groupId, anomalies: pending.length, reason: error.message,
      ...(error instanceof InvalidAnswerError && error.usage && { usage: error.usage }),
    };
  }
  await store(ports, runId, pending, { status: 'EXPLAINED', explanation, at: ctx.now });
  // Replaces the claim too (a crash before this leaves the claim to expire: the others then ask the model).
  if (ctx.cacheWindowMs > 0) {
    await ports.cache.cacheExplanation({
      signature, explanation, evidence: shapePositions(lead.context.logs, explanation.evidenceLines), runId, anomalyId: lead.id, explainedAt: ctx.now,
    }, ctx.now + ctx.cacheWindowMs);
  }
  return {
    status: 'EXPLAINED', groupId, anomalies: pending.length, omittedRecords: explanation.omittedRecords ?? 0,
    ...(explanation.model && { model: explanation.model }), ...(explanation.usage && { usage: explanation.usage }),
    ...(explanation.latencyMs !== undefined && { latencyMs: explanation.latencyMs }),
  };
}

async function store(ports: ExplanationPorts, runId: string, anomalies: Anomaly[], verdict: ExplanationVerdict): Promise<void> {
  for (const anomaly of anomalies) await ports.findings.recordExplanation(runId, anomaly.id, verdict);
}
