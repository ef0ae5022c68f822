/**
 * Clean runs measured: how many findings each gives, per type, and a line per corpus.
 * Used by `scripts/eval-quiet.ts` and `test/eval/quiet.test.ts`.
 */
import type { AnomalyType } from '../../shared/detect/types.ts';
import type { CleanCase } from './eval-corpora.ts';
import { ANOMALY_TYPES, detectOn, findingsByType, table, trainOn } from './eval-harness.ts';

/** What one clean run gave. */
export interface CleanResult {
  corpus: string;
  run: string;
  records: number;
  sessions: number;
  /** Findings as reported (what an operator reads). */
  findings: number;
  byType: Record<AnomalyType, number>;
  /** Findings per type before per-template grouping and capping (the detector's `countsByType`). */
  rawByType: Record<AnomalyType, number>;
  /** The reported findings' templates, strongest first, for a look at what fired. */
  templates: string[];
}

/** Trains on the case's baseline and detects on its input, with the CLI's defaults. */
export async function runClean(c: CleanCase): Promise<CleanResult> {
  const model = await trainOn(c.baseline, c.read);
  const result = await detectOn(model, c.input, c.read);
  return {
    corpus: c.corpus,
    run: c.run,
    records: result.records,
    sessions: result.sessions,
    findings: result.anomalies.length,
    byType: findingsByType(result),
    rawByType: result.countsByType,
    templates: result.anomalies.map((a) => `${a.type} ${a.template}`),
  };
}

const SHORT: Record<AnomalyType, string> = {
  SESSION_OUTLIER: 'session', NEW_TEMPLATE: 'new', DURATION_SPIKE: 'spike', ERROR_BURST: 'burst', TEMPLATE_OUTLIER: 'tmpl',
};

/** One row per run: records, sessions, findings, findings per type (raw count before grouping in brackets when it differs). */
export function formatCleanTable(results: readonly CleanResult[]): string {
  return table(
    ['corpus', 'run', 'records', 'sessions', 'findings', ...ANOMALY_TYPES.map((t) => SHORT[t])],
    results.map((r) => [
      r.corpus, r.run, r.records, r.sessions, r.findings,
      ...ANOMALY_TYPES.map((t) => (r.rawByType[t] !== r.byType[t] ? `${r.byType[t]} (${r.rawByType[t]})` : r.byType[t])),
    ]),
  );
}

/** One line per corpus: runs, findings per run (min / median / max), total per type, runs over `bound`. */
export function formatCorpusSummary(results: readonly CleanResult[], bound: number): string {
  const corpora = [...new Set(results.map((r) => r.corpus))];
  return corpora.map((corpus) => {
    const runs = results.filter((r) => r.corpus === corpus);
    const counts = runs.map((r) => r.findings).sort((a, b) => a - b);
    const median = counts.length % 2 ? counts[(counts.length - 1) / 2]! : (counts[counts.length / 2 - 1]! + counts[counts.length / 2]!) / 2;
    const perType = ANOMALY_TYPES.map((t) => `${SHORT[t]} ${runs.reduce((s, r) => s + r.byType[t], 0)}`).join(', ');
    const over = runs.filter((r) => r.findings > bound).length;
    return `${corpus}: ${runs.length} run(s), findings per run min ${counts[0]} / median ${median} / max ${counts[counts.length - 1]}; total ${perType}; ${over} run(s) over ${bound}\n`;
  }).join('');
}
