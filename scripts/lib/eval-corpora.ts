/**
 * Clean-against-clean cases for `eval-quiet` and `test/eval/quiet.test.ts`: a baseline and an input
 * of the same system with no incident, and how a user would read them (`--format`, `--session-regex`).
 * Sizes are parameters so the test can run a smaller subset of the same corpora.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReadOptions, TextFile } from './eval-harness.ts';
import { HDFS_FORMAT, HDFS_SESSION_REGEX, renderHdfsLines } from './hdfs-lines.ts';
import { generateJobQueueLines } from './job-queue-logs.ts';
import { LOGHUB_2K_DIR } from './loghub-eval.ts';
import { generateLogLines } from './microservice-logs.ts';

/** HDFS_100k's sessions (see its README): `../shared/datasets/hdfs-100k` beside the repository root. */
const HDFS_SESSIONS_CSV = fileURLToPath(new URL('../../../shared/datasets/hdfs-100k/sessions.csv', import.meta.url));

/** One clean run: train on `baseline`, detect on `input`; any finding is a false alarm. */
export interface CleanCase {
  corpus: string;
  run: string;
  baseline: TextFile;
  input: TextFile;
  read: ReadOptions;
}

/** A (baseline seed, input seed) pair; the seeds differ so the input is new data of the same system. */
export interface SeedPair { baseline: number; input: number }

/** Eight pairs for the microservice generator (the four of test/shared/pipeline's quiet test and four more). */
export const MICROSERVICE_PAIRS: readonly SeedPair[] = [
  { baseline: 1, input: 2 }, { baseline: 1, input: 7 }, { baseline: 8, input: 11 }, { baseline: 9, input: 13 },
  { baseline: 1, input: 5 }, { baseline: 20, input: 21 }, { baseline: 30, input: 31 }, { baseline: 40, input: 41 },
];

/** Four pairs for the job-queue generator. */
export const JOB_QUEUE_PAIRS: readonly SeedPair[] = [
  { baseline: 101, input: 202 }, { baseline: 303, input: 404 }, { baseline: 505, input: 606 }, { baseline: 707, input: 808 },
];

const joined = (lines: readonly string[]) => `${lines.join('\n')}\n`;

/** The microservice generator (`scripts/lib/microservice-logs.ts`), no incident, `sessions` requests per file. */
export function microserviceCase(pair: SeedPair, sessions: number): CleanCase {
  return {
    corpus: 'microservice',
    run: `seeds ${pair.baseline}→${pair.input}`,
    baseline: { name: 'baseline.jsonl', text: joined([...generateLogLines({ seed: pair.baseline, sessions })]) },
    input: { name: 'input.jsonl', text: joined([...generateLogLines({ seed: pair.input, sessions })]) },
    read: {},
  };
}

/** The job-queue generator (`scripts/lib/job-queue-logs.ts`), `jobs` client jobs per file. */
export function jobQueueCase(pair: SeedPair, jobs: number): CleanCase {
  return {
    corpus: 'job-queue',
    run: `seeds ${pair.baseline}→${pair.input}`,
    baseline: { name: 'baseline.jsonl', text: joined(generateJobQueueLines({ seed: pair.baseline, jobs })) },
    input: { name: 'input.jsonl', text: joined(generateJobQueueLines({ seed: pair.input, jobs })) },
    read: {},
  };
}

/**
 * HDFS_100k's sessions labelled Normal, in order of first appearance in the original log, the first
 * half of the sessions as baseline and the second half as input; each half rendered to HDFS lines
 * (`hdfs-lines.ts`) and read with loghub's format and the block id as session, as a user would.
 * `maxSessions` keeps only the first that many normal sessions (for a faster subset).
 */
export function hdfsCase(maxSessions = Infinity, seed = 1): CleanCase {
  const normal = normalHdfsSessions().slice(0, maxSessions);
  const half = Math.floor(normal.length / 2);
  const render = (sessions: typeof normal, offset: number) => joined(renderHdfsLines(sessions, seed + offset));
  return {
    corpus: 'hdfs-100k',
    run: `${half}+${normal.length - half} normal sessions`,
    baseline: { name: 'hdfs-baseline.log', text: render(normal.slice(0, half), 0) },
    input: { name: 'hdfs-input.log', text: render(normal.slice(half), 1) },
    read: { format: HDFS_FORMAT, sessionRegex: HDFS_SESSION_REGEX },
  };
}

/** HDFS_100k's `sessions.csv` (no quoted fields), Normal rows only, ordered by first appearance. */
function normalHdfsSessions(): { blockId: string; events: string[] }[] {
  const [header, ...rows] = readFileSync(HDFS_SESSIONS_CSV, 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  const at = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`${HDFS_SESSIONS_CSV} has no "${name}" column`);
    return i;
  };
  const [block, label, rank, sequence] = [at('BlockId'), at('Label'), at('first_seen_rank'), at('EventSequence')];
  return rows
    .map((row) => row.split(','))
    .filter((fields) => fields[label] === 'Normal')
    .sort((a, b) => Number(a[rank]) - Number(b[rank]))
    .map((fields) => ({ blockId: fields[block]!, events: fields[sequence]!.split(' ').filter(Boolean) }));
}

/**
 * How each chosen loghub-2k system is read. Both have steady traffic through their 2 000 lines, so
 * the halves are the same system at work (Zookeeper's sample jumps from 2 hours to 12 days and
 * Spark's first half is executor start-up, so their halves differ for real):
 * - OpenSSH: 4 contiguous hours of sshd; sniffed as syslog with no `--format`, which makes
 *   `sshd[pid]` the session (one connection), as a user running it on auth.log would get.
 * - HDFS: lines sampled across two days of a busy cluster; loghub's format and the block id as session.
 */
export const LOGHUB_SYSTEMS: Readonly<Record<string, ReadOptions & { useFormat: boolean }>> = {
  OpenSSH: { useFormat: false },
  HDFS: { useFormat: true, sessionRegex: HDFS_SESSION_REGEX },
};

/** A loghub-2k system: its first 1 000 lines as baseline, the last 1 000 as input. */
export function loghubCase(system: string): CleanCase {
  const how = LOGHUB_SYSTEMS[system];
  if (!how) throw new Error(`no reading set for loghub-2k system ${system} in scripts/lib/eval-corpora.ts`);
  const formats = JSON.parse(readFileSync(`${LOGHUB_2K_DIR}/formats.json`, 'utf8')) as Record<string, { log: string; format: string }>;
  const lines = readFileSync(`${LOGHUB_2K_DIR}/${formats[system]!.log}`, 'utf8').split('\n');
  if (lines[lines.length - 1]!.trim() === '') lines.pop();
  const half = Math.floor(lines.length / 2);
  return {
    corpus: `loghub-${system}`,
    run: `lines 1-${half} → ${half + 1}-${lines.length}`,
    baseline: { name: `${system}-first-half.log`, text: joined(lines.slice(0, half)) },
    input: { name: `${system}-second-half.log`, text: joined(lines.slice(half)) },
    read: {
      ...(how.useFormat && { format: formats[system]!.format }),
      ...(how.sessionRegex && { sessionRegex: how.sessionRegex }),
    },
  };
}
