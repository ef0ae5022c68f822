/**
 * The sample incident's anomalies, ids and contexts, exactly as the code gave them before the
 * speed and refactoring work (issues 12 and 13): any change to results has to be deliberate and
 * regenerate `incident-anomalies.json` on purpose.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsleuth, ROOT, tempDir } from '../cli/helpers.ts';

interface Projected { runId: string; records: number; sessions: number; countsByType: unknown; anomalies: unknown[] }

/** The parts of `analyze --json` that identify findings: ids, types, scores, anchors and context lines. */
function project(result: any): Projected {
  return {
    runId: result.runId, records: result.records, sessions: result.sessions, countsByType: result.countsByType,
    anomalies: result.anomalies.map((a: any) => ({
      id: a.id, type: a.type, templateId: a.templateId, score: a.score, sessionId: a.sessionId, source: a.source, line: a.line,
      contextType: a.context.contextType, contextSession: a.context.sessionId, contextLines: a.context.logs.map((l: any) => l.line),
    })),
  };
}

describe('the sample incident, before and after', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it('gives the same anomalies with the same ids and contexts', async () => {
    const run = await logsleuth(['analyze', 'events/logs/incident.jsonl', '--baseline', 'events/logs/baseline.jsonl', '--json', '--store', join(dir, 'store')]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    const golden = JSON.parse(await readFile(join(ROOT, 'test/golden/incident-anomalies.json'), 'utf8'));
    expect(project(JSON.parse(run.stdout))).toEqual(golden);
  });
});
