import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest, IngestReport, type LineSelector } from '../../../shared/ingest/index.ts';
import { detectAnomalies } from '../../../shared/pipeline/detect.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';

const HDFS = join(import.meta.dirname, '../../../../shared/datasets/loghub-2k/HDFS/HDFS_2k.log');
const FORMAT = '<Date> <Time> <Pid> <Level> <Component>: <Content>';
const BLOCK = /blk_-?\d+/;

describe('sessions taken from text messages (HDFS blocks)', () => {
  it('gives every session finding its whole session, even when its records are neighbours in one chunk', async () => {
    const bytes = readFileSync(HDFS);
    const open = (select?: LineSelector) =>
      ingest([{ name: 'HDFS_2k.log', open: async function* () { yield bytes; } }], { format: FORMAT, ...(select && { select }) }, new IngestReport());
    // Trained on the first half, so the second half's new messages are findings inside their blocks.
    const half = (select?: LineSelector) => ingest([{ name: 'HDFS_2k.log', open: async function* () { yield bytes; } }],
      { format: FORMAT, select: (source, line, text) => line <= 1000 && (select?.(source, line, text) ?? true) }, new IngestReport());
    const model = await trainModel(half(), { sessionRegex: BLOCK });

    const result = await detectAnomalies(model, open, { runId: 'hdfs', sessionRegex: BLOCK });

    const sessions = result.anomalies.filter((a) => a.context.contextType === 'FULL_SESSION');
    expect(sessions.length).toBeGreaterThan(0);
    const lines = bytes.toString('utf8').split(/\r?\n/);
    for (const anomaly of sessions) {
      const id = anomaly.context.sessionId!;
      // Independent of the pipeline: the lines whose first block id is this session's.
      const expected = lines.flatMap((text, i) => (BLOCK.exec(text)?.[0] === id ? [i + 1] : []));
      expect(anomaly.context.logs.map((l) => l.line)).toEqual(expected);
      expect(anomaly.context.totalLogsInSession).toBe(expected.length);
    }
  });
});
