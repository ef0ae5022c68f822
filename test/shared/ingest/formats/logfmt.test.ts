import { describe, expect, it } from 'vitest';
import { JsonRecordMapper, resolveFieldMapping } from '../../../../shared/ingest/field-mapping.ts';
import { logfmtPreset, parseLogfmt } from '../../../../shared/ingest/formats/logfmt.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { LOGFMT, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

describe('parseLogfmt', () => {
  it('splits bare and quoted values in order', () => {
    expect(parseLogfmt('a=1 b="two words" c= d=x=y')).toEqual([['a', '1'], ['b', 'two words'], ['c', ''], ['d', 'x=y']]);
  });

  it('unescapes Go-quoted values', () => {
    expect(parseLogfmt('msg="line one\\nline \\"two\\" \\\\ \\u00e9\\t!"')).toEqual([['msg', 'line one\nline "two" \\ é\t!']]);
  });

  it.each([
    ['a bare word', 'Connected to db host=foo'],
    ['an unterminated quote', 'msg="never closed level=info'],
    ['text glued to a closing quote', 'msg="a"b level=info'],
    ['a quote inside a bare value', 'msg=a"b level=info'],
    ['a stack frame', '\tat com.example.Foo.bar(Foo.java:1)'],
  ])('rejects %s', (_why, line) => {
    expect(parseLogfmt(line)).toBeUndefined();
  });
});

describe('logfmt preset', () => {
  const records = parseAll(logfmtPreset, LOGFMT) as LogRecord[];

  it('maps a slog line with the field aliases; unused keys go to fields', () => {
    expect(records[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'request done',
      level: 'INFO',
      timestamp: Date.parse('2024-01-01T00:00:00.000Z'),
      durationMs: 12,
      sessionId: '9f1c2a',
      fields: { method: 'GET', path: '/api/orders/42', status: '200' },
    });
  });

  it('maps a logrus line: quoted time, warning level, duration in seconds, service', () => {
    expect(records[1]).toEqual({
      source: 'sample.log',
      line: 2,
      message: 'slow query',
      level: 'WARN',
      timestamp: Date.parse('2024-01-01T00:00:01Z'),
      durationMs: 1500,
      service: 'orders',
      fields: { query: 'SELECT * FROM orders WHERE id = $1' },
    });
  });

  it('maps a go-kit line: ts key, trace_id as session', () => {
    expect(records[2]).toMatchObject({
      message: 'dial tcp 10.0.0.1:5432: connect: connection refused',
      level: 'ERROR',
      timestamp: Date.parse('2024-01-01T00:00:02.500Z'),
      sessionId: 'abc123',
      fields: { caller: 'main.go:42' },
    });
  });

  it('without a msg key, makes the message from the unused pairs', () => {
    expect(records[3]).toEqual({
      source: 'sample.log',
      line: 4,
      message: 'method=GET path=/health status=200',
      level: 'INFO',
      fields: { method: 'GET', path: '/health', status: '200' },
    });
  });

  it('reads a Go duration with several units', () => {
    expect(parseOne(logfmtPreset, 'level=info msg=done duration=1m2.5s')).toMatchObject({ durationMs: 62_500 });
  });

  it('keeps an unrecognised level and a time it cannot read in fields', () => {
    const record = parseOne(logfmtPreset, 'level=chatty msg=x time=soon') as LogRecord;
    expect(record.level).toBeUndefined();
    expect(record.timestamp).toBeUndefined();
    expect(record.fields).toEqual({ level: 'chatty', time: 'soon' });
  });

  it('follows the run\'s field mapping (a custom message alias)', () => {
    const mapper = new JsonRecordMapper(resolveFieldMapping({ message: ['text'] }));
    expect(parseOne(logfmtPreset, 'level=info text="custom alias" user=7', { mapper })).toMatchObject({
      message: 'custom alias', fields: { user: '7' },
    });
  });

  it.each([
    ['prose with one pair', 'retrying with backoff=200ms'],
    ['pairs without a message or level key', 'a=1 b=2 c=3'],
    ['a single pair', 'level=info'],
    ['a syslog line', 'Dec  2 07:19:01 host app: level=info msg=x'],
    ['a stack frame', '\tat com.example.Foo.bar(Foo.java:1)'],
    ['a JSON line', '{"level":"info","msg":"x"}'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(logfmtPreset, line)).toBeUndefined();
  });

  it('is sniffed as logfmt, read by no other common preset', () => {
    expectClaimedOnlyBy(logfmtPreset, LOGFMT);
  });
});
