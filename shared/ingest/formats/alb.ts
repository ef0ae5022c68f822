/**
 * AWS Application Load Balancer access logs: one request per line, space-separated, some fields
 * quoted. AWS appends new fields at the end over the years, so extra trailing fields are accepted.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
 */
import { parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { elbDurationMs, isHostPortOrDash, isStatusOrDash, namedFields, present, splitFields, toNumber } from './fields.ts';
import { levelFromStatus, requestMessage } from './http.ts';
import type { TextPreset } from './preset.ts';

/** The documented fields in log order (`client:port` and friends named without the `:port`). */
const ALB_FIELDS = [
  'type', 'time', 'elb', 'client', 'target',
  'request_processing_time', 'target_processing_time', 'response_processing_time',
  'elb_status_code', 'target_status_code', 'received_bytes', 'sent_bytes',
  'request', 'user_agent', 'ssl_cipher', 'ssl_protocol', 'target_group_arn', 'trace_id',
  'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time',
  'actions_executed', 'redirect_url', 'error_reason', 'target_list', 'target_status_code_list',
  'classification', 'classification_reason', 'conn_trace_id',
] as const;

/** Request types ALB writes: a Classic ELB line starts with its time instead, so it never matches. */
const TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);

/** Up to `request` (field 13): older ALB files stop soon after it, newer ones go on. */
const MIN_FIELDS = 13;

/** Mapped to record properties, so left out of `fields`. */
const MAPPED = new Set(['time', 'target', 'trace_id']);

/** Parses one ALB access-log line, or returns `undefined` when it is not one. */
export function parseAlbLine(line: string, source: string, lineNo: number): LogRecord | undefined {
  // Cheap rejection before splitting: the first word is the request type.
  const space = line.indexOf(' ');
  if (space < 2 || space > 5 || !TYPES.has(line.slice(0, space))) return undefined;
  const v = splitFields(line);
  if (v === undefined || v.length < MIN_FIELDS) return undefined;
  const timestamp = parseTimestamp(v[1]);
  if (timestamp === undefined) return undefined;
  if (!isHostPortOrDash(v[3]!) || !isHostPortOrDash(v[4]!)) return undefined;
  if (toNumber(v[5]) === undefined || toNumber(v[6]) === undefined || toNumber(v[7]) === undefined) return undefined;
  if (!isStatusOrDash(v[8]!) || !isStatusOrDash(v[9]!)) return undefined;

  const record: LogRecord = { source, line: lineNo, message: requestMessage(v[12]!), timestamp };
  const level = levelFromStatus(v[8]);
  if (level) record.level = level;
  const durationMs = elbDurationMs(v[5]!, v[6]!, v[7]!);
  if (durationMs !== undefined) record.durationMs = durationMs;
  const sessionId = present(v[17]);
  if (sessionId) record.sessionId = sessionId;
  const service = present(v[4]);
  if (service) record.service = service;
  record.fields = namedFields(ALB_FIELDS, v, MAPPED);
  return record;
}

export const albPreset: TextPreset = {
  name: 'alb',
  title: 'AWS Application Load Balancer access log',
  framing: 'text',
  multiline: 'none',
  provides: { duration: true, level: true, session: true, service: true },
  mapping: [
    'duration: request + target + response processing time (s → ms); none when any is -1 (no target reached)',
    'level: elb_status_code (5xx ERROR, 4xx WARN, else INFO)',
    'session: trace_id (the whole X-Amzn-Trace-Id value, Root=1-…)',
    'service: target ip:port (absent when -)',
    'message: method + normalised route of the request (GET /api/orders/{num})',
    'timestamp: time; client, elb, status codes, bytes, user_agent, error_reason, classification … in fields',
  ],
  create() {
    return { parse: parseAlbLine };
  },
};
