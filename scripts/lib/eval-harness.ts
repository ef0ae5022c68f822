/**
 * The product's own path, in process: text → `ingest` (formats sniffed as for a user's file) →
 * `trainModel` on the baseline → `detectAnomalies` on the input, with the CLI's default options
 * (see `cli/commands/analyze.ts`). Shared by `eval-quiet`, `eval-incidents` and `test/eval`.
 */
import type { AnomalyType } from '../../shared/detect/types.ts';
import { stableId } from '../../shared/hash.ts';
import { ingest, IngestReport, type IngestOptions, type InputObject, type LineSelector, type LogRecord } from '../../shared/ingest/index.ts';
import type { Model } from '../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult } from '../../shared/pipeline/detect.ts';
import { trainModel } from '../../shared/pipeline/train.ts';

/** The CLI's defaults for `train` / `detect` / `analyze` (cli/commands/analyze.ts). */
export const CLI_DEFAULTS = { seed: 42, contamination: 0.05, z: 5, maxAnomalies: 100 } as const;

/** Every finding type, in the order tables print them. */
export const ANOMALY_TYPES: readonly AnomalyType[] = ['SESSION_OUTLIER', 'NEW_TEMPLATE', 'DURATION_SPIKE', 'ERROR_BURST', 'TEMPLATE_OUTLIER'];

/** A log file held in memory. */
export interface TextFile { name: string; text: string }

/** What a user would pass: `--format` and `--session-regex` (both optional, as on the CLI). */
export interface ReadOptions { format?: string; sessionRegex?: RegExp }

/** An in-memory input, handed out in 64 KiB chunks as a file stream would be. */
export function memoryInput(file: TextFile): InputObject {
  const bytes = Buffer.from(file.text, 'utf8');
  return {
    name: file.name,
    size: bytes.length,
    async *open() {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    },
  };
}

/** Opens the file through ingest from the start each call, as the CLI re-reads a file (`select` on the second pass). */
export function openRecords(file: TextFile, read: ReadOptions = {}): (select?: LineSelector) => AsyncIterable<LogRecord[]> {
  const options: IngestOptions = { ...(read.format !== undefined && { format: read.format }) };
  return (select) => ingest([memoryInput(file)], { ...options, ...(select && { select }) }, new IngestReport());
}

/** `logsleuth train` with default options. */
export async function trainOn(baseline: TextFile, read: ReadOptions = {}): Promise<Model> {
  return trainModel(openRecords(baseline, read)(), {
    seed: CLI_DEFAULTS.seed,
    contamination: CLI_DEFAULTS.contamination,
    ...(read.sessionRegex && { sessionRegex: read.sessionRegex }),
  });
}

/** `logsleuth detect` with default options; the run id is derived from the model and the input's name, as the CLI does. */
export async function detectOn(model: Model, input: TextFile, read: ReadOptions = {}): Promise<DetectionResult> {
  return detectAnomalies(model, openRecords(input, read), {
    runId: stableId('r', model.id, input.name, input.text.length),
    z: CLI_DEFAULTS.z,
    maxAnomalies: CLI_DEFAULTS.maxAnomalies,
    ...(read.sessionRegex && { sessionRegex: read.sessionRegex }),
  });
}

/** Findings (as reported, after capping) per type, every type present with 0 when none. */
export function findingsByType(result: DetectionResult): Record<AnomalyType, number> {
  const counts = Object.fromEntries(ANOMALY_TYPES.map((t) => [t, 0])) as Record<AnomalyType, number>;
  for (const anomaly of result.anomalies) counts[anomaly.type] += 1;
  return counts;
}

/** Right-aligned fixed-width table: one header row, then rows; the first column left-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd())
    .join('\n') + '\n';
}
