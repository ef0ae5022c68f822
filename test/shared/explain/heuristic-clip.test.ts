/** The offline explanation quotes long messages and templates clipped, not whole. */
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../shared/detect/types.ts';
import { explainHeuristically } from '../../../shared/explain/heuristic.ts';

describe('a heuristic explanation of a 1 MiB message', () => {
  it('quotes the first 300 characters and says how many more there were', () => {
    const message = `ERROR payload rejected ${'x'.repeat(1024 * 1024)}`;
    const anomaly = {
      id: 'a1', type: 'NEW_TEMPLATE', templateId: 't1', template: message, score: 0.9, count: 1, reasons: [], line: 1, source: 'big.jsonl', message,
      context: { contextType: 'WINDOW', truncated: false, logs: [{ source: 'big.jsonl', line: 1, level: 'ERROR', message, anomalous: true }] },
    } as unknown as Anomaly;
    const explanation = explainHeuristically(anomaly);
    const text = JSON.stringify(explanation);
    expect(text.length).toBeLessThan(5_000);
    expect(explanation.summary).toContain(`${message.slice(0, 300)}… (${message.length - 300} more characters)`);
    expect(explanation.rootCause).toContain('ERROR payload rejected');
  });
});
