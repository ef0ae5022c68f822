/**
 * `runs` and `show`: what `analyze` and `detect` kept in the embedded result store, read back through
 * the {@link ResultReader} port only, on the same adapter the cloud uses.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import type { Anomaly, AnomalyType } from '../../shared/detect/types.ts';
import { UserInputError } from '../../shared/errors.ts';
import type { ResultReader, RunRecord } from '../../shared/ports.ts';
import { numberOption, sourceOption, storeOptions } from '../options.ts';
import { showControls } from '../output/escape.ts';
import { anomalyLines } from '../output/result.ts';
import { renderTable } from '../output/table.ts';

const DEFAULT_STORE = '.logsleuth';
const NO_RUNS = 'no runs yet: run `logsleuth analyze <logs>` first';

interface StoreFlags { store?: string; json?: boolean }

export function runsCommand(): Command {
  return storeOptions(new Command('runs'), 'read the result store in <dir>')
    .description('list the stored runs, newest first')
    .addOption(sourceOption('only the runs of this source'))
    .addOption(numberOption('--limit <n>', 'most runs listed', 20, 1, 10_000))
    .option('--json', 'print the runs as a JSON array')
    .action(async (flags: StoreFlags & { source?: string; limit: number }) => {
      const runs = await withReader(flags.store, async (reader) => {
        const sources = flags.source !== undefined ? [flags.source] : await reader.listSources();
        const lists = await Promise.all(sources.map((source) => reader.listRuns(source, { limit: flags.limit })));
        return lists.flat().sort((a, b) => b.startedAt - a.startedAt || a.runId.localeCompare(b.runId)).slice(0, flags.limit);
      }) ?? [];
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return;
      }
      if (runs.length === 0) {
        process.stdout.write(`${flags.source !== undefined ? `no runs of source "${flags.source}" yet: run \`logsleuth analyze <logs> --source ${flags.source}\` first` : NO_RUNS}\n`);
        return;
      }
      process.stdout.write(`${renderTable(
        [{ header: 'run' }, { header: 'status' }, { header: 'started' }, { header: 'source', max: 20 }, { header: 'input', max: 50 }, { header: 'records', align: 'right' }, { header: 'anomalies' }],
        runs.map((run) => [run.runId, run.status, time(run.startedAt), run.source, run.input.key, run.counts ? run.counts.records.toLocaleString('en') : '-', anomalySummary(run)]),
      )}\n`);
    });
}

export function showCommand(): Command {
  return storeOptions(new Command('show'), 'read the result store in <dir>')
    .description('show a stored run: its anomalies, ranked, with their sessions and explanations')
    .argument('<runId>', 'a run id, as `logsleuth runs` lists them')
    .addOption(numberOption('--top <n>', 'anomalies shown in detail (default: all)', Infinity, 0, Infinity))
    .option('--json', 'print the run and its anomalies as one JSON object')
    .action(async (runId: string, flags: StoreFlags & { top: number }) => {
      const found = await withReader(flags.store, async (reader) => {
        const run = await reader.getRun(runId);
        if (!run) return { run: undefined, anomalies: [], hasRuns: (await reader.listSources()).length > 0 };
        // Listed without the records of their sessions; each read in full (context and explanation).
        const listed = await reader.listAnomalies(runId);
        const anomalies: Anomaly[] = [];
        for (const a of listed) anomalies.push((await reader.getAnomaly(runId, a.id)) ?? a);
        return { run, anomalies, hasRuns: true };
      });
      if (!found?.hasRuns) throw new UserInputError(`no run ${runId}: ${NO_RUNS}`);
      const { run, anomalies } = found;
      if (!run) throw new UserInputError(`no run ${runId} in ${storeDir(flags.store)}: \`logsleuth runs\` lists the stored runs`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ run, anomalies }, null, 2)}\n`);
        return;
      }
      // The run's lines hold its input names and problem messages: log-derived text, shown escaped.
      process.stdout.write(`${[...runLines(run).map(showControls), ...anomalyLines(anomalies, flags.top)].join('\n')}\n`);
    });
}

/**
 * Runs `read` against the store's reader, or returns undefined when there is no store yet (it is not
 * created just to be read).
 */
async function withReader<T>(dir: string | undefined, read: (reader: ResultReader) => Promise<T>): Promise<T | undefined> {
  const { openLocalStore, storeExists } = await import('../adapters/local-store.ts');
  if (!storeExists(storeDir(dir))) return undefined;
  const store = await openLocalStore(storeDir(dir));
  try {
    return await read(store.results.reader);
  } finally {
    await store.close();
  }
}

const storeDir = (dir: string | undefined) => resolve(dir ?? DEFAULT_STORE);

function runLines(run: RunRecord): string[] {
  const lines = [`run ${run.runId}: ${run.status}, source ${run.source}`];
  lines.push(`input: ${run.input.key} (${(run.input.size / 1e6).toFixed(1)} MB) in ${run.input.location}`);
  lines.push(`model: ${run.modelId}`);
  lines.push(`started ${time(run.startedAt)}${run.finishedAt !== undefined ? `, finished ${time(run.finishedAt)} (${((run.finishedAt - run.startedAt) / 1000).toFixed(1)} s)` : ''}`);
  if (run.reason) lines.push(`failed: ${run.reason}`);
  const c = run.counts;
  if (c) {
    lines.push(`${c.records.toLocaleString('en')} records, ${c.sessions.toLocaleString('en')} sessions, ${c.knownTemplates} known + ${c.newTemplates} new templates, ${c.problems} problems`);
    lines.push(`findings: ${anomalySummary(run)}${c.anomalies < Object.values(c.byType).reduce((a, b) => a + b, 0) ? ` (strongest ${c.anomalies} kept)` : ''}`);
  }
  for (const problem of run.problems ?? []) lines.push(`problem: ${problem}`);
  return lines;
}

function anomalySummary(run: RunRecord): string {
  if (!run.counts) return '-';
  const parts = (Object.entries(run.counts.byType) as [AnomalyType, number][]).filter(([, n]) => n > 0).map(([type, n]) => `${n} ${type}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Local time, to the second: `2024-05-01 14:03:12`. */
function time(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
