import { describe, expect, it } from 'vitest';
import type { Anomaly, ContextLog } from '../../../shared/detect/types.ts';
import { explainHeuristically } from '../../../shared/explain/heuristic.ts';
import { buildPrompt } from '../../../shared/explain/prompt.ts';

const log = (line: number, level: ContextLog['level'], message: string, anomalous = false): ContextLog => ({ source: 'x.jsonl', line, level, message, anomalous });

function cascade(): Anomaly {
  return {
    id: 'a1', type: 'NEW_TEMPLATE', templateId: 't1', template: 'Failed to create order: upstream {*} unavailable', score: 0.9,
    source: 'x.jsonl', line: 12, sessionId: 'req-003', reasons: [{ type: 'NEW_TEMPLATE', score: 0.9, detail: 'new' }], count: 1,
    context: {
      contextType: 'FULL_SESSION', sessionId: 'req-003', totalLogsInSession: 4, truncated: false,
      metrics: { records: 4, errors: 2, errorRate: 0.5, distinctTemplates: 4 },
      logs: [
        log(10, 'INFO', 'Received POST /api/checkout'),
        log(11, 'WARN', 'Payment gateway timeout after 5000 ms'),
        log(12, 'ERROR', 'Failed to create order: upstream payment-service unavailable', true),
        log(13, 'ERROR', 'Completed POST /api/checkout 503'),
      ],
    },
  };
}

describe('explainHeuristically', () => {
  it('names the first failure before the anomaly as the trigger and the errors after it as the chain', () => {
    const explanation = explainHeuristically(cascade());

    expect(explanation.method).toBe('heuristic');
    expect(explanation.rootCause).toContain('line 11');
    expect(explanation.rootCause).toContain('timed out');
    expect(explanation.causalChain[0]).toContain('line 11');
    expect(explanation.causalChain.some((step) => step.includes('line 13'))).toBe(true);
    expect(explanation.evidenceLines).toEqual([11, 12, 13]);
    expect(explanation.confidence).toBeGreaterThan(0.5);
    expect(explanation.confidence).toBeLessThanOrEqual(0.75);
  });

  it('cites only lines that are in the context', () => {
    const anomaly = cascade();
    const lines = new Set(anomaly.context.logs.map((l) => l.line));

    expect(explainHeuristically(anomaly).evidenceLines.every((line) => lines.has(line))).toBe(true);
  });

  it('is deterministic', () => {
    expect(explainHeuristically(cascade())).toEqual(explainHeuristically(cascade()));
  });
});

describe('buildPrompt', () => {
  it('renders the session in the seed format with the anomaly marked and the metrics', () => {
    const prompt = buildPrompt(cascade());

    expect(prompt).toContain('Session ID: req-003');
    expect(prompt).toContain('Total Logs: 4');
    expect(prompt).toContain('2 errors (50 %)');
    expect(prompt).toMatch(/\[line 12\] ERROR Failed to create order.*← ANOMALY/);
    expect(prompt.indexOf('<logs>')).toBeLessThan(prompt.indexOf('[line 10]'));
  });
});
