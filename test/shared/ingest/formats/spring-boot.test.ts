import { describe, expect, it } from 'vitest';
import { springBootPreset } from '../../../../shared/ingest/formats/java.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { SPRING_BOOT, expectClaimedOnlyBy, parseAll, parseOne } from './common-samples.ts';

describe('spring-boot preset', () => {
  const records = parseAll(springBootPreset, SPRING_BOOT);

  it('reads a Spring Boot 3 startup line', () => {
    expect(records[0]).toEqual({
      source: 'sample.log',
      line: 1,
      message: 'Starting DemoApplication using Java 21 with PID 1234',
      level: 'INFO',
      timestamp: Date.parse('2024-01-01T00:00:00.000Z'),
      service: 'o.s.b.StartupInfoLogger',
      fields: { pid: '1234', thread: 'main' },
    });
  });

  it('reads a level padded on the left and a logger with brackets in it', () => {
    expect(records[2]).toMatchObject({ level: 'WARN', service: 'JpaBaseConfiguration$JpaWebConfiguration' });
    expect(records[3]).toMatchObject({
      level: 'ERROR',
      service: 'o.a.c.c.C.[.[localhost].[/].[dispatcherServlet]',
      message: 'Servlet.service() for servlet [dispatcherServlet] threw exception',
      fields: { thread: 'nio-8080-exec-1' },
    });
  });

  it('returns undefined for the exception and its frames', () => {
    expect(records.slice(4, 6)).toEqual([undefined, undefined]);
  });

  it('reads the 2.x layout: zone-less time as UTC, padded thread and logger', () => {
    expect(records[6]).toEqual({
      source: 'sample.log',
      line: 7,
      message: 'Tomcat started on port(s): 8080 (http) with context path \'\'',
      level: 'INFO',
      timestamp: Date.parse('2023-06-01T10:00:00.000Z'),
      service: 'o.s.b.web.embedded.tomcat.TomcatWebServer',
      fields: { pid: '4321', thread: 'main' },
    });
  });

  it('reads 3.2+ lines: application name to fields, the trace id of [traceId-spanId] as session', () => {
    expect(records[7]).toMatchObject({
      timestamp: Date.parse('2024-05-01T08:00:00.000Z'),
      sessionId: '6543b1c2e2c06e2c9bd29a0f1a1c7e11',
      service: 'c.e.d.OrderController',
      message: 'Order placed',
      fields: { pid: '555', thread: 'nio-8080-exec-2', application: 'demo' },
    });
    expect((records[8] as LogRecord).sessionId).toBeUndefined();
    expect(records[8]).toMatchObject({ level: 'DEBUG', fields: { thread: 'main', application: 'demo' } });
  });

  it('keeps pid, level and thread out of the message', () => {
    for (const record of records.filter((r): r is LogRecord => r !== undefined)) {
      expect(record.message).not.toMatch(/^(?:\d|\[|\s|INFO|WARN|ERROR|DEBUG)|---|nio-8080-exec|StartupInfoLogger/);
    }
  });

  it.each([
    ['a log4j line', '2024-01-01 00:00:00,123 INFO [main] com.example.App - Starting'],
    ['a line without the --- marker', '2024-01-01T00:00:00.000Z  INFO 1234 [main] o.s.b.Foo : message'],
    ['a line without a thread', '2024-01-01T00:00:00.000Z  INFO 1234 --- o.s.b.Foo : message'],
  ])('does not read %s', (_why, line) => {
    expect(parseOne(springBootPreset, line)).toBeUndefined();
  });

  it('is sniffed as spring-boot (stack trace included), read by no other common preset', () => {
    expectClaimedOnlyBy(springBootPreset, SPRING_BOOT);
  });
});
