/** `--report <file>`: the detection as the self-contained HTML report (shared/report/). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DetectionResult } from '../../shared/pipeline/detect.ts';
import { runCounts } from '../../shared/pipeline/stages/record.ts';
import type { RunRecord } from '../../shared/ports.ts';
import { renderReport } from '../../shared/report/report.ts';

export interface ReportRun {
  source: string;
  paths: string[];
  bytes: number;
  problems: number;
  startedAt: number;
  finishedAt: number;
  modelNote: string;
}

/** Writes the report of `detection` (anomalies explained already) to `file`; returns its absolute path. */
export async function writeReport(file: string, detection: DetectionResult, run: ReportRun): Promise<string> {
  const record: RunRecord = {
    runId: detection.runId, source: run.source, modelId: detection.modelId, status: 'DONE',
    input: { location: process.cwd(), key: run.paths.join(', '), etag: '', size: run.bytes },
    startedAt: run.startedAt, finishedAt: run.finishedAt, counts: runCounts(detection, run.problems),
  };
  const html = renderReport({
    title: `logsleuth report: ${run.paths.join(', ')}`,
    subtitle: `run ${detection.runId} · source ${run.source} · ${new Date(run.startedAt).toISOString()} · ${run.modelNote}`,
    runs: [record], anomalies: detection.anomalies, top: detection.anomalies.slice(0, 10), templates: detection.templateCounts ?? [],
  });
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, html);
  return path;
}
