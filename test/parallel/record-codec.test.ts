import { describe, expect, it } from 'vitest';
import { serialize, deserialize } from 'node:v8';
import { decodeRecords, encodeRecords } from '../../cli/parallel/record-codec.ts';
import type { LogRecord } from '../../shared/ingest/record.ts';

/** Through the codec and a structured clone, as between threads. */
const roundTrip = (records: LogRecord[]) => decodeRecords(deserialize(serialize(encodeRecords(records))));

describe('record codec', () => {
  it('gives back the same records with their keys in the same order', () => {
    const records: LogRecord[] = [
      { source: 'a.jsonl', line: 1, message: 'started', level: 'INFO', timestamp: 1_700_000_000_000, sessionId: 's-1', service: 'api' },
      { source: 'a.jsonl', line: 2, message: 'took 5 ms', level: 'INFO', sessionId: 's-1', service: 'api', durationMs: 5 },
      { source: 'a.jsonl', line: 3, message: 'boom', detail: '  at x\n  at y', fields: { level: 'weird' }, sessionId: 's-2' },
      { source: 'a.jsonl', line: 4, message: 'started', level: 'INFO', timestamp: 1_700_000_000_001, sessionId: 's-1', service: 'api' },
    ];
    const back = roundTrip(records);
    expect(back).toEqual(records);
    expect(back.map((r) => Object.keys(r))).toEqual(records.map((r) => Object.keys(r)));
  });

  it('keeps -0, NaN and values that are neither strings nor numbers', () => {
    const odd = { source: 's', line: 1, message: 'm', durationMs: -0, timestamp: Number.NaN, flag: true, nothing: undefined } as unknown as LogRecord;
    const [back] = roundTrip([odd]);
    expect(Object.is((back as { durationMs: number }).durationMs, -0)).toBe(true);
    expect(back!.timestamp).toBeNaN();
    expect(Object.entries(back!)).toEqual(Object.entries(odd));
  });

  it('tells a string apart from a number under the same key', () => {
    const records = [{ source: 's', line: 1, message: '1' }, { source: 's', line: '2', message: 2 }] as unknown as LogRecord[];
    expect(roundTrip(records)).toEqual(records);
  });
});
