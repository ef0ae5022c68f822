/**
 * Signatures for reusing explanations. Two anomaly groups with the same signature (same source, same
 * anomaly types and templates, same *shape* of session, same explainer) almost surely have the same
 * explanation, so the second one reuses the first instead of paying for another model call.
 *
 * The shape of a context is its sequence of templates with consecutive repeats collapsed (a retry
 * loop of 3 or 30 timeouts is the same shape), each marked with its level and whether it was
 * anomalous. Ids, durations and timestamps do not enter: they vary between occurrences.
 */
import type { Anomaly, ContextLog } from '../detect/types.ts';
import { stableId } from '../hash.ts';

/** A position in a context's shape: the run (index in the collapsed sequence) and the record within it. */
export interface ShapePosition {
  run: number;
  offset: number;
}

/** The collapsed template sequence of a context (see the module comment). */
export function contextShape(logs: ContextLog[]): string[] {
  const shape: string[] = [];
  for (const log of logs) {
    const step = stepOf(log);
    if (shape[shape.length - 1] !== step) shape.push(step);
  }
  return shape;
}

/**
 * The signature of an anomaly group (its members share one context). `scope` names the explainer
 * (method and model), so switching models does not serve the old model's answers.
 */
export function explanationSignature(source: string, group: Anomaly[], scope: string): string {
  const lead = group[0];
  if (!lead) throw new Error('an anomaly group has at least one anomaly');
  const members = [...new Set(group.map((a) => `${a.type}\u0001${a.templateId}\u0001${a.template}`))].sort();
  return stableId('x', scope, source, lead.context.contextType, ...members, '\u0002', ...contextShape(lead.context.logs));
}

/** Where each of `lines` sits in the shape of `logs` (lines not in `logs` are dropped). */
export function shapePositions(logs: ContextLog[], lines: number[]): ShapePosition[] {
  const wanted = new Set(lines);
  const positions: ShapePosition[] = [];
  walk(logs, (log, run, offset) => {
    if (wanted.has(log.line)) positions.push({ run, offset });
  });
  return positions;
}

/**
 * The lines of `logs` at `positions` (from another context of the same shape). A run shorter here
 * than there gives its last record.
 */
export function linesAt(logs: ContextLog[], positions: ShapePosition[]): number[] {
  const runs: number[][] = [];
  walk(logs, (log, run) => {
    (runs[run] ??= []).push(log.line);
  });
  const lines = positions.map(({ run, offset }) => {
    const records = runs[run];
    return records ? records[Math.min(offset, records.length - 1)] : undefined;
  });
  return [...new Set(lines.filter((line): line is number => line !== undefined))].sort((a, b) => a - b);
}

function stepOf(log: ContextLog): string {
  return `${log.level ?? '-'}:${log.templateId ?? '?'}${log.anomalous ? '!' : ''}`;
}

function walk(logs: ContextLog[], visit: (log: ContextLog, run: number, offset: number) => void): void {
  let run = -1;
  let offset = 0;
  let previous: string | undefined;
  for (const log of logs) {
    const step = stepOf(log);
    if (step !== previous) {
      run++;
      offset = 0;
      previous = step;
    } else {
      offset++;
    }
    visit(log, run, offset);
  }
}
