import { describe, expect, it } from 'vitest';
import { log4jPreset } from '../../../../shared/ingest/formats/java.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { LOG4J_DATED, LOG4J_DEFAULT, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

describe('log4j preset', () => {
  const time = parseAll(log4jPreset, LOG4J_DEFAULT);
  const dated = parseAll(log4jPreset, LOG4J_DATED) as LogRecord[];

  it('reads log4j2\'s default layout: logger as service, thread and the time of day in fields, no timestamp', () => {
    expect(time[1]).toEqual({
      source: 'sample.log',
      line: 2,
      message: 'Payment failed for order 42',
      level: 'ERROR',
      service: 'com.example.orders.OrderController',
      fields: { thread: 'http-nio-8080-exec-1', time: '14:02:03.456' },
    });
  });

  it('reads padded levels and abbreviated loggers', () => {
    expect(time[0]).toMatchObject({ level: 'INFO', message: 'Order 42 created' });
    expect(time[8]).toMatchObject({ level: 'WARN', service: 'c.e.o.RetryPolicy', message: 'retrying in 200 ms' });
    expect(time[9]).toMatchObject({ level: 'DEBUG', fields: { thread: 'pool-1-thread-3' } });
  });

  it('returns undefined for stack-trace lines, so the core folds them into the event', () => {
    expect(time.slice(2, 8)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads `date LEVEL [thread] logger - msg` with comma milliseconds as UTC', () => {
    expect(dated[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'Starting App v1.2.0',
      level: 'INFO',
      timestamp: Date.parse('2024-01-01T00:00:00.123Z'),
      service: 'com.example.App',
      fields: { thread: 'main' },
    });
  });

  it('reads `date [thread] LEVEL logger - msg` (logback)', () => {
    expect(dated[1]).toMatchObject({
      level: 'DEBUG', service: 'com.example.Repo', message: 'query took 12 ms', timestamp: Date.parse('2024-01-01T00:00:00.456Z'),
    });
  });

  it('reads Hadoop\'s `logger: msg` and a `%c{1}:%L` line number', () => {
    expect(dated[2]).toMatchObject({
      service: 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster',
      message: 'Created MRAppMaster for application appattempt_1445144423722_0020_000001',
    });
    expect(dated[3]).toMatchObject({ service: 'App', fields: { thread: 'worker-2', line: '88' }, message: 'low disk space' });
  });

  it('keeps the header out of the message', () => {
    for (const record of dated) {
      expect(record.message).not.toMatch(/INFO|DEBUG|WARN|\[main\]|2024-01-01/);
    }
  });

  it.each([
    ['a Spring Boot line', '2024-01-01T00:00:00.000Z  INFO 1234 --- [main] o.s.b.Foo : message'],
    ['a Python logging line', '2024-01-01 00:00:00,123 - app - INFO - message'],
    ['a Kafka line', '[2016-12-19 16:31:46,143] INFO started (kafka.server.KafkaServer)'],
    ['a lowercase level', '2024-01-01 00:00:00,123 info [main] com.example.App - Starting'],
    ['a line without a logger separator', '14:02:03.123 [main] INFO  com.example.App Starting'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(log4jPreset, line)).toBeUndefined();
  });

  it('sniffs the default layout with its stack trace as log4j, read by no other common preset', () => {
    expectClaimedOnlyBy(log4jPreset, LOG4J_DEFAULT);
  });

  it('sniffs the dated layouts as log4j, read by no other common preset', () => {
    expectClaimedOnlyBy(log4jPreset, LOG4J_DATED);
  });

  it('folds with the header rule', () => {
    expect(log4jPreset.multiline).toBe('header');
  });
});
