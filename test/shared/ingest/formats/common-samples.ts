/**
 * Samples of the common text formats, written from each project's published format definitions,
 * and helpers the common-preset tests share (each preset must claim its own sample and no other).
 */
import { expect } from 'vitest';
import { JsonRecordMapper, resolveFieldMapping } from '../../../../shared/ingest/field-mapping.ts';
import { accessLogPreset } from '../../../../shared/ingest/formats/access-log.ts';
import { criPreset } from '../../../../shared/ingest/formats/cri.ts';
import { kafkaPreset, log4jPreset, springBootPreset } from '../../../../shared/ingest/formats/java.ts';
import { logfmtPreset } from '../../../../shared/ingest/formats/logfmt.ts';
import { SKIP, type ParseContext, type TextPreset } from '../../../../shared/ingest/formats/preset.ts';
import { pythonLoggingPreset } from '../../../../shared/ingest/formats/python-logging.ts';
import { sniffTextPreset } from '../../../../shared/ingest/formats/registry.ts';
import { syslogPreset } from '../../../../shared/ingest/formats/syslog.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';

/** 2024-12-02T12:00:00Z: the modification time the syslog samples were "written" at. */
export const REFERENCE_TIME = Date.parse('2024-12-02T12:00:00Z');

/** A parse context with the default field mapping; `null` for no reference time. */
export function context(referenceTime: number | null = REFERENCE_TIME): ParseContext {
  const mapper = new JsonRecordMapper(resolveFieldMapping());
  return referenceTime === null ? { mapper } : { mapper, referenceTime };
}

/** Parses lines with a fresh parser of `preset`, as the core does for one file. */
export function parseAll(preset: TextPreset, lines: readonly string[], ctx = context()): Array<LogRecord | typeof SKIP | undefined> {
  const parser = preset.create(ctx);
  return lines.map((line, i) => parser.parse(line, 'sample.log', i + 1));
}

/** Parses one line with a fresh parser. */
export function parseOne(preset: TextPreset, line: string, ctx = context()): LogRecord | typeof SKIP | undefined {
  return preset.create(ctx).parse(line, 'sample.log', 7);
}

/** The preset the registry sniffs for these lines. */
export function sniff(lines: readonly string[], ctx = context()): string | undefined {
  return sniffTextPreset(lines, ctx)?.name;
}

/** How many of the lines a fresh parser of `preset` accepts (records or SKIP). */
export function acceptedBy(preset: TextPreset, lines: readonly string[], ctx = context()): number {
  return parseAll(preset, lines, ctx).filter((r) => r !== undefined).length;
}

export const COMMON_PRESETS: readonly TextPreset[] = [
  criPreset, accessLogPreset, kafkaPreset, springBootPreset, log4jPreset, pythonLoggingPreset, syslogPreset, logfmtPreset,
];

/** Nginx `combined` + ` $request_time`, the Apache `combined` + ` %D`, CLF and vhost_combined lines. */
export const ACCESS_LOG = [
  '203.0.113.9 - - [17/May/2015:10:05:03 +0000] "GET /api/orders/12345?page=2 HTTP/1.1" 200 5316 "https://shop.example.com/cart" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36" 0.123',
  '203.0.113.9 - - [17/May/2015:10:05:04 +0000] "POST /api/orders HTTP/1.1" 502 157 "-" "curl/8.5.0" 30.001',
  '198.51.100.7 - alice [17/May/2015:10:05:05 +0000] "GET /favicon.ico HTTP/1.1" 404 0 "-" "Mozilla/5.0" 0.000',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)" 5100',
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
  'www.example.com:443 192.0.2.1 - - [10/Oct/2000:13:55:37 -0700] "GET /users/u-1234567/profile HTTP/1.1" 304 - "-" "Mozilla/5.0"',
  '192.0.2.44 - - [17/May/2015:10:05:06 +0000] "\\x16\\x03\\x01" 400 166 "-" "-" 0.001',
];

/** /var/log/auth.log and syslog lines (RFC 3164 as rsyslog's traditional file format writes them). */
export const AUTH_LOG = [
  'Dec  2 07:19:01 bastion sshd[24209]: Accepted publickey for alice from 203.0.113.5 port 51234 ssh2: RSA SHA256:Zm9vYmFy',
  'Dec  2 07:19:01 bastion sshd[24209]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)',
  'Dec  2 07:19:05 bastion sshd[24250]: Invalid user admin from 198.51.100.23 port 40022',
  'Dec  2 07:19:05 bastion sshd[24250]: Connection closed by invalid user admin 198.51.100.23 port 40022 [preauth]',
  'Dec  2 07:20:01 bastion CRON[24301]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
  'Dec  2 07:20:11 bastion kernel: [1234567.890123] [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.23 DST=10.0.0.4 PROTO=TCP DPT=23',
  'Dec  2 07:21:00 bastion sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx',
  'Dec 12 23:59:59 bastion postfix/smtpd[912]: connect from unknown[198.51.100.23]',
];

/** RFC 5424 examples (§6.5) and a 3164 line with a PRI (RFC 3164 §5.4). */
export const RFC5424 = [
  '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8',
  '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.',
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry...',
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]',
];

/** log4j2's default PatternLayout `%d{HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg%n`, with a stack trace. */
export const LOG4J_DEFAULT = [
  '14:02:03.123 [main] INFO  com.example.orders.OrderService - Order 42 created',
  '14:02:03.456 [http-nio-8080-exec-1] ERROR com.example.orders.OrderController - Payment failed for order 42',
  'java.lang.IllegalStateException: card declined',
  '\tat com.example.payments.Gateway.charge(Gateway.java:88)',
  '\tat com.example.orders.OrderController.pay(OrderController.java:42)',
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  '\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)',
  '\t... 12 more',
  '14:02:04.001 [main] WARN  c.e.o.RetryPolicy - retrying in 200 ms',
  '14:02:04.002 [pool-1-thread-3] DEBUG c.e.o.Cache - cache miss for key order:42',
];

/** Dated log4j/logback layouts: `%d %-5p [%t] %c - %m`, `%d [%thread] %-5level %logger - %msg`, Hadoop's `%d %p [%t] %c: %m`. */
export const LOG4J_DATED = [
  '2024-01-01 00:00:00,123 INFO  [main] com.example.App - Starting App v1.2.0',
  '2024-01-01 00:00:00.456 [main] DEBUG com.example.Repo - query took 12 ms',
  '2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001',
  '2024-01-01 00:00:01,000 WARN  [worker-2] App:88 - low disk space',
];

/** Kafka broker server.log (`[%d] %p %m (%c)%n`) with a stack trace. */
export const KAFKA = [
  '[2016-12-19 16:31:46,143] INFO Registered broker 0 at path /brokers/ids/0 with addresses: PLAINTEXT -> EndPoint(kafka-0,9092,PLAINTEXT) (kafka.utils.ZkUtils)',
  '[2016-12-19 16:31:46,200] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)',
  '[2016-12-19 16:31:47,010] WARN [ReplicaFetcher replicaId=1, leaderId=0, fetcherId=0] Error in response for fetch request (kafka.server.ReplicaFetcherThread)',
  'java.io.IOException: Connection to 0 was disconnected before the response was read',
  '\tat org.apache.kafka.clients.NetworkClientUtils.sendAndReceive(NetworkClientUtils.java:100)',
  '\tat kafka.server.ReplicaFetcherBlockingSend.sendRequest(ReplicaFetcherBlockingSend.scala:108)',
  '[2016-12-19 16:31:48,500] ERROR [Controller id=0] Error while electing leader (kafka.controller.KafkaController)',
  '[2016-12-19 16:31:49,000] INFO Session establishment complete on server zk-0/10.0.0.5:2181, sessionid = 0x15914a2d5c60000, negotiated timeout = 6000 (org.apache.zookeeper.ClientCnxn)',
];

/** Spring Boot 3.x startup (ISO time with zone), 2.x (padded thread and logger), 3.2+ with app name and correlation. */
export const SPRING_BOOT = [
  '2024-01-01T00:00:00.000Z  INFO 1234 --- [main] o.s.b.StartupInfoLogger : Starting DemoApplication using Java 21 with PID 1234',
  '2024-01-01T00:00:01.250Z  INFO 1234 --- [main] o.s.b.w.e.tomcat.TomcatWebServer : Tomcat initialized with port 8080 (http)',
  '2024-01-01T00:00:02.000Z  WARN 1234 --- [main] JpaBaseConfiguration$JpaWebConfiguration : spring.jpa.open-in-view is enabled by default.',
  '2024-01-01T00:00:03.000Z ERROR 1234 --- [nio-8080-exec-1] o.a.c.c.C.[.[localhost].[/].[dispatcherServlet] : Servlet.service() for servlet [dispatcherServlet] threw exception',
  'java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null',
  '\tat com.example.demo.HelloController.hello(HelloController.java:14) ~[classes/:na]',
  '2023-06-01 10:00:00.000  INFO 4321 --- [           main] o.s.b.web.embedded.tomcat.TomcatWebServer  : Tomcat started on port(s): 8080 (http) with context path \'\'',
  '2024-05-01T10:00:00.000+02:00  INFO 555 --- [demo] [nio-8080-exec-2] [6543b1c2e2c06e2c9bd29a0f1a1c7e11-3ed8a8c5b23a9c84] c.e.d.OrderController                    : Order placed',
  '2024-05-01T10:00:01.000+02:00 DEBUG 555 --- [demo] [           main] [                                                 ] o.s.b.StartupInfoLogger : Running with Spring Boot v3.2.0',
];

/** Python logging: the cookbook pattern with a traceback, and basicConfig's default. */
export const PYTHON = [
  '2024-01-01 00:00:00,123 - app.db - INFO - connected to postgres://db:5432/orders',
  '2024-01-01 00:00:00,200 - app.api - DEBUG - GET /orders took 12 ms',
  '2024-01-01 00:00:01,500 - app.api - ERROR - request failed',
  'Traceback (most recent call last):',
  '  File "/srv/app/api.py", line 42, in handle',
  '    result = process(payload)',
  'ValueError: bad payload',
  '2024-01-01 00:00:02,000 - __main__ - WARNING - retrying in 5 s',
  '2024-01-01 00:00:03,000 - app.worker - CRITICAL - worker 3 died',
  '2024-01-01 00:00:04,000 - app.worker - INFO - worker 4 started',
];

export const PYTHON_BASIC = [
  'WARNING:root:disk usage at 91%',
  'INFO:__main__:started worker 3',
  'ERROR:app.db:connection refused: db:5432',
  'CRITICAL:root:giving up',
];

/** Go log/slog TextHandler, logrus text formatter and go-kit logfmt lines. */
export const LOGFMT = [
  'time=2024-01-01T00:00:00.000Z level=INFO msg="request done" method=GET path=/api/orders/42 status=200 duration=12ms request_id=9f1c2a',
  'time="2024-01-01T00:00:01Z" level=warning msg="slow query" query="SELECT * FROM orders WHERE id = $1" duration=1.5s service=orders',
  'ts=2024-01-01T00:00:02.5Z caller=main.go:42 level=error msg="dial tcp 10.0.0.1:5432: connect: connection refused" trace_id=abc123',
  'level=info method=GET path=/health status=200',
];

/** containerd CRI log file lines, a JSON line split by the runtime into two pieces. */
export const CRI = [
  '2016-10-06T00:17:09.669794202Z stdout F Starting server on :8080',
  '2016-10-06T00:17:09.669794203Z stderr F warning: flag --foo is deprecated',
  '2016-10-06T00:17:10.113242941Z stdout P {"level":"error","msg":"payment',
  '2016-10-06T00:17:10.113242942Z stdout F  failed","request_id":"r-1","duration_ms":87}',
  '2016-10-06T00:17:11.000000000Z stdout F {"msg":"no time here","level":"info"}',
];

/**
 * The lines are sniffed as `preset`, and no other common preset reads a single one of them
 * (so the sniff did not win on list order alone).
 */
export function expectClaimedOnlyBy(preset: TextPreset, lines: readonly string[], ctx = context()): void {
  expect(sniff(lines, ctx)).toBe(preset.name);
  const others = COMMON_PRESETS.filter((p) => p !== preset).map((p) => [p.name, acceptedBy(p, lines, ctx)]);
  expect(others.filter(([, n]) => n !== 0)).toEqual([]);
}
