import { describe, expect, it } from 'vitest';
import { ContextCollector, type ContextPlan } from '../../../shared/detect/context.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';

const record = (line: number, extra: Partial<LogRecord> = {}): LogRecord => ({ source: 'a.log', line, message: `message ${line}`, ...extra });

function collect(records: LogRecord[], plan: Partial<ContextPlan>) {
  const collector = new ContextCollector(
    { sessions: new Map(), windows: new Set(), anomalous: new Set(), anchors: new Set(), ...plan },
    () => undefined,
  );
  records.forEach((r, ordinal) => collector.add(r, ordinal));
  return collector;
}

describe('ContextCollector', () => {
  it('collects every record of a short session in input order, from anywhere in the input', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(i + 1, i % 7 === 0 ? { sessionId: 's1' } : { sessionId: `other-${i}` }));
    const collector = collect(records, { sessions: new Map([['s1', { total: 8 }]]), anomalous: new Set([14]) });

    const session = collector.sessionLogs('s1')!;

    expect(session.logs.map((l) => l.line)).toEqual([1, 8, 15, 22, 29, 36, 43, 50]);
    expect(session.truncated).toBe(false);
    expect(session.logs.filter((l) => l.anomalous).map((l) => l.line)).toEqual([15]);
  });

  it('samples a long session to its budget but keeps every anomalous and error record and both edges', () => {
    const total = 10_000;
    const records = Array.from({ length: total }, (_, i) =>
      record(i + 1, { sessionId: 'long', ...(i === 5000 || i === 7777 ? { level: 'ERROR' as const } : {}) }),
    );
    const collector = collect(records, { sessions: new Map([['long', { total }]]), anomalous: new Set([4321]), maxSessionLogs: 200 });

    const session = collector.sessionLogs('long')!;
    const lines = session.logs.map((l) => l.line);

    expect(session.truncated).toBe(true);
    expect(session.total).toBe(total);
    expect(session.logs.length).toBeLessThanOrEqual(201);
    expect(lines).toContain(4322);
    expect(lines).toContain(5001);
    expect(lines).toContain(7778);
    expect(lines.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(lines.at(-1)).toBe(total);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });

  it('gives a record without a session the 10 records before and after it from the same source', () => {
    const records = Array.from({ length: 60 }, (_, i) => record(i + 1, { source: i % 2 ? 'b.log' : 'a.log' }));
    const collector = collect(records, { windows: new Set([20]), anomalous: new Set([20]) });

    const window = collector.windowLogs(20)!;

    expect(window).toHaveLength(21);
    expect(window.every((l) => l.source === 'a.log')).toBe(true);
    expect(window.filter((l) => l.anomalous).map((l) => l.line)).toEqual([21]);
    expect(window[0]!.line).toBe(1);
    expect(window.at(-1)!.line).toBe(41);
  });

  it('cuts a window short at the start and end of the input', () => {
    const records = Array.from({ length: 5 }, (_, i) => record(i + 1));
    const collector = collect(records, { windows: new Set([1]) });

    expect(collector.windowLogs(1)!.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
  });
});
