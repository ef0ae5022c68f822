/**
 * `train`, `detect` and `analyze` (= train + detect + explain): the same pipeline stages the
 * Lambdas run, bound to local files.
 */
import { Command } from 'commander';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stableId } from '../../shared/hash.ts';
import { explainLocally, withExplainerOptions, type ExplainerFlags } from '../adapters/explainers.ts';
import type { Model } from '../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult } from '../../shared/pipeline/detect.ts';
import { trainModel } from '../../shared/pipeline/train.ts';
import type { RunRecord } from '../../shared/ports.ts';
import { recordDetection } from '../../shared/pipeline/stages/record.ts';
import { assertSomethingRead, describeProblems, NothingReadError, openLocalInputs, somethingRead, type LocalInputs } from '../input.ts';
import { loadModelFromPath, saveModelToDirectory } from '../adapters/dir-model-store.ts';
import { ingestOptions, numberOption, sessionRegex, sourceOption, storeOptions, withInputOptions, withWorkerOptions, type InputFlags, type WorkerFlags } from '../options.ts';
import type { ParallelReading } from '../parallel/parallel-reading.ts';
import type { LineSelector } from '../../shared/ingest/ingest.ts';
import { showControls } from '../output/escape.ts';
import { printResult, resultDocument } from '../output/result.ts';
import { UserInputError } from '../../shared/errors.ts';
import { contaminationNote } from '../../shared/detect/session-outliers.ts';
import { DEFAULT_SESSION_BUDGET } from '../../shared/detect/session-tracker.ts';
import { FileSpillStore } from '../../functions/lib/file-spill-store.ts';
import { contentId } from '../adapters/content-id.ts';
import { runIdOf } from '../run-id.ts';

interface TrainFlags extends InputFlags { seed: number; contamination: number }
interface DetectFlags extends TrainFlags, WorkerFlags { z: number; json?: boolean; out?: string; report?: string; top: number; budget: number; sessionBudget: number; maxAnomalies: number; store: string | boolean; source: string }

const withTrainOptions = (command: Command) =>
  withInputOptions(command)
    .addOption(numberOption('--seed <n>', 'seed of every random choice (same seed, same model)', 42, 0, 2 ** 31))
    .addOption(numberOption('--contamination <share>', 'expected share of outliers in the baseline', 0.05, 0.001, 0.5));

const withDetectOptions = (command: Command) =>
  withWorkerOptions(withTrainOptions(command))
    .addOption(numberOption('--z <score>', 'robust z-score (log space) for a duration spike', 5, 1, 100))
    .addOption(numberOption('--max-anomalies <n>', 'most anomalies reported', 100, 1, 10_000))
    .addOption(numberOption('--session-budget <n>', 'sessions counted in memory at once; the rest wait in a temporary file (same results)', DEFAULT_SESSION_BUDGET, 2, 100_000_000))
    .addOption(numberOption('--top <n>', 'anomalies shown in detail', 3, 0, 100))
    .addOption(numberOption('--budget <n>', 'findings listed (similar ones folded into "N more"); --json keeps all', 10, 1, 10_000))
    .option('--json', 'print the result as one JSON object')
    .option('--out <dir>', 'also write the result to <dir>/results.json')
    .option('--report <file>', 'also write a self-contained HTML report (charts, top anomalies, session timelines) to <file>')
    .addOption(sourceOption('name the run\'s source (`logsleuth runs --source` lists one source)').default('local'))
    .option('--no-store', 'do not keep the run in the result store');
const withDetectAndStoreOptions = (command: Command) => withExplainerOptions(storeOptions(withDetectOptions(command), 'keep the run in the result store in <dir>'));

export function trainCommand(): Command {
  return withTrainOptions(new Command('train'))
    .description('learn what normal looks like from baseline logs and save the model')
    .argument('<paths...>', 'baseline log files, archives or directories')
    .requiredOption('--out <model-dir>', 'model directory to write to (the bucket\'s layout: models/<source>/<model id>/model.json and models/<source>/current)')
    .addOption(sourceOption('the source the model is for, in the model directory').default('local'))
    .action(async (paths: string[], flags: TrainFlags & { out: string; source: string }, command: Command) => {
      const started = Date.now();
      const { model, inputs } = await train(paths, flags, explicitContamination(command));
      const trainedFrom = inputs.inputs.map((i) => ({ key: i.name, etag: stableId('e', `${i.name}:${i.size ?? ''}`) }));
      const path = await saveModelToDirectory(flags.out, flags.source, model, { trainedAt: started, trainedFrom });
      process.stdout.write(`trained model ${model.id} on ${inputs.report.summary()} in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
        `${model.vocabulary.length} templates, ${model.training.sessions} sessions; template forest ${model.templateForest ? 'on' : 'off (too little data)'}, session forest ${model.sessionForest ? 'on' : 'off (too few sessions)'}\nsaved to ${path}\n`);
      const note = contaminationNote(model.sessionGate);
      if (note) process.stderr.write(`note: ${note}\n`);
    });
}

export function detectCommand(): Command {
  return withDetectAndStoreOptions(new Command('detect'))
    .description('find anomalies in logs against a trained model')
    .argument('<paths...>', 'log files, archives or directories')
    .requiredOption('--model <model-dir>', 'model directory (from `logsleuth train --out`; the current model of --source, or of its only source), or a model.json')
    .action(async (paths: string[], flags: DetectFlags & { model: string }) => {
      await assertStoreFree(flags);
      const { model, source } = await loadModelFromPath(flags.model, flags.source);
      await detectAndReport(paths, model, flags, `model ${model.id} from ${flags.model}${source !== undefined && source !== flags.source ? ` (source ${source})` : ''}`);
    });
}

export function analyzeCommand(): Command {
  return withDetectAndStoreOptions(new Command('analyze'))
    .description('train on a baseline, detect anomalies in the input, explain them (offline)')
    .argument('<paths...>', 'log files, archives or directories to analyse (- reads standard input)')
    .option('--baseline <paths...>', 'logs of normal operation to learn from (default: the input itself)')
    .action(async (paths: string[], flags: DetectFlags & { baseline?: string[] }, command: Command) => {
      const baselinePaths = flags.baseline ?? paths;
      await assertStoreFree(flags);
      // Trained on the input itself, its problems are reported (and --json printed) once, by detection.
      const { model } = await train(baselinePaths, flags, explicitContamination(command), flags.baseline !== undefined);
      const note = flags.baseline
        ? `baseline ${baselinePaths.join(', ')} (${model.training.records.toLocaleString('en')} records)`
        : 'no --baseline: trained on the input itself, so only outliers within it can be found (a failure present throughout looks normal)';
      await detectAndReport(paths, model, flags, note);
    });
}

/** Did the user give --contamination? Only then does it set the session threshold as given (else it is calibrated). */
function explicitContamination(command: Command): boolean {
  return command.getOptionValueSource('contamination') === 'cli';
}

async function train(paths: string[], flags: TrainFlags, contaminationGiven: boolean, reportProblems = true): Promise<{ model: Model; inputs: LocalInputs }> {
  // Options are checked before any input is read (stdin is read to its end first).
  const regex = sessionRegex(flags);
  const inputs = await openLocalInputs(paths, ingestOptions(flags), 'training');
  const model = await trainModel(inputs.records(), { seed: flags.seed, ...(contaminationGiven && { contamination: flags.contamination }), ...(regex && { sessionRegex: regex }) });
  if (reportProblems) {
    for (const line of describeProblems(inputs.report)) process.stderr.write(`baseline: ${showControls(line)}\n`);
    assertBaselineHasRecords(paths, inputs.report, (flags as { json?: boolean }).json === true);
  }
  return { model, inputs };
}

/**
 * A baseline without a single record (empty, missing, nothing but unreadable lines) teaches nothing:
 * against it every template would be NEW_TEMPLATE. It fails the command, and with --json the problem
 * is in the printed JSON too, for scripts that only read stdout.
 */
function assertBaselineHasRecords(paths: string[], report: LocalInputs['report'], json: boolean): void {
  if (report.records > 0) return;
  // Nothing could be read at all: the problems printed above say why (once); else this is the news.
  const readable = somethingRead(report);
  const message = readable
    ? `the baseline ${paths.join(', ')} holds no log records, so there is nothing to learn what is normal from; give logs of normal operation`
    : `no baseline could be read (${paths.join(', ')})`;
  if (json) {
    const problems = readable ? [...report.problems, { kind: 'empty', source: paths.join(', '), message }] : report.problems;
    process.stdout.write(`${JSON.stringify({ error: message, records: 0, anomalies: [], problems }, null, 2)}\n`);
  }
  throw readable ? new UserInputError(message) : new NothingReadError(message);
}

async function detectAndReport(paths: string[], model: Model, flags: DetectFlags, modelNote: string): Promise<void> {
  const started = Date.now();
  const regex = sessionRegex(flags);
  const parallel = await startWorkers(flags);
  const local = await openLocalInputs(paths, parallel ? parallel.ingestOptions(ingestOptions(flags)) : ingestOptions(flags), 'detecting');
  // Said with the run's other notes (stderr, and `notes` in --json).
  const gateNote = contaminationNote(model.sessionGate);
  if (gateNote) local.report.note(gateNote);
  // The run id names the model, the inputs (names and contents: see content-id.ts) and the options that
  // change the findings, so re-running the same thing gives the same ids (and stores nothing twice),
  // and a file rewritten with other bytes of the same size is a new run.
  const inputsId = await contentId(local.inputs);
  const runId = runIdOf(model.id, { z: flags.z, maxAnomalies: flags.maxAnomalies, sessionRegex: regex, ingest: ingestOptions(flags) }, inputsId);
  // Session counters past --session-budget go to a temporary directory, removed when detection ends.
  const spill = new FileSpillStore(undefined, { removeOnExit: true });
  const detectOptions = { runId, z: flags.z, maxAnomalies: flags.maxAnomalies, ...(regex && { sessionRegex: regex }), spill, sessionBudget: flags.sessionBudget };
  const openRecords = (select?: LineSelector) => local.records(select);
  const detection: DetectionResult = await (parallel
    ? parallel.detect(model, openRecords, detectOptions).finally(() => stopWorkers(parallel))
    : detectAnomalies(model, openRecords, detectOptions)).finally(() => spill.dispose());
  const anomalies = await explainLocally(detection.anomalies, flags as DetectFlags & ExplainerFlags, (line) => process.stderr.write(`${line}\n`));
  const explained: DetectionResult = { ...detection, anomalies };
  const seconds = (Date.now() - started) / 1000;
  // Nothing read: no run to keep (the problems say why, and the command fails).
  // A run that cannot be stored is still printed in full: the work is not lost, only the keeping.
  let stored: StoredRun | undefined;
  let notStored: string | undefined;
  if (flags.store !== false && somethingRead(local.report)) {
    try {
      stored = await storeRun(typeof flags.store === 'string' ? flags.store : undefined, flags.source, paths, local, model, explained, started, inputsId);
    } catch (error) {
      notStored = `the run was not stored: ${(error as Error).message}. Its results are above; to keep them, run the same command again when the store can be written (the run id stays the same)`;
    }
  }
  const result = { ...resultDocument(explained, local.report, modelNote, seconds), ...(stored && { stored }), ...(notStored && { notStored }) };

  if (flags.report && somethingRead(local.report)) {
    const { writeReport } = await import('../output/report.ts');
    const path = await writeReport(flags.report, explained, {
      source: flags.source, paths, bytes: local.report.bytes, problems: local.report.problemCount, startedAt: started, finishedAt: Date.now(), modelNote,
    });
    if (!flags.json) process.stderr.write(`report written to ${path}\n`);
  }
  if (flags.out) {
    await mkdir(flags.out, { recursive: true });
    await writeFile(join(flags.out, 'results.json'), JSON.stringify(result, null, 2));
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    // The problems are in the JSON; when they are all there is, stderr says why the command failed.
    if (!somethingRead(local.report)) for (const line of describeProblems(local.report)) process.stderr.write(`${showControls(line)}\n`);
  } else {
    for (const line of describeProblems(local.report)) process.stderr.write(`${showControls(line)}\n`);
    // Nothing read: the problems above say why; an all-zero summary would only add noise.
    assertSomethingRead(local.report);
    printResult(result, flags.top, flags.budget);
    if (stored) {
      process.stdout.write(stored.created
        ? `\nstored as run ${stored.runId} in ${stored.dir} (logsleuth show ${stored.runId})\n`
        : `\nrun ${stored.runId} is already stored in ${stored.dir}, unchanged (logsleuth show ${stored.runId})\n`);
    }
  }
  assertSomethingRead(local.report);
  if (notStored) {
    process.stderr.write(`logsleuth: ${showControls(notStored)}\n`);
    process.exitCode = 1;
  }
}

/**
 * `--workers`: threads that read JSON-lines input in detection's first pass, or none (one asked
 * for, or a CLI bundle built without the worker). `--debug` says which.
 */
async function startWorkers(flags: DetectFlags): Promise<ParallelReading | undefined> {
  if (flags.workers <= 1) return undefined;
  const { ParallelReading } = await import('../parallel/parallel-reading.ts');
  const started = ParallelReading.start(flags.workers, ingestOptions(flags), flags.chunkSize);
  if ('reason' in started) {
    debugLine(`detection reads its input on the main thread: ${started.reason}`);
    return undefined;
  }
  return started;
}

async function stopWorkers(parallel: ParallelReading): Promise<void> {
  debugLine(`detection: ${parallel.describe()}`);
  await parallel.close();
}

/** A line for `--debug` (a global option, read as cli/main.ts reads it). */
function debugLine(line: string): void {
  if (process.argv.includes('--debug')) process.stderr.write(`debug: ${line}\n`);
}

/**
 * Fails at once, before any work, when the result store is held by another process (a running
 * `logsleuth serve` holds it for as long as it runs): else the analysis would run, then wait, then fail.
 */
async function assertStoreFree(flags: { store: string | boolean }): Promise<void> {
  if (flags.store === false) return;
  const { storeHolder, DEFAULT_STORE_DIR } = await import('../adapters/local-store.ts');
  const dir = typeof flags.store === 'string' ? flags.store : DEFAULT_STORE_DIR;
  const holder = await storeHolder(dir);
  if (holder !== undefined) {
    throw new UserInputError(`the result store ${dir} is in use by another logsleuth process (pid ${holder}, e.g. \`logsleuth serve\`): ` +
      'stop it and run again, or add --no-store (the results are printed, not kept) or --store <another dir>');
  }
}

/** Where a run was kept; `created` is false when the same run was stored before (nothing changed). */
export interface StoredRun { dir: string; runId: string; created: boolean }

/**
 * Keeps the run in the embedded store through the cloud's own write sequence: `startRun` (the
 * idempotency gate), then {@link recordDetection}. A run stored before is left as it is.
 */
async function storeRun(dir: string | undefined, source: string, paths: string[], local: LocalInputs, model: Model, detection: DetectionResult, startedAt: number, inputsId: string): Promise<StoredRun> {
  const { openLocalStore } = await import('../adapters/local-store.ts');
  const store = await openLocalStore(dir);
  try {
    const start: Omit<RunRecord, 'status'> = {
      runId: detection.runId, source, modelId: model.id, startedAt,
      input: {
        location: process.cwd(), key: paths.join(', '),
        etag: stableId('e', inputsId),
        size: local.inputs.reduce((sum, i) => sum + (i.size ?? 0), 0),
      },
    };
    const { run } = await store.results.runs.startRun(start);
    // RUNNING: new, or left by an interrupted command; its writes are repeated and then it is DONE.
    if (run.status !== 'RUNNING') return { dir: store.dir, runId: run.runId, created: false };
    await recordDetection(store.results, run, detection, { finishedAt: Date.now(), report: local.report });
    return { dir: store.dir, runId: run.runId, created: true };
  } finally {
    await store.close();
  }
}
