/**
 * Seeded generators of logs in AWS's and Java's published formats, for the end-to-end format tests:
 * a clean baseline and an incident from the same generator, so only the injected event differs.
 */
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { ContextLog } from '../../shared/detect/types.ts';
import { createRandom } from '../../shared/random.ts';

const ROUTES = [
  { method: 'GET', path: (r: () => number) => `/api/orders/${1000 + Math.floor(r() * 9000)}`, ms: 18 },
  { method: 'POST', path: () => '/api/checkout', ms: 45 },
  { method: 'GET', path: (r: () => number) => `/api/products?page=${1 + Math.floor(r() * 20)}`, ms: 12 },
  { method: 'GET', path: () => '/health', ms: 1 },
];
const TARGETS = ['10.0.1.10:8080', '10.0.1.11:8080', '10.0.1.12:8080'];

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/** A log-normal-ish positive value around `median`. */
function around(r: () => number, median: number): number {
  const z = (r() + r() + r() - 1.5) * 0.6;
  return median * Math.exp(z);
}

export interface AlbOptions {
  seed: number;
  requests: number;
  /** Start time, epoch ms. */
  start: number;
  /** Requests [from, to) of POST /api/checkout served by this target take `slowSeconds`. */
  slow?: { target: string; from: number; to: number; seconds: number };
  /** Requests [from, to) get a 502 from the load balancer: no target reached. */
  badGateway?: { from: number; to: number };
}

/** ALB access log lines in AWS's documented field order (gzip them for the real delivery). */
export function albLines(options: AlbOptions): string[] {
  const r = createRandom(options.seed);
  const lines: string[] = [];
  for (let i = 0; i < options.requests; i++) {
    const route = ROUTES[Math.floor(r() * ROUTES.length)]!;
    const target = TARGETS[Math.floor(r() * TARGETS.length)]!;
    const time = new Date(options.start + i * 250).toISOString().replace('Z', '456Z');
    const trace = `Root=1-${Math.floor((options.start + i * 250) / 1000).toString(16)}-${hex(r, 24)}`;
    let requestTime = (0.0005 + r() * 0.0005).toFixed(3);
    let targetTime = (around(r, route.ms) / 1000).toFixed(3);
    let responseTime = '0.000';
    let status = '200';
    let targetStatus = '200';
    let targetField = target;
    const slow = options.slow;
    if (slow && i >= slow.from && i < slow.to && route.path === ROUTES[1]!.path && target === slow.target) targetTime = (slow.seconds + r() * 0.5).toFixed(3);
    const bad = options.badGateway;
    if (bad && i >= bad.from && i < bad.to) {
      requestTime = '-1';
      targetTime = '-1';
      responseTime = '-1';
      status = '502';
      targetStatus = '-';
      targetField = '-';
    }
    const client = `203.0.113.${1 + Math.floor(r() * 200)}:${1024 + Math.floor(r() * 60000)}`;
    lines.push([
      'https', time, 'app/shop-lb/50dc6c495c0c9188', client, targetField, requestTime, targetTime, responseTime, status, targetStatus,
      String(200 + Math.floor(r() * 400)), String(300 + Math.floor(r() * 4000)),
      `"${route.method} https://shop.example.com:443${route.path(r)} HTTP/1.1"`, '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"',
      'ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/73e2d6bc24d8a067',
      `"${trace}"`, '"shop.example.com"', '"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"',
      '0', time, '"forward"', '"-"', status === '502' ? '"-"' : '"-"', `"${targetField}"`, `"${targetStatus}"`, '"-"', '"-"', `TID_${hex(r, 16)}`,
    ].join(' '));
  }
  return lines;
}

export interface LambdaOptions {
  seed: number;
  invocations: number;
  start: number;
  /** Invocations [from, to) time out after 3 s. */
  timeouts?: { from: number; to: number };
}

/** One invocation's CloudWatch Logs events, as the Node.js runtime writes them. */
function invocation(r: () => number, at: number, timedOut: boolean): { timestamp: number; message: string }[] {
  const id = `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
  const order = 10_000 + Math.floor(r() * 90_000);
  const iso = (ms: number) => new Date(ms).toISOString();
  const duration = timedOut ? 3000 : around(r, 85);
  const events = [
    { timestamp: at, message: `START RequestId: ${id} Version: $LATEST\n` },
    { timestamp: at + 1, message: `${iso(at + 1)}\t${id}\tINFO\tprocessing order ${order}\n` },
  ];
  if (timedOut) {
    events.push({ timestamp: at + 3000, message: `${iso(at + 3000)} ${id} Task timed out after 3.00 seconds\n\n` });
  } else {
    events.push({ timestamp: at + Math.round(duration), message: `${iso(at + Math.round(duration))}\t${id}\tINFO\torder ${order} stored\n` });
  }
  const end = at + Math.round(duration) + 1;
  events.push({ timestamp: end, message: `END RequestId: ${id}\n` });
  events.push({
    timestamp: end,
    message: `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\tMemory Size: 128 MB\tMax Memory Used: ${60 + Math.floor(r() * 20)} MB\t\n`,
  });
  return events;
}

/**
 * A Firehose object of CloudWatch Logs subscription payloads for `/aws/lambda/checkout`: one gzip
 * member per JSON object, back to back (what S3 receives when Firehose does not decompress),
 * with a CONTROL_MESSAGE first.
 */
export function firehoseObject(options: LambdaOptions): Buffer {
  const r = createRandom(options.seed);
  const members: Buffer[] = [gzipSync(JSON.stringify({
    messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
    logEvents: [{ id: '', timestamp: options.start, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
  }))];
  let id = 36_000_000;
  for (let batch = 0; batch < options.invocations; batch += 10) {
    const logEvents: { id: string; timestamp: number; message: string }[] = [];
    for (let i = batch; i < Math.min(batch + 10, options.invocations); i++) {
      const t = options.timeouts;
      for (const event of invocation(r, options.start + i * 4000, t !== undefined && i >= t.from && i < t.to)) {
        logEvents.push({ id: String(id++), ...event });
      }
    }
    members.push(gzipSync(JSON.stringify({
      messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: '/aws/lambda/checkout',
      logStream: '2026/03/02/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0', subscriptionFilters: ['to-firehose'], logEvents,
    })));
  }
  return Buffer.concat(members);
}

export interface JavaOptions {
  seed: number;
  lines: number;
  start: number;
  /** Line index at which the service logs one exception with its stack trace. */
  exceptionAt?: number;
}

const JAVA_MESSAGES: ((r: () => number) => [string, string, string])[] = [
  (r) => ['INFO', 'c.s.orders.OrderController', `Received order ${100_000 + Math.floor(r() * 900_000)} from customer ${1000 + Math.floor(r() * 9000)}`],
  (r) => ['INFO', 'c.s.orders.OrderService', `Reserved stock for order ${100_000 + Math.floor(r() * 900_000)} in ${5 + Math.floor(r() * 20)} ms`],
  (r) => ['DEBUG', 'c.s.db.ConnectionPool', `Pool stats: active=${Math.floor(r() * 10)} idle=${Math.floor(r() * 10)}`],
  (r) => ['INFO', 'c.s.payments.PaymentClient', `Charged order ${100_000 + Math.floor(r() * 900_000)} amount ${(r() * 300).toFixed(2)} EUR`],
];

/** A Spring/logback service log (`yyyy-MM-dd HH:mm:ss.SSS [thread] LEVEL logger - msg`), optionally with one exception. */
export function javaLines(options: JavaOptions): string[] {
  const r = createRandom(options.seed);
  const lines: string[] = [];
  for (let i = 0; i < options.lines; i++) {
    const stamp = new Date(options.start + i * 500).toISOString().replace('T', ' ').replace('Z', '');
    const thread = `http-nio-8080-exec-${1 + Math.floor(r() * 10)}`;
    if (i === options.exceptionAt) {
      lines.push(`${stamp} [${thread}] ERROR c.s.orders.OrderService - Failed to reserve stock for order 991234`);
      lines.push('org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection');
      lines.push('\tat org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)');
      lines.push('\tat com.shop.orders.OrderService.reserve(OrderService.java:118)');
      lines.push('Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.');
      lines.push('\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)');
      lines.push('\t... 42 more');
      continue;
    }
    const [level, logger, message] = JAVA_MESSAGES[Math.floor(r() * JAVA_MESSAGES.length)]!(r);
    lines.push(`${stamp} [${thread}] ${level.padEnd(5)} ${logger} - ${message}`);
  }
  return lines;
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 2, 10, 0, 0);
const text = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);

/**
 * The three incidents the CLI and the pipeline tests share, as the bytes AWS or the service writes:
 * a day of baseline, then a day with one event (a slow target, three Lambda timeouts, one exception).
 */
export const REAL_INCIDENTS = {
  alb: {
    baseline: () => gzipSync(text(albLines({ seed: 1, requests: 3000, start: START }))),
    incident: () => gzipSync(text(albLines({ seed: 2, requests: 3000, start: START + DAY, slow: { target: '10.0.1.12:8080', from: 1000, to: 1400, seconds: 4 } }))),
  },
  firehose: {
    baseline: () => firehoseObject({ seed: 3, invocations: 400, start: START }),
    incident: () => firehoseObject({ seed: 4, invocations: 400, start: START + DAY, timeouts: { from: 200, to: 203 } }),
  },
  java: {
    baseline: () => text(javaLines({ seed: 5, lines: 3000, start: START })),
    incident: () => text(javaLines({ seed: 6, lines: 3000, start: START + DAY, exceptionAt: 1500 })),
  },
};

/** The context of a Lambda timeout is its whole invocation: START first, REPORT (3000 ms) last, one function. */
export function expectWholeInvocation(logs: ContextLog[]): void {
  expect(logs).toHaveLength(5);
  expect(logs[0]!.message).toMatch(/^START RequestId: /);
  expect(logs.at(-1)!.message).toMatch(/^REPORT RequestId: /);
  expect(logs.at(-1)!.durationMs).toBe(3000);
  expect(logs.every((log) => log.service === 'checkout')).toBe(true);
  expect(logs.find((log) => log.anomalous)!.level).toBe('ERROR');
}
