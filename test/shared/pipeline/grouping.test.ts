/**
 * How findings are grouped and bounded: a storm of spikes is one finding with its total count,
 * a record flagged by several detectors is one anomaly with several reasons, and a very long
 * session's context is sampled to a bound with its true size. Hand-built records on a small
 * seeded "web request" baseline: open → 1–3 timed queries → close.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../shared/detect/types.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';
import type { Model } from '../../../shared/model/model.ts';
import { detectAnomalies, type DetectionResult } from '../../../shared/pipeline/detect.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';
import { createRandom } from '../../../shared/random.ts';
import { logNormal, replay } from './helpers.ts';

const QUERY_MEDIAN_MS = 20;
const SPIKE_MS = 20_000;

/** Builds records with consecutive line numbers in one source. */
class Log {
  readonly records: LogRecord[] = [];
  constructor(private readonly source: string, private readonly random: () => number) {}

  add(message: string, extra: Partial<LogRecord> = {}): LogRecord {
    const record: LogRecord = { source: this.source, line: this.records.length + 1, message, level: 'INFO', ...extra };
    this.records.push(record);
    return record;
  }

  query(sessionId: string | undefined, durationMs = logNormal(this.random, QUERY_MEDIAN_MS)): LogRecord {
    return this.add(`Query on table orders took ${Math.round(durationMs)} ms`, { durationMs, ...(sessionId !== undefined && { sessionId }) });
  }

  /** A normal request session. */
  session(sessionId: string): void {
    this.add(`Session opened for user ${1000 + Math.floor(this.random() * 9000)}`, { sessionId });
    const queries = 1 + Math.floor(this.random() * 3);
    for (let q = 0; q < queries; q++) this.query(sessionId);
    this.add(`Session closed after ${queries} queries`, { sessionId });
  }
}

function normalTraffic(source: string, seed: number, sessions: number): Log {
  const log = new Log(source, createRandom(seed));
  for (let s = 0; s < sessions; s++) log.session(`${source}-s${s}`);
  return log;
}

let model: Model;

beforeAll(async () => {
  model = await trainModel(replay(normalTraffic('baseline.jsonl', 1, 400).records)(), { seed: 42 });
});

const detect = (records: LogRecord[]): Promise<DetectionResult> => detectAnomalies(model, replay(records), { runId: 'grouping' });
const spikesOf = (result: DetectionResult): Anomaly[] => result.anomalies.filter((a) => a.reasons.some((r) => r.type === 'DURATION_SPIKE'));

describe('grouping findings', () => {
  it('turns a storm of 10 000 spikes of one template into one finding with the total count', async () => {
    const log = normalTraffic('storm.jsonl', 2, 200);
    const firstSpike = log.query(undefined, SPIKE_MS).line;
    for (let i = 1; i < 10_000; i++) log.query(undefined, SPIKE_MS);

    const result = await detect(log.records);

    expect(result.countsByType.DURATION_SPIKE).toBe(10_000);
    const spikes = spikesOf(result);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]!.count).toBe(10_000);
    expect(spikes[0]!.line).toBe(firstSpike);
    expect(spikes[0]!.examples!.length).toBeLessThanOrEqual(5);
    expect(result.anomalies.length).toBeLessThan(10);
  });

  it('makes a spike inside an outlier session one anomaly with both reasons', async () => {
    const log = normalTraffic('hybrid.jsonl', 3, 200);
    // A session unlike any baseline session: opened, then 25 queries and never closed.
    log.add('Session opened for user 4242', { sessionId: 'odd' });
    for (let q = 0; q < 12; q++) log.query('odd');
    const spike = log.query('odd', SPIKE_MS).line;
    for (let q = 0; q < 12; q++) log.query('odd');

    const result = await detect(log.records);

    const inSession = result.anomalies.filter((a) => a.sessionId === 'odd');
    expect(inSession).toHaveLength(1);
    expect(inSession[0]!.line).toBe(spike);
    expect(inSession[0]!.reasons.map((r) => r.type)).toEqual(expect.arrayContaining(['DURATION_SPIKE', 'SESSION_OUTLIER']));
    expect(inSession[0]!.type).toBe(inSession[0]!.reasons[0]!.type);
    expect(inSession[0]!.score).toBeGreaterThanOrEqual(Math.max(...inSession[0]!.reasons.map((r) => r.score)));
  });
});

describe('long sessions', () => {
  it('sample a 10 000-record session to the bound, keeping its edges and the anomaly, with the true total', async () => {
    const log = normalTraffic('long.jsonl', 4, 200);
    const first = log.add('Session opened for user 777', { sessionId: 'long' }).line;
    let spike = -1;
    for (let q = 0; q < 9_998; q++) {
      const record = q === 6_000 ? log.query('long', SPIKE_MS) : log.query('long');
      if (q === 6_000) spike = record.line;
    }
    const last = log.add('Session closed after 9998 queries', { sessionId: 'long' }).line;

    const result = await detect(log.records);

    const found = result.anomalies.find((a) => a.sessionId === 'long' && a.line === spike);
    expect(found).toBeDefined();
    const context = found!.context;
    expect(context.contextType).toBe('FULL_SESSION');
    expect(context.truncated).toBe(true);
    expect(context.totalLogsInSession).toBe(10_000);
    expect(context.logs.length).toBeLessThanOrEqual(200);
    const lines = context.logs.map((l) => l.line);
    expect(lines[0]).toBe(first);
    expect(lines.at(-1)).toBe(last);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(context.logs.find((l) => l.line === spike)?.anomalous).toBe(true);
    // Every record shown really is one of the session's.
    const sessionLines = new Set(log.records.filter((r) => r.sessionId === 'long').map((r) => r.line));
    expect(lines.every((l) => sessionLines.has(l))).toBe(true);
  });
});
