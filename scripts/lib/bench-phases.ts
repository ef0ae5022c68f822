/** The phases `npm run bench` measures, each run in its own process by scripts/bench.ts. */
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileInput } from '../../cli/adapters/fs-input.ts';
import { ingest, IngestReport, type LineSelector, type LogRecord } from '../../shared/ingest/index.ts';
import { detectAnomalies } from '../../shared/pipeline/detect.ts';
import { trainModel } from '../../shared/pipeline/train.ts';
import { TemplateMiner } from '../../shared/templates/index.ts';
import { generateLogLines } from './microservice-logs.ts';
import { runWorkersPhase, WORKERS_PHASE } from './bench-workers.ts';
import { runSpillPhase, SPILL_PHASE } from './bench-memory.ts';

export const PHASES = ['ceiling', 'ingest', 'mine', 'detect'] as const;

export interface PhaseResult { phase: string; bytes: number; lines: number; seconds: number; maxRssKb: number; note?: string }

/** Runs one phase over `file` and measures it. */
export async function runPhase(phase: string, file: string): Promise<PhaseResult> {
  if (phase === WORKERS_PHASE) return runWorkersPhase(file);
  if (phase === SPILL_PHASE) return runSpillPhase(file);
  const bytes = statSync(file).size;
  const start = performance.now();
  let lines: number;
  let note: string | undefined;
  switch (phase) {
    case 'ceiling':
      lines = await ceiling(file);
      note = 'read + split lines + JSON.parse, nothing else';
      break;
    case 'ingest':
      lines = await ingestOnly(file);
      note = 'format sniffing, line splitting, JSON.parse, field mapping into records';
      break;
    case 'mine':
      lines = await ingestAndMine(file);
      note = 'ingest + template mining of every message';
      break;
    case 'detect': {
      const { records, templates, sessions, anomalies } = await detect(file);
      lines = records;
      note = `model trained on a separate seeded baseline (${templates} templates); both passes over the input; ${sessions.toLocaleString('en')} sessions, ${anomalies} anomalies`;
      break;
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
  const seconds = detectSeconds ?? (performance.now() - start) / 1000;
  return { phase, bytes, lines, seconds, maxRssKb: process.resourceUsage().maxRSS, ...(note && { note }) };
}

function records(file: string, select?: LineSelector): AsyncGenerator<LogRecord[]> {
  return ingest([fileInput(file)], select ? { select } : {}, new IngestReport());
}

async function ingestOnly(file: string): Promise<number> {
  let count = 0;
  for await (const batch of records(file)) count += batch.length;
  return count;
}

async function ingestAndMine(file: string): Promise<number> {
  const miner = new TemplateMiner();
  let count = 0;
  for await (const batch of records(file)) {
    for (const record of batch) miner.add(record.message);
    count += batch.length;
  }
  return count;
}

/** Detection's timed part is only the detection over the input; the model comes from a separate small baseline. */
async function detect(file: string) {
  const baselineFile = join(dirname(file), 'bench-baseline.jsonl');
  if (!existsSync(baselineFile)) {
    writeFileSync(baselineFile, [...generateLogLines({ seed: 999, sessions: 20_000 })].join('\n') + '\n');
  }
  const model = await trainModel(records(baselineFile));
  const start = performance.now();
  const result = await detectAnomalies(model, (select) => records(file, select), { runId: 'bench' });
  detectSeconds = (performance.now() - start) / 1000;
  return { records: result.records, templates: model.vocabulary.length, sessions: result.sessions, anomalies: result.anomalies.length };
}

/** Set by phases that exclude set-up (training) from their timing. */
let detectSeconds: number | undefined;

/** The floor any ingest pays: read, split on newlines, JSON.parse each line. */
async function ceiling(file: string): Promise<number> {
  let lines = 0;
  let rest = '';
  let sink = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as Buffer).toString('utf8');
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      if (nl > from) { sink += JSON.parse(text.slice(from, nl)) ? 1 : 0; lines++; }
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest.length) { sink += JSON.parse(rest) ? 1 : 0; lines++; }
  // Using the parse results keeps the engine from skipping the work.
  if (sink !== lines) throw new Error('a line parsed to a falsy value');
  return lines;
}
