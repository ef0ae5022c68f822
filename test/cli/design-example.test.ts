/**
 * The design's worked example, reproduced: four records of session req-003 against a baseline in
 * which "Database connection timeout after {num}ms" is known and fast. The design expects one
 * DURATION_SPIKE on that template with the whole session (4 records) as its context, and the LLM
 * prompt for it is pinned as a golden file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../shared/detect/types.ts';
import { buildPrompt } from '../../shared/explain/prompt.ts';
import { logsleuth, ROOT } from './helpers.ts';

const SAMPLE = 'events/logs/sample_logs.json';

async function analyseSample(): Promise<{ anomalies: Anomaly[] }> {
  const run = await logsleuth(['analyze', SAMPLE, '--baseline', 'events/logs/sample_baseline.jsonl', '--json', '--no-store']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('the design example (events/logs/sample_logs.json)', () => {
  it('is the design\'s four records, in its order', async () => {
    const records = JSON.parse(await readFile(join(ROOT, SAMPLE), 'utf8'));
    expect(records.map((r: Record<string, unknown>) => [r.timestamp, r.level, r.message, r.duration_ms, r.correlation_id])).toEqual([
      ['2026-02-06T10:30:17Z', 'ERROR', 'Database connection timeout after 5000ms', 5200, 'req-003'],
      ['2026-02-06T10:30:19Z', 'WARN', 'Memory usage at 85 percent', 10, 'req-003'],
      ['2026-02-06T10:30:23Z', 'ERROR', 'Payment gateway returned 503', 3200, 'req-003'],
      ['2026-02-06T10:30:25Z', 'FATAL', 'OutOfMemoryError: Java heap space', 1, 'req-003'],
    ]);
  });

  it('gives one DURATION_SPIKE on the database timeout with the full session as context', async () => {
    const { anomalies } = await analyseSample();
    expect(anomalies).toHaveLength(1);
    const [anomaly] = anomalies as [Anomaly];
    expect(anomaly.type).toBe('DURATION_SPIKE');
    expect(anomaly.template).toBe('Database connection timeout after {num}ms');
    expect(anomaly.line).toBe(1);
    expect(anomaly.context).toMatchObject({ contextType: 'FULL_SESSION', sessionId: 'req-003', totalLogsInSession: 4, truncated: false });
    expect(anomaly.context.logs.map((log) => [log.line, log.level, log.message, log.durationMs])).toEqual([
      [1, 'ERROR', 'Database connection timeout after 5000ms', 5200],
      [2, 'WARN', 'Memory usage at 85 percent', 10],
      [3, 'ERROR', 'Payment gateway returned 503', 3200],
      [4, 'FATAL', 'OutOfMemoryError: Java heap space', 1],
    ]);
    expect(anomaly.context.logs.filter((log) => log.anomalous).map((log) => log.line)).toEqual([1]);
    // The other findings of the same request join it as reasons, each with its line.
    expect(anomaly.reasons.map((r) => r.type).sort()).toEqual(['DURATION_SPIKE', 'DURATION_SPIKE', 'NEW_TEMPLATE', 'SESSION_OUTLIER']);
    expect(anomaly.reasons.find((r) => r.type === 'NEW_TEMPLATE')!.detail).toMatch(/^line 4: /);
  });

  it('is explained offline with the database timeout as the first failure and the chain that followed', async () => {
    const { anomalies } = await analyseSample();
    const explanation = anomalies[0]!.explanation!;
    expect(explanation.method).toBe('heuristic');
    expect(explanation.rootCause).toMatch(/^First failure.*timed out — line 1: Database connection timeout after 5000ms/);
    expect(explanation.causalChain).toEqual([
      'line 1: Database connection timeout after 5000ms [5200 ms]',
      'line 2: Memory usage at 85 percent [10 ms]',
      'line 3: Payment gateway returned 503 [3200 ms]',
      'line 4: OutOfMemoryError: Java heap space [1 ms]',
    ]);
  });

  it('gives the LLM the golden prompt: session, total, numbered records, the anomalous one marked', async () => {
    const { anomalies } = await analyseSample();
    const prompt = buildPrompt(anomalies[0]!);
    expect(prompt).toContain('Session ID: req-003');
    expect(prompt).toContain('Total Logs: 4');
    expect(prompt).toContain('[line 1] 2026-02-06T10:30:17.000Z ERROR Database connection timeout after 5000ms (5200 ms) ← ANOMALY');
    expect(prompt).toBe(await readFile(join(ROOT, 'test/golden/design-prompt.txt'), 'utf8'));
  });
});
