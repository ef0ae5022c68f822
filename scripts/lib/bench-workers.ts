/**
 * The `detect-workers` bench phase: the `detect` phase with `--workers` (BENCH_WORKERS, default 2):
 * pass 1 parsed and matched on worker threads (cli/parallel/). Compare its MB/s with `detect`.
 * Timed like `detect`: detection only, the model trained beforehand on the separate baseline.
 * The note gives the process's CPU seconds too (all threads): on a shared machine the wall time
 * moves with the neighbours' load, the CPU time much less.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileInput } from '../../cli/adapters/fs-input.ts';
import { ParallelReading } from '../../cli/parallel/parallel-reading.ts';
import { ingest, IngestReport, type IngestOptions, type LineSelector } from '../../shared/ingest/index.ts';
import { trainModel } from '../../shared/pipeline/train.ts';
import type { PhaseResult } from './bench-phases.ts';

export const WORKERS_PHASE = 'detect-workers';

export async function runWorkersPhase(file: string): Promise<PhaseResult> {
  const workers = Number(process.env.BENCH_WORKERS ?? 2);
  const baseline = join(dirname(file), 'bench-baseline.jsonl');
  const model = await trainModel(ingest([fileInput(baseline)], {}, new IngestReport()));
  const parallel = ParallelReading.start(workers, {});
  if ('reason' in parallel) throw new Error(`no workers: ${parallel.reason}`);
  const options: IngestOptions = parallel.ingestOptions({});
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await parallel.detect(model, (select?: LineSelector) => ingest([fileInput(file)], select ? { select } : options, new IngestReport()), { runId: 'bench' });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const described = parallel.describe();
  await parallel.close();
  return {
    phase: WORKERS_PHASE, bytes: statSync(file).size, lines: result.records, seconds, maxRssKb: process.resourceUsage().maxRSS,
    note: `${described}; ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s (all threads) in ${seconds.toFixed(1)} s; ${result.anomalies.length} anomalies`,
  };
}
