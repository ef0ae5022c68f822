import { describe, expect, it } from 'vitest';
import { criPreset } from '../../../../shared/ingest/formats/cri.ts';
import { SKIP } from '../../../../shared/ingest/formats/preset.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { CRI, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

describe('cri preset', () => {
  const records = parseAll(criPreset, CRI);

  it('reads a plain stdout line: CRI time, stream in fields, no level', () => {
    expect(records[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'Starting server on :8080',
      timestamp: Date.parse('2016-10-06T00:17:09.669Z'),
      fields: { stream: 'stdout' },
    });
  });

  it('does not make stderr an error', () => {
    expect(records[1]).toEqual({
      source: 'sample.log',
      line: 2,
      message: 'warning: flag --foo is deprecated',
      timestamp: Date.parse('2016-10-06T00:17:09.669Z'),
      fields: { stream: 'stderr' },
    });
  });

  it('skips a partial line and joins it into the full one, with the first piece\'s line and time', () => {
    expect(records[2]).toBe(SKIP);
    expect(records[3]).toEqual({
      source: 'sample.log',
      line: 3,
      message: 'payment failed',
      level: 'ERROR',
      sessionId: 'r-1',
      durationMs: 87,
      timestamp: Date.parse('2016-10-06T00:17:10.113Z'),
      fields: { stream: 'stdout' },
    });
  });

  it('maps a JSON message: its time wins, the CRI time is the fallback', () => {
    expect(records[4]).toMatchObject({ message: 'no time here', level: 'INFO', timestamp: Date.parse('2016-10-06T00:17:11.000Z') });
    const inner = parseOne(criPreset, '2016-10-06T00:17:11.000000000Z stdout F {"time":"2020-01-01T00:00:00Z","msg":"m"}');
    expect(inner).toMatchObject({ timestamp: Date.parse('2020-01-01T00:00:00Z'), message: 'm', fields: { stream: 'stdout' } });
  });

  it('joins partial lines of stdout and stderr separately when they interleave', () => {
    const out = parseAll(criPreset, [
      '2024-01-01T00:00:00.000000001Z stdout P out-1 ',
      '2024-01-01T00:00:00.000000002Z stderr P err-1 ',
      '2024-01-01T00:00:00.000000003Z stdout P out-2 ',
      '2024-01-01T00:00:00.000000004Z stderr F err-2',
      '2024-01-01T00:00:00.000000005Z stdout F out-3',
    ]);
    expect(out.slice(0, 3)).toEqual([SKIP, SKIP, SKIP]);
    expect(out[3]).toMatchObject({ line: 2, message: 'err-1 err-2', fields: { stream: 'stderr' } });
    expect(out[4]).toMatchObject({ line: 1, message: 'out-1 out-2 out-3', fields: { stream: 'stdout' } });
  });

  it('keeps a JSON-looking message that does not parse as text', () => {
    expect(parseOne(criPreset, '2024-01-01T00:00:00Z stdout F {not json}')).toMatchObject({ message: '{not json}' });
  });

  it('reads an empty full line', () => {
    expect(parseOne(criPreset, '2024-01-01T00:00:00Z stdout F')).toMatchObject({ message: '' });
  });

  it('returns a stack frame line as its own record (its message is the frame)', () => {
    expect(parseOne(criPreset, '2024-01-01T00:00:00Z stderr F \tat com.example.Foo.bar(Foo.java:1)')).toMatchObject({
      message: '\tat com.example.Foo.bar(Foo.java:1)',
    });
  });

  it.each([
    ['an unknown stream', '2016-10-06T00:17:09.669794202Z stdin F hi'],
    ['an unknown tag', '2016-10-06T00:17:09.669794202Z stdout X hi'],
    ['a bad time', '2016-13-06T00:17:09.669794202Z stdout F hi'],
    ['a CloudWatch export line', '2024-01-01T00:00:00.000Z START RequestId: 8f5e Version: $LATEST'],
    ['a stack frame', '\tat com.example.Foo.bar(Foo.java:1)'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(criPreset, line)).toBeUndefined();
  });

  it('is sniffed as cri, read by no other common preset', () => {
    expectClaimedOnlyBy(criPreset, CRI);
  });

  it('provides nothing of its own: level, session, duration and service come only from JSON lines', () => {
    expect(criPreset.provides).toEqual({ duration: false, level: false, session: false, service: false });
    expect((records[0] as LogRecord).level).toBeUndefined();
  });
});
