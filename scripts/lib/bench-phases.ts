/** The phases `npm run bench` measures, each run in its own process by scripts/bench.ts. */
import { createReadStream, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const PHASES = ['ceiling', 'ingest', 'mine'] as const;

export interface PhaseResult { phase: string; bytes: number; lines: number; seconds: number; maxRssKb: number; note?: string }

/** Runs one phase over `file` and measures it. */
export async function runPhase(phase: string, file: string): Promise<PhaseResult> {
  const bytes = statSync(file).size;
  const start = performance.now();
  let lines: number;
  let note: string | undefined;
  switch (phase) {
    case 'ceiling':
      lines = await ceiling(file);
      note = 'read + split lines + JSON.parse, nothing else';
      break;
    default:
      throw new Error(`unknown phase ${phase}`);
  }
  const seconds = (performance.now() - start) / 1000;
  return { phase, bytes, lines, seconds, maxRssKb: process.resourceUsage().maxRSS, ...(note && { note }) };
}

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
