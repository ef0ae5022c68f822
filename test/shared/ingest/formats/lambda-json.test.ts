import { describe, expect, it } from 'vitest';
import { lambdaJsonPreset } from '../../../../shared/ingest/formats/lambda-json.ts';
import { sniffJsonPreset } from '../../../../shared/ingest/formats/registry.ts';
import { REQ1, REQ2, context } from './lambda-samples.ts';

/** A Python function's stream in Lambda's JSON log format: cold start, a good call, a timeout. */
const STREAM = [
  { time: '2024-05-14T09:21:06.950Z', type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init', runtimeVersion: 'python:3.12.v30', runtimeVersionArn: 'arn:aws:lambda:eu-west-1::runtime:0a1b2c3d4e5f', functionName: 'checkout', functionVersion: '$LATEST' } },
  { time: '2024-05-14T09:21:07.300Z', type: 'platform.start', record: { requestId: REQ1, version: '$LATEST' } },
  { timestamp: '2024-05-14T09:21:07.512Z', level: 'INFO', message: 'processing order 4411', logger: 'root', requestId: REQ1 },
  { time: '2024-05-14T09:21:07.560Z', type: 'platform.runtimeDone', record: { requestId: REQ1, status: 'success', metrics: { durationMs: 44.9, producedBytes: 27 } } },
  { time: '2024-05-14T09:21:07.561Z', type: 'platform.report', record: { requestId: REQ1, metrics: { durationMs: 45.21, billedDurationMs: 46, memorySizeMB: 128, maxMemoryUsedMB: 71, initDurationMs: 160.14 }, status: 'success' } },
  { time: '2024-05-14T09:21:09.000Z', type: 'platform.start', record: { requestId: REQ2, version: '$LATEST' } },
  { time: '2024-05-14T09:21:12.001Z', type: 'platform.report', record: { requestId: REQ2, metrics: { durationMs: 3000.0, billedDurationMs: 3000, memorySizeMB: 128, maxMemoryUsedMB: 74 }, status: 'timeout', tracing: { spanId: '7a6b5c4d3e2f1a0b', type: 'X-Amzn-Trace-Id', value: 'Root=1-6643318c-5f1e2d3c4b5a69788796a5b4;Parent=7a6b5c4d3e2f1a0b;Sampled=0' } } },
];

const parse = (value: unknown, ordinal = 1) => lambdaJsonPreset.create(context()).records(value, 'fn.jsonl', ordinal);
const headOf = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n');

describe('lambda-json preset', () => {
  it('maps platform.report: duration from metrics.durationMs, session from requestId, other metrics in fields', () => {
    expect(parse(STREAM[4], 5)).toEqual([{
      source: 'fn.jsonl',
      line: 5,
      message: 'platform.report status=success',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 561),
      sessionId: REQ1,
      durationMs: 45.21,
      fields: { billedDurationMs: '46', memorySizeMB: '128', maxMemoryUsedMB: '71', initDurationMs: '160.14', status: 'success' },
    }]);
  });

  it('marks a timed-out report as ERROR and keeps its trace header', () => {
    const [record] = parse(STREAM[6]);
    expect(record).toMatchObject({ message: 'platform.report status=timeout', level: 'ERROR', durationMs: 3000, sessionId: REQ2 });
    expect(record?.fields?.traceId).toBe('Root=1-6643318c-5f1e2d3c4b5a69788796a5b4;Parent=7a6b5c4d3e2f1a0b;Sampled=0');
  });

  it.each(['error', 'failure'])('marks a runtimeDone with status %s as ERROR', (status) => {
    const [record] = parse({ time: '2024-05-14T09:21:07.560Z', type: 'platform.runtimeDone', record: { requestId: REQ1, status, errorType: 'Runtime.ExitError' } });
    expect(record).toMatchObject({ message: `platform.runtimeDone status=${status} errorType=Runtime.ExitError`, level: 'ERROR' });
  });

  it('keeps ids and versions out of platform messages so they template cleanly', () => {
    const [start] = parse(STREAM[1]);
    const [init] = parse(STREAM[0]);
    expect(start).toMatchObject({ message: 'platform.start', sessionId: REQ1, fields: { version: '$LATEST' } });
    expect(start?.level).toBeUndefined();
    expect(init).toMatchObject({ message: 'platform.initStart phase=init', fields: { runtimeVersion: 'python:3.12.v30', functionName: 'checkout' } });
    expect(init?.sessionId).toBeUndefined();
  });

  it('maps an application line with the run\'s field aliases', () => {
    expect(parse(STREAM[2], 3)).toEqual([{
      source: 'fn.jsonl',
      line: 3,
      message: 'processing order 4411',
      level: 'INFO',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 512),
      sessionId: REQ1,
      service: 'root',
    }]);
  });

  it('turns Node\'s error object message into `ErrorType: message`, with the stack as detail', () => {
    const [record] = parse({
      timestamp: '2024-05-14T09:21:07.530Z', level: 'ERROR', requestId: REQ1,
      message: { errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", stackTrace: ['TypeError: Cannot read properties of undefined', '    at handler (/var/task/index.mjs:4:20)'] },
    });
    expect(record).toMatchObject({ message: "TypeError: Cannot read properties of undefined (reading 'id')", level: 'ERROR', sessionId: REQ1 });
    expect(record?.detail).toBe('TypeError: Cannot read properties of undefined\n    at handler (/var/task/index.mjs:4:20)');
  });

  it('gives no record for a value that is not an object', () => {
    expect(parse('plain text')).toEqual([]);
    expect(parse([1, 2])).toEqual([]);
  });

  it('is sniffed from a platform line first', () => {
    expect(sniffJsonPreset(headOf(STREAM), STREAM[0])?.name).toBe('lambda-json');
  });

  it('is sniffed from an application line when platform lines follow in the head', () => {
    const values = STREAM.slice(2);
    expect(sniffJsonPreset(headOf(values), values[0])?.name).toBe('lambda-json');
  });

  it('does not claim a JSON log with a requestId but no platform line', () => {
    const values = [{ timestamp: '2024-05-14T09:21:07.512Z', level: 'info', requestId: 'r-1', message: 'hi' }];
    expect(lambdaJsonPreset.sniff(headOf(values), values[0])).toBe(false);
  });
});
