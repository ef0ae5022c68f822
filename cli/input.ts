/**
 * Local inputs for the commands: walks the paths once, then streams records as often as a stage
 * needs (detection reads twice). Problems are counted on the first pass only.
 */
import { ingest, IngestReport, type IngestOptions, type InputObject, type LineSelector, type LogRecord } from '../shared/ingest/index.ts';
import { UserInputError } from '../shared/errors.ts';
import { fsInputs } from './adapters/fs-input.ts';
import { Progress } from './output/progress.ts';

export interface LocalInputs {
  inputs: InputObject[];
  report: IngestReport;
  /**
   * Records in input order; the first call fills `report`, later calls report into a scratch report.
   * `select` reads only the lines it picks (detection's second pass).
   */
  records(select?: LineSelector): AsyncIterable<LogRecord[]>;
}

/** `label` names the work in the progress line shown on a terminal during the first pass. */
export async function openLocalInputs(paths: string[], options: IngestOptions, label = 'reading'): Promise<LocalInputs> {
  const report = new IngestReport();
  const inputs: InputObject[] = [];
  for await (const input of fsInputs(paths, report)) inputs.push(input);
  let passes = 0;
  return {
    inputs,
    report,
    records: (select) => {
      const first = passes++ === 0;
      const records = ingest(inputs, { ...options, ...(select && { select }) }, first ? report : new IngestReport(0));
      return first ? withProgress(records, report, label) : records;
    },
  };
}

async function* withProgress(batches: AsyncIterable<LogRecord[]>, report: IngestReport, label: string): AsyncGenerator<LogRecord[]> {
  const progress = new Progress(label);
  try {
    for await (const batch of batches) {
      progress.update(report.bytes, report.records);
      yield batch;
    }
  } finally {
    progress.done();
  }
}

/** One line per problem a person should read, then how many more of each kind were not shown. */
export function describeProblems(report: IngestReport): string[] {
  // Each message already starts with its source (and line): ingest and the adapters write it so.
  const lines = report.problems.map((p) => p.message);
  for (const [kind, count] of Object.entries(report.counts)) {
    const shown = report.problems.filter((p) => p.kind === kind).length;
    if (count > shown) lines.push(`… and ${count - shown} more ${kind} problem(s) not shown`);
  }
  return [...lines, ...report.notes];
}

/**
 * Thrown when no input could be read at all. Its reasons were already printed, one line per problem,
 * so the CLI only exits non-zero: a summary line would repeat them.
 */
export class NothingReadError extends UserInputError {
  override name = 'NothingReadError';
  readonly reported = true;
}

/** False when nothing could be read at all (every path missing, unreadable or not a log file). */
export function somethingRead(report: IngestReport): boolean {
  const usable = report.sourcesRead - report.counts.binary;
  return !(report.records === 0 && usable <= 0 && report.sourcesFailed + report.counts.binary > 0);
}

/** Throws {@link NothingReadError} when nothing could be read; print the problems first. */
export function assertSomethingRead(report: IngestReport): void {
  if (!somethingRead(report)) throw new NothingReadError('no input could be read');
}
