/**
 * Java logging layouts: log4j2/logback pattern layouts, Kafka/ZooKeeper's log4j layout and Spring
 * Boot's console/file layout. Every one is `multiline: 'header'`: stack traces (`\tat …`,
 * `Caused by: …`) and multi-line messages do not parse and are folded into the event before them.
 *
 * Times without a zone are UTC (the JVM's zone is not in the line). Layouts that print only the
 * time of day (`%d{HH:mm:ss.SSS}`, log4j2's default) give no `timestamp`: the raw time goes to
 * `fields.time`. Borrowing the file time's date would be wrong for every line written before the
 * last midnight of the file, and would put made-up dates into timelines.
 */
import type { Level, LogRecord } from '../record.ts';
import { parseTimestamp } from '../normalize.ts';
import type { TextParser, TextPreset } from './preset.ts';

const LEVELS: Record<string, Level> = {
  TRACE: 'TRACE', DEBUG: 'DEBUG', INFO: 'INFO', WARN: 'WARN', ERROR: 'ERROR', FATAL: 'FATAL',
};
const LEVEL = '(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)';
/** A logger name as Java prints it: `com.example.Foo`, `o.s.b.Foo$Inner`, `root`, `kafka-request-logger`. */
const LOGGER = '([A-Za-z_$][\\w$.\\-]*)';

/** Record fields shared by the Java presets. */
function javaRecord(source: string, lineNo: number, message: string, level: string, time: string): LogRecord {
  const record: LogRecord = { source, line: lineNo, message, level: LEVELS[level]! };
  const timestamp = time.length > 12 ? parseTimestamp(time) : undefined;
  if (timestamp !== undefined) record.timestamp = timestamp;
  return record;
}

// `[date ]time LEVEL [thread] logger - msg` or `[date ]time [thread] LEVEL logger - msg`, with the
// level padded (`%-5level`), the logger padded or followed by `:line` (`%c{1}:%L`), and `: ` instead
// of ` - ` after the logger (`%c: %m`, Hadoop's layout).
const LOG4J = new RegExp(
  '^((?:\\d{4}-\\d\\d-\\d\\d[ T])?\\d\\d:\\d\\d:\\d\\d[.,]\\d{3,9}(?:Z|[+-]\\d\\d:?\\d\\d)?) +'
  + `(?:${LEVEL} +(?:\\[([^\\]]*)\\] +)?|\\[([^\\]]*)\\] +${LEVEL} +)`
  + `${LOGGER}(?::(\\d+))?(?: +- |: )(.*)$`,
  's',
);

/** log4j2 / logback pattern layouts. */
export const log4jPreset: TextPreset = {
  name: 'log4j',
  title: 'log4j2 / logback pattern layout (default and common date variants)',
  framing: 'text',
  multiline: 'header',
  provides: { duration: false, level: true, session: false, service: true },
  mapping: [
    'message: the text after `logger - ` (or `logger: `)',
    'level: the level column',
    'service: the logger name',
    'session: none',
    'duration: none',
    'timestamp: the date and time (UTC when no zone); time-only layouts: none, time in fields.time',
    'fields: thread, line (when %L is printed)',
  ],
  create(): TextParser {
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        const m = LOG4J.exec(line);
        if (!m) return undefined;
        const [, time, levelFirst, threadAfterLevel, threadFirst, levelAfterThread, logger, lineNumber, message] = m;
        const record = javaRecord(source, lineNo, message!, (levelFirst ?? levelAfterThread)!, time!);
        record.service = logger!;
        const fields: Record<string, string> = {};
        const thread = threadAfterLevel ?? threadFirst;
        if (thread !== undefined) fields.thread = thread;
        if (lineNumber !== undefined) fields.line = lineNumber;
        if (record.timestamp === undefined) fields.time = time!;
        record.fields = fields;
        return record;
      },
    };
  },
};

const KAFKA_TIME = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[.,]\d{3}$/;
const KAFKA_LEVEL = /^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) +/;
/** Kafka's loggers are dotted (`kafka.server.KafkaServer`, `state.change.logger`): a dot tells them from `(text)`. */
const KAFKA_LOGGER = /^[A-Za-z_$][\w$-]*(?:\.[\w$-]+)+$/;

/** Kafka / ZooKeeper (as shipped with Kafka): `[%d] %p %m (%c)%n`. */
export const kafkaPreset: TextPreset = {
  name: 'kafka',
  title: 'Kafka / ZooKeeper log4j layout ([date] LEVEL message (logger))',
  framing: 'text',
  multiline: 'header',
  provides: { duration: false, level: true, session: false, service: true },
  mapping: [
    'message: the text between the level and the trailing (logger)',
    'level: the level column',
    'service: the logger in the trailing parentheses',
    'session: none',
    'duration: none',
    'timestamp: the bracketed date (UTC)',
  ],
  create(): TextParser {
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        if (line.charCodeAt(0) !== 91 /* [ */) return undefined;
        const close = line.indexOf('] ', 1);
        if (close < 0 || close > 32) return undefined;
        const time = line.slice(1, close);
        if (!KAFKA_TIME.test(time)) return undefined;
        const rest = line.slice(close + 2);
        const levelMatch = KAFKA_LEVEL.exec(rest);
        if (!levelMatch) return undefined;
        let message = rest.slice(levelMatch[0].length);
        let logger: string | undefined;
        if (message.endsWith(')')) {
          // `message (logger)`; an empty message leaves only `(logger)`.
          const open = message.lastIndexOf(' (');
          const from = open >= 0 ? open + 2 : message.startsWith('(') ? 1 : -1;
          if (from > 0 && KAFKA_LOGGER.test(message.slice(from, -1))) {
            logger = message.slice(from, -1);
            message = open >= 0 ? message.slice(0, open) : '';
          }
        }
        const record = javaRecord(source, lineNo, message, levelMatch[1]!, time);
        if (logger !== undefined) record.service = logger;
        return record;
      },
    };
  },
};

// `date  LEVEL pid --- [app] [thread] [trace-span] logger : message`.
const SPRING_HEAD = new RegExp(
  '^(\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d[.,]\\d{3,9}(?:Z|[+-]\\d\\d:?\\d\\d)?) +'
  + `${LEVEL} +(\\d+) +--- +`,
);
const SPRING_TAIL = /^(\S+) *: ?(.*)$/s;
/** Spring Boot 3.2+'s `%correlationId` with tracing on: `traceId-spanId`; blank when there is no trace. */
const CORRELATION = /^(?:([0-9a-f]{16,32})-[0-9a-f]{16}| *)$/;

/** Spring Boot's default console/file layout (2.x and 3.x). */
export const springBootPreset: TextPreset = {
  name: 'spring-boot',
  title: 'Spring Boot default log layout (2.x and 3.x)',
  framing: 'text',
  multiline: 'header',
  provides: { duration: false, level: true, session: false, service: true },
  mapping: [
    'message: the text after `logger : `',
    'level: the level column',
    'service: the logger name',
    'session: the trace id of Spring Boot 3.2+ [traceId-spanId] when tracing is on; otherwise none',
    'duration: none',
    'timestamp: the date and time (UTC when no zone, as in 2.x)',
    'fields: pid, thread, application ([app] of 3.2+ when spring.application.name is set)',
  ],
  create(): TextParser {
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        const head = SPRING_HEAD.exec(line);
        if (!head) return undefined;
        // Up to three bracketed groups follow: [application] [thread] [correlation].
        const groups: string[] = [];
        let i = head[0].length;
        while (line.charCodeAt(i) === 91 /* [ */ && groups.length < 3) {
          const close = line.indexOf(']', i + 1);
          if (close < 0) return undefined;
          groups.push(line.slice(i + 1, close));
          i = close + 1;
          while (line.charCodeAt(i) === 32) i++;
        }
        if (groups.length === 0) return undefined;
        const tail = SPRING_TAIL.exec(line.slice(i));
        if (!tail) return undefined;
        let traceId: string | undefined;
        let hasCorrelation = false;
        if (groups.length > 1) {
          const correlation = CORRELATION.exec(groups[groups.length - 1]!);
          if (correlation) {
            hasCorrelation = true;
            traceId = correlation[1];
          }
        }
        if (hasCorrelation) groups.pop();
        if (groups.length > 2) return undefined;
        const record = javaRecord(source, lineNo, tail[2]!, head[2]!, head[1]!);
        record.service = tail[1]!;
        if (traceId !== undefined) record.sessionId = traceId;
        const fields: Record<string, string> = { pid: head[3]!, thread: groups[groups.length - 1]!.trim() };
        if (groups.length === 2) fields.application = groups[0]!.trim();
        record.fields = fields;
        return record;
      },
    };
  },
};
