import { describe, expect, it } from 'vitest';
import { pythonLoggingPreset } from '../../../../shared/ingest/formats/python-logging.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { PYTHON, PYTHON_BASIC, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

describe('python-logging preset', () => {
  const records = parseAll(pythonLoggingPreset, PYTHON);

  it('reads `asctime - name - levelname - message`: logger as service, comma ms as UTC', () => {
    expect(records[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'connected to postgres://db:5432/orders',
      level: 'INFO',
      timestamp: Date.parse('2024-01-01T00:00:00.123Z'),
      service: 'app.db',
    });
  });

  it('maps WARNING to WARN and CRITICAL to FATAL', () => {
    expect(records[7]).toMatchObject({ level: 'WARN', service: '__main__', message: 'retrying in 5 s' });
    expect(records[8]).toMatchObject({ level: 'FATAL', message: 'worker 3 died' });
  });

  it('returns undefined for every traceback line, so the core folds them into the error', () => {
    expect(records.slice(3, 7)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads the nameless `asctime - levelname - message` variant', () => {
    const record = parseOne(pythonLoggingPreset, '2024-01-01 00:00:00 - ERROR - disk full') as LogRecord;
    expect(record).toMatchObject({ level: 'ERROR', message: 'disk full', timestamp: Date.parse('2024-01-01T00:00:00Z') });
    expect(record.service).toBeUndefined();
  });

  it('reads basicConfig\'s default `LEVEL:name:message`', () => {
    expect(parseAll(pythonLoggingPreset, PYTHON_BASIC)).toEqual([
      { source: 'sample.log', line: 1, message: 'disk usage at 91%', level: 'WARN', service: 'root' },
      { source: 'sample.log', line: 2, message: 'started worker 3', level: 'INFO', service: '__main__' },
      { source: 'sample.log', line: 3, message: 'connection refused: db:5432', level: 'ERROR', service: 'app.db' },
      { source: 'sample.log', line: 4, message: 'giving up', level: 'FATAL', service: 'root' },
    ]);
  });

  it.each([
    ['a uvicorn line', 'INFO:     127.0.0.1:50000 - "GET / HTTP/1.1" 200 OK'],
    ['a log4j line', '2024-01-01 00:00:00,123 INFO [main] com.example.App - Starting'],
    ['a lowercase level', 'warning:root:disk'],
    ['a traceback', 'Traceback (most recent call last):'],
    ['the closing exception line', 'ValueError: bad payload'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(pythonLoggingPreset, line)).toBeUndefined();
  });

  it('sniffs the cookbook pattern with a traceback as python-logging, read by no other common preset', () => {
    expectClaimedOnlyBy(pythonLoggingPreset, PYTHON);
  });

  it('sniffs basicConfig output as python-logging, read by no other common preset', () => {
    expectClaimedOnlyBy(pythonLoggingPreset, PYTHON_BASIC);
  });
});
