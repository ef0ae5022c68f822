import { describe, expect, it } from 'vitest';
import type { Anomaly, ContextLog } from '../../../shared/detect/types.ts';
import { worstCaseCallMs, type CallDeadline } from '../../../shared/explain/deadline.ts';
import { DeadlineError } from '../../../shared/explain/errors.ts';
import { llmExplainer, type AnalysisModel } from '../../../shared/explain/llm-explainer.ts';

const log = (line: number, level: ContextLog['level'], message: string, anomalous = false): ContextLog =>
  ({ source: 'x.jsonl', line, level, message, templateId: `t-${line}`, anomalous });

const logs = [log(10, 'WARN', 'Payment gateway timeout after 5000 ms'), log(11, 'ERROR', 'Failed to create order', true)];
const anomaly: Anomaly = {
  id: 'a1', type: 'NEW_TEMPLATE', templateId: 't-11', template: 'Failed to create order', score: 0.9, source: 'x.jsonl', line: 11,
  reasons: [{ type: 'NEW_TEMPLATE', score: 0.9, detail: 'new' }], count: 1,
  context: { contextType: 'FULL_SESSION', sessionId: 'req-1', totalLogsInSession: logs.length, truncated: false, logs },
};

/** A model on a simulated clock: each answer takes `answerMs` of the deadline's time and is `answer`. */
function slowModel(clock: { leftMs: number }, answerMs: number, answer: unknown): AnalysisModel & { calls: number } {
  const model = {
    method: 'bedrock' as const, modelId: 'm', calls: 0,
    async ask() {
      model.calls++;
      clock.leftMs -= answerMs;
      return { answer, usage: { inputTokens: 1, outputTokens: 1 }, latencyMs: answerMs };
    },
  };
  return model;
}

describe('the time budget of a model call', () => {
  it('is every attempt timing out plus the longest backoff before each retry', () => {
    expect(worstCaseCallMs({ maxAttempts: 3, attemptTimeoutMs: 40_000, maxBackoffMs: (retry) => 1_000 * 2 ** retry })).toBe(120_000 + 1_000 + 2_000);
    expect(worstCaseCallMs({ maxAttempts: 1, attemptTimeoutMs: 40_000, maxBackoffMs: () => 99_999 })).toBe(40_000);
  });
});

describe('the LLM explainer with a deadline', () => {
  it('starts no call when less than the call budget is left', async () => {
    const clock = { leftMs: 99_999 };
    const model = slowModel(clock, 10, { summary: 'x' });
    const deadline: CallDeadline = { remainingMs: () => clock.leftMs, callBudgetMs: 100_000 };

    await expect(llmExplainer(model, { maxInputTokens: 4000 }).explain(anomaly, [], { deadline })).rejects.toThrow(DeadlineError);
    expect(model.calls).toBe(0);
  });

  it('checks again before asking once more after an invalid answer', async () => {
    const clock = { leftMs: 150_000 };
    const model = slowModel(clock, 60_000, { summary: 'not the schema' });
    const deadline: CallDeadline = { remainingMs: () => clock.leftMs, callBudgetMs: 100_000 };

    const error = await llmExplainer(model, { maxInputTokens: 4000 }).explain(anomaly, [], { deadline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).retryable).toBe(true);
    expect(model.calls).toBe(1);
  });
});
