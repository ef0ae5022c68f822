/**
 * Runs detection start to end over an input that can be read twice (files, S3 objects).
 * The Lambda drives {@link Detector} itself to checkpoint near its deadline.
 */
import type { LineSelector } from '../ingest/ingest.ts';
import type { LogRecord } from '../ingest/record.ts';
import type { Model } from '../model/model.ts';
import { Detector, type DetectionResult, type DetectOptions } from './detector.ts';

export type { DetectionResult, DetectOptions } from './detector.ts';

export async function detectAnomalies(
  model: Model,
  /** Opens the input from the start; the second call gets a selector of the lines worth parsing. */
  openRecords: (select?: LineSelector) => AsyncIterable<LogRecord[]>,
  options: DetectOptions,
  /** Pass 1's clusters when they were matched elsewhere (the CLI's worker threads); else matched here. */
  clustersOf?: (batch: LogRecord[]) => Int32Array | undefined,
): Promise<DetectionResult> {
  const detector = new Detector(model, options);
  for await (const batch of openRecords()) detector.observe(batch, clustersOf?.(batch));
  detector.startCollecting();
  // Nothing kept, nothing to fetch: the input is read once.
  if (detector.needsCollecting) for await (const batch of openRecords(detector.select)) detector.collect(batch);
  return detector.finish();
}
