import { describe, expect, it } from 'vitest';
import type { Anomaly, ContextLog } from '../../../shared/detect/types.ts';
import { checkAnswer } from '../../../shared/explain/answer.ts';
import { budgetedPrompt, estimateTokens, spread } from '../../../shared/explain/budget.ts';
import { InvalidAnswerError, ModelRequestError, ModelUnavailableError } from '../../../shared/explain/errors.ts';
import { llmExplainer, type AnalysisModel, type ModelRequest } from '../../../shared/explain/llm-explainer.ts';
import { openAiModel } from '../../../shared/explain/openai-model.ts';
import { contextShape, explanationSignature, linesAt, shapePositions } from '../../../shared/explain/signature.ts';
import { buildPrompt } from '../../../shared/explain/prompt.ts';

const log = (line: number, level: ContextLog['level'], message: string, templateId: string, anomalous = false): ContextLog =>
  ({ source: 'x.jsonl', line, level, message, templateId, anomalous });

function anomaly(logs: ContextLog[], id = 'a1'): Anomaly {
  return {
    id, type: 'NEW_TEMPLATE', templateId: 't-fail', template: 'Failed to create order: upstream {*} unavailable', score: 0.9,
    source: 'x.jsonl', line: logs.find((l) => l.anomalous)?.line ?? null, reasons: [{ type: 'NEW_TEMPLATE', score: 0.9, detail: 'new' }], count: 1,
    context: { contextType: 'FULL_SESSION', sessionId: 'req-1', totalLogsInSession: logs.length, truncated: false, logs },
  };
}

const cascade = (first = 10) => [
  log(first, 'INFO', 'Received POST /api/checkout', 't-recv'),
  log(first + 1, 'WARN', 'Payment gateway timeout after 5000 ms', 't-timeout'),
  log(first + 2, 'ERROR', 'Failed to create order: upstream payment-service unavailable', 't-fail', true),
  log(first + 3, 'ERROR', 'Completed POST /api/checkout 503', 't-done'),
];

const valid = { summary: 's', rootCause: 'r', causalChain: ['a', 'b'], evidenceLines: [12, 11, 12], confidence: 0.7, nextStep: 'n' };

describe('checkAnswer', () => {
  it('accepts a valid answer, sorted and without duplicate lines, and drops unknown keys', () => {
    const check = checkAnswer({ ...valid, command: 'rm -rf /' }, new Set([10, 11, 12, 13]));
    expect(check).toEqual({ ok: true, answer: { ...valid, evidenceLines: [11, 12] } });
  });

  it('reads JSON from a text answer, also inside a code fence', () => {
    expect(checkAnswer(`Here it is:\n\`\`\`json\n${JSON.stringify(valid)}\n\`\`\``, new Set([11, 12])).ok).toBe(true);
  });

  it('rejects lines that were not shown, and says which', () => {
    expect(checkAnswer({ ...valid, evidenceLines: [12, 9999] }, new Set([11, 12]))).toEqual({ ok: false, problem: 'evidenceLines cites line(s) 9999 that are not in the logs shown' });
  });

  it('rejects a malformed answer with the fields that are wrong', () => {
    const check = checkAnswer({ summary: 's', confidence: 3 }, new Set([1]));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problem).toMatch(/rootCause.*confidence|confidence.*rootCause/s);
  });
});

describe('budgetedPrompt', () => {
  it('leaves a short context whole', () => {
    const prompt = budgetedPrompt(anomaly(cascade()), { maxInputTokens: 4000 });
    expect(prompt.omitted).toBe(0);
    expect(prompt.text).toBe(buildPrompt(anomaly(cascade())));
  });

  it('samples a 10 000-record session into the budget: anomalous, warnings, edges and a spread of the rest', () => {
    const logs = Array.from({ length: 10_000 }, (_, i) => log(i + 1, i % 997 === 5 ? 'WARN' : 'INFO', `step ${i} done for user ${i * 7}`, `t${i % 5}`));
    logs[7_000] = { ...logs[7_000]!, level: 'ERROR', anomalous: true };

    const prompt = budgetedPrompt(anomaly(logs), { maxInputTokens: 3000, overheadTokens: 500 });

    expect(prompt.estimatedTokens).toBeLessThanOrEqual(3000);
    expect(estimateTokens(prompt.text) + 500).toBe(prompt.estimatedTokens);
    const shown = new Set(prompt.shown.map((l) => l.line));
    expect(shown.has(7_001)).toBe(true);
    for (const line of [1, 2, 9_999, 10_000]) expect(shown.has(line)).toBe(true);
    expect(logs.filter((l) => l.level === 'WARN').every((l) => shown.has(l.line))).toBe(true);
    // A spread: some of every tenth of the session.
    for (let tenth = 0; tenth < 10; tenth++) expect(prompt.shown.some((l) => l.line > tenth * 1000 && l.line <= (tenth + 1) * 1000)).toBe(true);
    expect(prompt.text).toContain(`Left out to fit the input budget: ${prompt.omitted} of 10000 records. Kept every anomalous record, 12 of 12 warnings/errors`);
  });

  it('clips an overlong message and says how much was cut', () => {
    const logs = [log(1, 'ERROR', 'x'.repeat(5000), 't', true)];
    const prompt = budgetedPrompt(anomaly(logs), { maxInputTokens: 4000, maxMessageChars: 100 });
    expect(prompt.text).toContain(`${'x'.repeat(100)} …[4900 more characters]`);
  });

  it('spreads any prefix over the whole list', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8]).slice(0, 3)).toEqual([0, 8, 4]);
    expect(new Set(spread([...Array(100).keys()])).size).toBe(100);
  });
});

describe('signatures', () => {
  it('are equal for the same type, template and session shape, whatever the ids, lines and repeats', () => {
    const a = anomaly(cascade(10), 'a');
    const b = anomaly([...cascade(500).slice(0, 2), log(502, 'WARN', 'Payment gateway timeout after 5001 ms', 't-timeout'), ...cascade(501).slice(2)], 'b');
    expect(contextShape(b.context.logs)).toEqual(contextShape(a.context.logs));
    expect(explanationSignature('checkout', [b], 'bedrock:m')).toBe(explanationSignature('checkout', [a], 'bedrock:m'));
  });

  it('differ by source, explainer, template or shape', () => {
    const a = anomaly(cascade());
    const base = explanationSignature('checkout', [a], 'bedrock:m');
    expect(explanationSignature('billing', [a], 'bedrock:m')).not.toBe(base);
    expect(explanationSignature('checkout', [a], 'openai:m')).not.toBe(base);
    expect(explanationSignature('checkout', [{ ...a, template: 'other' }], 'bedrock:m')).not.toBe(base);
    expect(explanationSignature('checkout', [anomaly(cascade().slice(1))], 'bedrock:m')).not.toBe(base);
  });

  it('map evidence lines onto another context of the same shape', () => {
    const positions = shapePositions(cascade(10), [11, 12]);
    expect(linesAt(cascade(500), positions)).toEqual([501, 502]);
  });
});

/** A model that replies from a script. */
function scripted(...answers: unknown[]): AnalysisModel & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    method: 'bedrock', modelId: 'm-1', requests,
    ask: async (request) => {
      requests.push(request);
      return { answer: answers[requests.length - 1], usage: { inputTokens: 100, outputTokens: 10 }, latencyMs: 5 };
    },
  };
}

describe('llmExplainer', () => {
  it('returns the validated answer with model, usage and latency', async () => {
    const model = scripted(valid);
    const explanation = await llmExplainer(model, { maxInputTokens: 4000 }).explain(anomaly(cascade()));
    expect(explanation).toEqual({ method: 'bedrock', ...valid, evidenceLines: [11, 12], model: 'm-1', usage: { inputTokens: 100, outputTokens: 10 }, latencyMs: 5 });
    expect(model.requests[0]!.system).toContain('untrusted data');
  });

  it('asks again with the problem spelled out, and counts both calls', async () => {
    const model = scripted({ ...valid, evidenceLines: [77] }, valid);
    const explanation = await llmExplainer(model, { maxInputTokens: 4000 }).explain(anomaly(cascade()));
    expect(model.requests[1]!.prompt).toContain('Your previous answer was rejected: evidenceLines cites line(s) 77 that are not in the logs shown');
    expect(explanation.usage).toEqual({ inputTokens: 200, outputTokens: 20 });
  });

  it('gives up after two invalid answers with a permanent error that keeps the tokens spent', async () => {
    const error = await llmExplainer(scripted('nope', { summary: 1 }), { maxInputTokens: 4000 }).explain(anomaly(cascade())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect((error as InvalidAnswerError).retryable).toBe(false);
    expect((error as InvalidAnswerError).usage).toEqual({ inputTokens: 200, outputTokens: 20 });
  });
});

describe('openAiModel', () => {
  const fetchOf = (...responses: (Response | Error)[]) => {
    const calls: { url: string; body: Record<string, unknown> }[] = [];
    const fetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) as Record<string, unknown> });
      const next = responses[calls.length - 1]!;
      if (next instanceof Error) throw next;
      return next;
    }) as unknown as typeof globalThis.fetch;
    return { fetch, calls };
  };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const options = { baseUrl: 'http://127.0.0.1:11434/v1/', model: 'llama3.1:8b', now: () => 0, sleep: async () => undefined };

  it('asks for JSON Schema structured output and reads the content and usage', async () => {
    const { fetch, calls } = fetchOf(json(200, { choices: [{ message: { content: JSON.stringify(valid) } }], usage: { prompt_tokens: 50, completion_tokens: 7 } }));
    const reply = await openAiModel({ ...options, fetch }).ask({ system: 's', prompt: 'p' });
    expect(calls[0]!.url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(calls[0]!.body).toMatchObject({ model: 'llama3.1:8b', temperature: 0, response_format: { type: 'json_schema' } });
    expect(reply).toEqual({ answer: JSON.stringify(valid), usage: { inputTokens: 50, outputTokens: 7 }, latencyMs: 0 });
  });

  it('retries 429, 5xx and connection errors, then reports the service unavailable', async () => {
    const { fetch, calls } = fetchOf(json(429, {}), new Error('ECONNREFUSED'), json(503, {}));
    await expect(openAiModel({ ...options, fetch }).ask({ system: 's', prompt: 'p' })).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a refused request', async () => {
    const { fetch, calls } = fetchOf(json(404, { error: { message: 'model not found' } }));
    await expect(openAiModel({ ...options, fetch }).ask({ system: 's', prompt: 'p' })).rejects.toBeInstanceOf(ModelRequestError);
    expect(calls).toHaveLength(1);
  });
});
