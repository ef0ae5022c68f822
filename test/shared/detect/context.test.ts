import { describe, expect, it } from 'vitest';
import { ContextCollector, type ContextPlan } from '../../../shared/detect/context.ts';
import { sessionKey } from '../../../shared/detect/session-tracker.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';

const planned = (id: string, total: number) => new Map([[sessionKey(id), { total, id }]]);

const record = (line: number, extra: Partial<LogRecord> = {}): LogRecord => ({ source: 'a.log', line, message: `message ${line}`, ...extra });

/** Runs the second pass the way detection does: only lines the collector selects reach it. */
function collect(records: LogRecord[], plan: Partial<ContextPlan>) {
  const collector = new ContextCollector({ sessions: new Map(), windows: [], marked: [], ...plan }, () => undefined);
  const raw = (r: LogRecord) => JSON.stringify({ msg: r.message, request_id: r.sessionId });
  for (const r of records) if (collector.select(r.source, r.line, raw(r))) collector.add(r);
  return collector;
}

describe('ContextCollector', () => {
  it('collects every record of a short session in input order, from anywhere in the input', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(i + 1, { sessionId: i % 7 === 0 ? 's1' : `other-${i}` }));
    const collector = collect(records, { sessions: planned('s1', 8), marked: [{ source: 'a.log', line: 15 }] });

    const session = collector.sessionLogs(sessionKey('s1'))!;

    expect(session.logs.map((l) => l.line)).toEqual([1, 8, 15, 22, 29, 36, 43, 50]);
    expect(session.truncated).toBe(false);
    expect(session.logs.filter((l) => l.anomalous).map((l) => l.line)).toEqual([15]);
    expect(collector.anchor({ source: 'a.log', line: 15 })?.sessionId).toBe('s1');
  });

  it('selects only the lines it needs, so the other lines need not be parsed', () => {
    const collector = new ContextCollector({ sessions: planned('req-7', 1), windows: [{ source: 'a.log', line: 500 }], marked: [] }, () => undefined);

    expect(collector.select('a.log', 3, '{"request_id":"req-7"}')).toBe(true);
    expect(collector.select('a.log', 4, '{"request_id":"req-8"}')).toBe(false);
    expect(collector.select('a.log', 495, '{}')).toBe(true);
    expect(collector.select('b.log', 495, '{}')).toBe(false);
    expect(collector.select('a.log', 900, '{}')).toBe(false);
  });

  it('samples a long session to its budget but keeps every anomalous and error record and both edges', () => {
    const total = 10_000;
    const records = Array.from({ length: total }, (_, i) =>
      record(i + 1, { sessionId: 'long', ...(i === 5000 || i === 7777 ? { level: 'ERROR' as const } : {}) }),
    );
    const collector = collect(records, { sessions: planned('long', total), marked: [{ source: 'a.log', line: 4322 }], maxSessionLogs: 200 });

    const session = collector.sessionLogs(sessionKey('long'))!;
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
    const collector = collect(records, { windows: [{ source: 'a.log', line: 21 }], marked: [{ source: 'a.log', line: 21 }] });

    const window = collector.windowLogs({ source: 'a.log', line: 21 })!;

    expect(window).toHaveLength(21);
    expect(window.every((l) => l.source === 'a.log')).toBe(true);
    expect(window.filter((l) => l.anomalous).map((l) => l.line)).toEqual([21]);
    expect(window[0]!.line).toBe(1);
    expect(window.at(-1)!.line).toBe(41);
  });

  it('counts records, not line numbers: skipped lines do not shrink the window', () => {
    const records = Array.from({ length: 60 }, (_, i) => record(i * 2 + 1));
    const collector = collect(records, { windows: [{ source: 'a.log', line: 61 }] });

    const window = collector.windowLogs({ source: 'a.log', line: 61 })!;

    expect(window.map((l) => l.line)).toEqual(Array.from({ length: 21 }, (_, i) => 41 + i * 2));
  });

  it('cuts a window short at the start and end of the input', () => {
    const records = Array.from({ length: 5 }, (_, i) => record(i + 1));
    const collector = collect(records, { windows: [{ source: 'a.log', line: 2 }] });

    expect(collector.windowLogs({ source: 'a.log', line: 2 })!.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('continues from a JSON checkpoint exactly as if never interrupted', () => {
    const records = Array.from({ length: 300 }, (_, i) => record(i + 1, { sessionId: i % 3 === 0 ? 'keep' : `x${i}` }));
    const plan: ContextPlan = { sessions: planned('keep', 100), windows: [{ source: 'a.log', line: 150 }], marked: [{ source: 'a.log', line: 151 }] };
    const whole = collect(records, plan);
    const first = new ContextCollector(plan, () => undefined);
    records.slice(0, 149).forEach((r) => first.add(r));
    const resumed = ContextCollector.fromJSON(JSON.parse(JSON.stringify(first.toJSON())), () => undefined);
    records.slice(149).forEach((r) => resumed.add(r));

    expect(resumed.sessionLogs(sessionKey('keep'))).toEqual(whole.sessionLogs(sessionKey('keep')));
    expect(resumed.windowLogs({ source: 'a.log', line: 150 })).toEqual(whole.windowLogs({ source: 'a.log', line: 150 }));
  });
});
