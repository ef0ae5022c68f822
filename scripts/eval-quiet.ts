/**
 * Clean-against-clean runs (issue 10, "Measure it"): trains on a baseline and detects on new data of
 * the same system with no incident, through the product's own stages and default options. Every
 * finding is a false alarm. Prints a row per run (findings per type; the detector's raw count before
 * grouping in brackets) and a summary line per corpus.
 *
 *   npm run eval:quiet -- [--sessions N] [--jobs N] [--hdfs-sessions N] [--verbose]
 */
import { parseArgs } from 'node:util';
import { hdfsCase, JOB_QUEUE_PAIRS, jobQueueCase, LOGHUB_SYSTEMS, loghubCase, MICROSERVICE_PAIRS, microserviceCase, type CleanCase } from './lib/eval-corpora.ts';
import { formatCleanTable, formatCorpusSummary, runClean, type CleanResult } from './lib/quiet-runs.ts';

/** Issue 10: "A test holds each run to at most 5 findings." */
const QUIET_BOUND = 5;

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '4000' },
    jobs: { type: 'string', default: '3000' },
    'hdfs-sessions': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const sessions = Number(values.sessions);
const jobs = Number(values.jobs);
const hdfsSessions = values['hdfs-sessions'] === undefined ? Infinity : Number(values['hdfs-sessions']);

// Built one at a time: a case holds both files' text, and the big ones need not all be in memory at once.
const cases: (() => CleanCase)[] = [
  ...MICROSERVICE_PAIRS.map((pair) => () => microserviceCase(pair, sessions)),
  () => hdfsCase(hdfsSessions),
  ...Object.keys(LOGHUB_SYSTEMS).map((system) => () => loghubCase(system)),
  ...JOB_QUEUE_PAIRS.map((pair) => () => jobQueueCase(pair, jobs)),
];

process.stdout.write(`clean runs: microservice ${sessions} sessions per file, job-queue ${jobs} jobs per file, hdfs-100k ${Number.isFinite(hdfsSessions) ? `first ${hdfsSessions}` : 'all'} normal sessions; CLI defaults\n\n`);
const results: CleanResult[] = [];
for (const make of cases) {
  const result = await runClean(make());
  results.push(result);
  process.stderr.write(`${result.corpus} ${result.run}: ${result.findings}\n`);
  if (values.verbose) for (const t of result.templates) process.stdout.write(`  ${result.corpus} ${result.run}: ${t}\n`);
}
process.stdout.write(formatCleanTable(results));
process.stdout.write(`\n${formatCorpusSummary(results, QUIET_BOUND)}`);
const over = results.filter((r) => r.findings > QUIET_BOUND).length;
process.stdout.write(`\n${over} of ${results.length} clean runs give more than ${QUIET_BOUND} findings\n`);
