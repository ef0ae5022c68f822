/**
 * Memory bench for detection's session budget.
 *  - The `detect-spill` phase (npm run bench -- --phases detect,detect-spill): `detect` with the CLI's
 *    spill store and session budget (BENCH_SESSION_BUDGET, default DEFAULT_SESSION_BUDGET); the note
 *    says how many bytes the spill directory held at its fullest (what /tmp must hold) and the CPU seconds.
 *  - Inputs with many short sessions:
 *      npx tsx scripts/lib/bench-memory.ts --sessions 1000000   → .bench/sessions-1000k.jsonl (~300 MB)
 *    then `npm run bench -- --file .bench/sessions-1000k.jsonl --phases detect,detect-spill`.
 * Peak RSS is the phase process's own (each phase runs in its own process).
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { fileInput } from '../../cli/adapters/fs-input.ts';
import { FileSpillStore } from '../../functions/lib/file-spill-store.ts';
import { DEFAULT_SESSION_BUDGET } from '../../shared/detect/session-tracker.ts';
import { ingest, IngestReport, type LineSelector } from '../../shared/ingest/index.ts';
import { detectAnomalies } from '../../shared/pipeline/detect.ts';
import { trainModel } from '../../shared/pipeline/train.ts';
import type { PhaseResult } from './bench-phases.ts';
import { generateShortSessions } from './short-sessions.ts';

export const SPILL_PHASE = 'detect-spill';

/** A spill store that remembers how many bytes it held at most. */
class MeasuredSpillStore extends FileSpillStore {
  held = 0;
  peak = 0;
  override append(name: string, bytes: Uint8Array): void {
    super.append(name, bytes);
    this.held += bytes.length;
    this.peak = Math.max(this.peak, this.held);
  }
  override remove(name: string): void {
    this.held -= this.size(name) ?? 0;
    super.remove(name);
  }
}

export async function runSpillPhase(file: string): Promise<PhaseResult> {
  const budget = Number(process.env.BENCH_SESSION_BUDGET ?? DEFAULT_SESSION_BUDGET);
  const model = await trainModel(ingest([fileInput(join(dirname(file), 'bench-baseline.jsonl'))], {}, new IngestReport()));
  const spill = new MeasuredSpillStore();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await detectAnomalies(model, (select?: LineSelector) => ingest([fileInput(file)], select ? { select } : {}, new IngestReport()), {
    runId: 'bench', spill, sessionBudget: budget,
  }).finally(() => spill.dispose());
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    phase: SPILL_PHASE, bytes: statSync(file).size, lines: result.records, seconds, maxRssKb: process.resourceUsage().maxRSS,
    note: `session budget ${budget.toLocaleString('en')}; ${result.sessions.toLocaleString('en')} sessions; spill directory at most ${(spill.peak / 1e6).toFixed(0)} MB; ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s; ${result.anomalies.length} anomalies`,
  };
}

/** Writes `.bench/sessions-<n/1000>k.jsonl` once (seeded: the same bytes every time); returns its path. */
export async function ensureShortSessions(dir: string, sessions: number): Promise<string> {
  const file = join(dir, `sessions-${Math.round(sessions / 1000)}k.jsonl`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(`${file}.tmp`);
  let chunk: string[] = [];
  for (const line of generateShortSessions({ seed: 1, sessions })) {
    chunk.push(line);
    if (chunk.length >= 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.tmp`, file);
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--sessions');
  const sessions = Number(at > 0 ? process.argv[at + 1] : 1_000_000);
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  process.stdout.write(`${await ensureShortSessions(join(root, '.bench'), sessions)}\n`);
}
