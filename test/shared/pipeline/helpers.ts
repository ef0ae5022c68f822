/**
 * Helpers for the engine tests: generated scenarios read through the real ingest, replayable
 * record batches, and an independent reading of the generated JSON lines (by the generator's own
 * field names, not ingest's mapping) to check contexts against.
 */
import { generateLogLines, type IncidentKind, type InjectedIncident } from '../../../scripts/lib/microservice-logs.ts';
import { ingest, type LineSelector } from '../../../shared/ingest/ingest.ts';
import type { InputObject } from '../../../shared/ingest/input.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';
import { IngestReport } from '../../../shared/ingest/report.ts';

export interface Scenario {
  name: string;
  text: string;
  lines: string[];
  injected: InjectedIncident[];
  records: LogRecord[];
}

/** Generates a scenario and reads it through ingest (as a file named `name` would be). */
export async function scenario(name: string, seed: number, incidents: IncidentKind[] = [], sessions = 2000): Promise<Scenario> {
  const injected: InjectedIncident[] = [];
  const lines = [...generateLogLines({ seed, sessions, incidents }, injected)];
  const text = `${lines.join('\n')}\n`;
  const records = await readRecords(name, text);
  return { name, text, lines, injected, records };
}

/**
 * Opens the scenario through ingest from the start, as a file is re-read: with the detector's
 * selector on the second pass, only the lines it asks for are parsed (the CLI's path).
 */
export function reader(s: Scenario, batchSize = 1000): (select?: LineSelector) => AsyncIterable<LogRecord[]> {
  return (select) => ingest([memoryInput(s.name, s.text)], { batchSize, ...(select && { select }) }, new IngestReport());
}

/** An in-memory input with the given content. */
export function memoryInput(name: string, content: string): InputObject {
  const bytes = Buffer.from(content, 'utf8');
  return { name, size: bytes.length, async *open() { yield bytes; } };
}

export async function readRecords(name: string, content: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for await (const batch of ingest([memoryInput(name, content)], {}, new IngestReport())) records.push(...batch);
  return records;
}

/**
 * The records as a fresh stream of batches each time it is called, with copies of the records
 * (as re-reading a file would give: detection may fill in session ids on the records it gets).
 */
export function replay(records: LogRecord[], batchSize = 1000): () => AsyncIterable<LogRecord[]> {
  return async function* () {
    for (let at = 0; at < records.length; at += batchSize) yield records.slice(at, at + batchSize).map((r) => ({ ...r }));
  };
}

/** Session id fields the generator writes, per service (see scripts/lib/microservice-logs.ts). */
const GENERATOR_SESSION_FIELDS = ['request_id', 'correlationId', 'correlation_id', 'trace_id', 'traceId'];

/** The session id of a generated JSON line, read straight from the generator's field names. */
export function generatedSessionId(line: string): string | undefined {
  const object = JSON.parse(line) as Record<string, unknown>;
  for (const field of GENERATOR_SESSION_FIELDS) if (typeof object[field] === 'string') return object[field] as string;
  return undefined;
}

/** Every line of the session in the generated file, in file order, as {source, line}. */
export function sessionLines(s: Scenario, sessionId: string): { source: string; line: number }[] {
  const found: { source: string; line: number }[] = [];
  s.lines.forEach((text, index) => {
    if (generatedSessionId(text) === sessionId) found.push({ source: s.name, line: index + 1 });
  });
  return found;
}

/** Seeded log-normal duration around `median` ms (for hand-built record sets). */
export function logNormal(random: () => number, median: number, sigma = 0.3): number {
  const u = 1 - random();
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(median * Math.exp(sigma * normal) * 10) / 10;
}
