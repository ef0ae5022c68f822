/**
 * Every incident the generator injects is found, with the right context, over several seeds:
 * each (baseline seed, incident seed) pair trains on a clean run and detects on a run holding one
 * incident kind at a time, so one incident cannot hide or stand in for another.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { IncidentKind, InjectedIncident } from '../../../scripts/lib/microservice-logs.ts';
import type { Anomaly } from '../../../shared/detect/types.ts';
import type { Model } from '../../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult } from '../../../shared/pipeline/detect.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';
import { reader, replay, scenario, sessionLines, type Scenario } from './helpers.ts';

const SEEDS = [
  { baseline: 1, incident: 3 },
  { baseline: 2, incident: 4 },
  { baseline: 5, incident: 6 },
];
const KINDS: IncidentKind[] = ['duration-spike', 'cascade-failure', 'new-error-template', 'systemic-shift'];

interface Run { scenario: Scenario; injected: InjectedIncident; result: DetectionResult }
const runs = new Map<string, Run>();
const key = (incidentSeed: number, kind: IncidentKind) => `${incidentSeed}/${kind}`;

beforeAll(async () => {
  for (const seeds of SEEDS) {
    const baseline = await scenario('baseline.jsonl', seeds.baseline);
    const model: Model = await trainModel(replay(baseline.records)(), { seed: 42 });
    for (const kind of KINDS) {
      const s = await scenario('incident.jsonl', seeds.incident, [kind]);
      const result = await detectAnomalies(model, reader(s), { runId: `run-${seeds.incident}-${kind}` });
      runs.set(key(seeds.incident, kind), { scenario: s, injected: s.injected.find((i) => i.kind === kind)!, result });
    }
  }
});

const cases = SEEDS.flatMap((seeds) => KINDS.map((kind) => ({ seed: seeds.incident, kind })));
const hasReason = (a: Anomaly, type: Anomaly['type']) => a.reasons.some((r) => r.type === type);

/** FULL_SESSION context must be exactly the session's records in the file, in order. */
function expectFullSession(a: Anomaly, s: Scenario): void {
  expect(a.context.contextType).toBe('FULL_SESSION');
  const expected = sessionLines(s, a.sessionId!);
  expect(a.context.sessionId).toBe(a.sessionId);
  expect(a.context.totalLogsInSession).toBe(expected.length);
  expect(a.context.truncated).toBe(false);
  expect(a.context.logs.map((l) => ({ source: l.source, line: l.line }))).toEqual(expected);
}

/** WINDOW context: the 10 records before and after the line (every generated line is a record). */
function expectWindow(a: Anomaly, s: Scenario): void {
  expect(a.context.contextType).toBe('WINDOW');
  const line = a.line!;
  const first = Math.max(1, line - 10);
  const last = Math.min(s.lines.length, line + 10);
  const expected = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  expect(a.context.logs.length).toBeLessThanOrEqual(21);
  expect(a.context.logs.map((l) => l.line)).toEqual(expected);
  expect(a.context.logs.every((l) => l.source === s.name)).toBe(true);
}

describe('detection on generated incidents', () => {
  it.each(cases.filter((c) => c.kind === 'duration-spike'))('finds the injected duration spike at its line (incident seed $seed)', ({ seed, kind }) => {
    const { scenario: s, injected, result } = runs.get(key(seed, kind))!;

    const found = result.anomalies.find((a) => a.line === injected.lines[0] && hasReason(a, 'DURATION_SPIKE'));

    expect(found, `no DURATION_SPIKE at line ${injected.lines[0]}`).toBeDefined();
    expect(found!.source).toBe(s.name);
    expect(found!.sessionId).toBe(injected.sessionId);
    expectFullSession(found!, s);
    expect(found!.context.logs.find((l) => l.line === injected.lines[0])!.anomalous).toBe(true);
  });

  it.each(cases.filter((c) => c.kind === 'cascade-failure'))('finds the req-003 cascade with exactly its session as context (incident seed $seed)', ({ seed, kind }) => {
    const { scenario: s, injected, result } = runs.get(key(seed, kind))!;

    const found = result.anomalies.filter((a) => a.sessionId === 'req-003');

    expect(found.length).toBeGreaterThan(0);
    for (const a of found) {
      expect(injected.lines).toContain(a.line);
      expectFullSession(a, s);
    }
    // The session is the four injected records and nothing else.
    expect(found[0]!.context.logs.map((l) => l.line)).toEqual(injected.lines);
  });

  it.each(cases.filter((c) => c.kind === 'new-error-template'))('reports the new error template once, with a window around its first line (incident seed $seed)', ({ seed, kind }) => {
    const { scenario: s, injected, result } = runs.get(key(seed, kind))!;

    const found = result.anomalies.filter((a) => hasReason(a, 'NEW_TEMPLATE') && a.template.includes(injected.marker));

    expect(found).toHaveLength(1);
    expect(found[0]!.line).toBe(injected.lines[0]);
    expect(found[0]!.count).toBe(injected.lines.length);
    expect(found[0]!.sessionId).toBeUndefined();
    expectWindow(found[0]!, s);
    expect(found[0]!.context.logs.filter((l) => l.anomalous).map((l) => l.line)).toContain(injected.lines[0]);
  });

  it.each(cases.filter((c) => c.kind === 'systemic-shift'))('flags the shifted template as a TEMPLATE_OUTLIER (incident seed $seed)', ({ seed, kind }) => {
    const { injected, result } = runs.get(key(seed, kind))!;

    const found = result.anomalies.filter((a) => hasReason(a, 'TEMPLATE_OUTLIER') && a.template.startsWith(injected.marker));

    expect(found).toHaveLength(1);
    expect(found[0]!.ifScore).toBeGreaterThan(found[0]!.baselineIfScore!);
  });

  it.each(cases)('gives every anomaly an exact FULL_SESSION or a WINDOW context ($kind, incident seed $seed)', ({ seed, kind }) => {
    const { scenario: s, result } = runs.get(key(seed, kind))!;

    expect(result.anomalies.length).toBeGreaterThan(0);
    for (const a of result.anomalies) {
      expect(a.source).toBe(s.name);
      if (a.sessionId !== undefined) expectFullSession(a, s);
      else expectWindow(a, s);
    }
  });
});
