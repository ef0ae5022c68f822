import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileHeaderFormat, matchHeaderFormat } from '../../shared/ingest/header-format.ts';
import { TemplateMiner, toGenericTemplate, type MinerOptions } from '../../shared/templates/index.ts';
import { parseCsvRecords } from './csv.ts';
import { scoreTemplates, type TemplateScores } from './template-metrics.ts';

/** Where the loghub-2k samples live: `../shared` beside the repository root. */
export const LOGHUB_2K_DIR = fileURLToPath(new URL('../../../shared/datasets/loghub-2k/', import.meta.url));

/** One system's scores plus what the miner produced. */
export interface SystemResult extends TemplateScores {
  system: string;
  clusters: number;
  /** Line i's predicted template in `<*>` form (for inspection and the python cross-check). */
  predictions: string[];
  groundTruth: (string | null)[];
  contents: string[];
}

/**
 * Mines each loghub-2k system with one miner configuration and scores every line by its
 * cluster's FINAL template against `*_structured_corrected.csv`.
 */
export async function evaluateLoghub(options: MinerOptions = {}, dir: string = LOGHUB_2K_DIR): Promise<SystemResult[]> {
  const formats = JSON.parse(await readFile(`${dir}/formats.json`, 'utf8')) as Record<string, { log: string; format: string }>;
  const results: SystemResult[] = [];
  for (const [system, { log, format }] of Object.entries(formats)) {
    results.push(await evaluateSystem(system, `${dir}/${log}`, format, options));
  }
  return results;
}

async function evaluateSystem(system: string, logPath: string, format: string, options: MinerOptions): Promise<SystemResult> {
  const header = compileHeaderFormat(format);
  const lines = (await readFile(logPath, 'utf8')).split('\n');
  if (lines[lines.length - 1]!.trim() === '') lines.pop();
  const contents = lines.map((line, i) => {
    const fields = matchHeaderFormat(header, line.trim());
    if (fields === null) throw new Error(`${logPath}:${i + 1}: line does not match format "${format}"`);
    return fields.Content ?? '';
  });
  const miner = new TemplateMiner(options);
  const assigned = contents.map((content) => miner.add(content));
  const generic = Array.from({ length: miner.clusterCount }, (_, c) => toGenericTemplate(miner.template(c)));
  const predictions = assigned.map((c) => generic[c]!);

  const gtRecords = parseCsvRecords(await readFile(logPath.replace(/\.log$/, '.log_structured_corrected.csv'), 'utf8'));
  if (gtRecords.length !== contents.length) {
    throw new Error(`${system}: ${contents.length} log lines but ${gtRecords.length} ground-truth rows`);
  }
  const groundTruth = gtRecords.map((r) => (r.EventTemplate === '' || r.EventTemplate === undefined ? null : r.EventTemplate));
  return {
    system,
    clusters: miner.clusterCount,
    ...scoreTemplates(groundTruth, predictions),
    predictions,
    groundTruth,
    contents,
  };
}

/** Mean of one metric over systems. */
export function averageOf(results: readonly SystemResult[], metric: 'GA' | 'PA' | 'FGA' | 'FTA'): number {
  return results.reduce((sum, r) => sum + r[metric], 0) / results.length;
}
