/**
 * `detect`: finds anomalies in logs against a trained model and explains them; the result is the
 * CLI's `--json` document. Same stages as `logsleuth detect` / `analyze`, minus the printing and the
 * result store.
 */
import { resultDocument, type ResultDocument } from '../cli/output/result.ts';
import { FileSpillStore } from '../functions/lib/file-spill-store.ts';
import { DEFAULT_SESSION_BUDGET } from '../shared/detect/session-tracker.ts';
import { contaminationNote } from '../shared/detect/session-outliers.ts';
import { UserInputError } from '../shared/errors.ts';
import { somethingRead } from '../cli/input.ts';
import { detectAnomalies } from '../shared/pipeline/detect.ts';
import { explainAnomalies, heuristicExplainer, type Explainer } from './explainers.ts';
import { openInputs, type LogInput } from './inputs.ts';
import { coreOf, loadModel, Model } from './model.ts';
import { readingOptions, type InputOptions } from './options.ts';
import { runIdFor } from './run-id.ts';

/** The result of {@link detect}: the `logsleuth analyze --json` document (without `stored`). */
export type DetectionResult = ResultDocument;

/** Options of {@link detect}: how to read the input, the CLI's detection flags, and who explains. */
export interface DetectOptions extends InputOptions {
  /** Robust z-score (log space) a duration must reach to be a spike (`--z`, default 5). */
  z?: number;
  /** Most anomalies reported, strongest first (`--max-anomalies`, default 100). */
  maxAnomalies?: number;
  /** Sessions counted in memory at once; the rest wait in a temporary file, same results (`--session-budget`). */
  sessionBudget?: number;
  /**
   * Names the run; anomaly ids derive from it (`stableId(runId, type, template, line)`), so the same
   * run id, model and input give the same ids. Default: derived from the model, the options and the
   * inputs' names and contents (small inputs are hashed in full: one more read). Pass a CLI run's
   * `runId` to get that run's anomaly ids.
   */
  runId?: string;
  /** Who explains: `'heuristic'` (default, offline), `false` (no explanations), or any explainer, e.g. `bedrockExplainer()`. */
  explainer?: 'heuristic' | Explainer | false;
  /** Anomalies (strongest first) the explainer explains; the rest get the heuristic explanation (default 10, as `--explain-top`). */
  explainTop?: number;
  /** Told about explainer failures (the anomaly then gets the heuristic explanation). Default: ignored. */
  onWarning?: (message: string) => void;
}

/**
 * Finds the anomalies in `inputs` against `model` (a {@link Model}, or a model directory or
 * `model.json` path for {@link loadModel}). Problems reading the input (missing files, malformed
 * lines) are in the result's `problems` and `problemCounts`, as in `--json`; when no input could be
 * read at all, it throws `UserInputError` listing them.
 */
export async function detect(inputs: readonly LogInput[], model: Model | string, options: DetectOptions = {}): Promise<DetectionResult> {
  const started = performance.now();
  const core = coreOf(typeof model === 'string' ? await loadModel(model) : model);
  const reading = readingOptions(options);
  const z = options.z ?? 5;
  const maxAnomalies = options.maxAnomalies ?? 100;
  const opened = await openInputs(inputs, reading.ingest);
  // Session counters past the budget go to a temporary directory, removed when detection ends.
  const spill = new FileSpillStore(undefined, { removeOnExit: true });
  try {
    const gateNote = contaminationNote(core.sessionGate);
    if (gateNote) opened.report.note(gateNote);
    const runId = options.runId ?? await runIdFor(core.id, { z, maxAnomalies, sessionRegex: reading.sessionRegex, ingest: reading.ingest }, opened.objects);
    const detection = await detectAnomalies(core, (select) => opened.records(select), {
      runId, z, maxAnomalies, spill, sessionBudget: options.sessionBudget ?? DEFAULT_SESSION_BUDGET,
      ...(reading.sessionRegex && { sessionRegex: reading.sessionRegex }),
    });
    if (!somethingRead(opened.report)) {
      throw new UserInputError(`no input could be read: ${opened.report.problems.map((p) => p.message).join('; ')}`);
    }
    const explainer = options.explainer === undefined || options.explainer === 'heuristic' ? heuristicExplainer : options.explainer;
    const anomalies = explainer === false
      ? detection.anomalies
      : await explainAnomalies(detection.anomalies, explainer, options.explainTop ?? 10, options.onWarning ?? (() => {}));
    return resultDocument({ ...detection, anomalies }, opened.report, `model ${core.id}`, (performance.now() - started) / 1000);
  } finally {
    await Promise.all([spill.dispose(), opened.close()]);
  }
}
