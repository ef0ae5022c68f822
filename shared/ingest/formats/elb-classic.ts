/**
 * AWS Classic Load Balancer access logs: like ALB's, but shorter and starting with the time
 * (ALB lines start with a request type word, so neither preset reads the other's lines).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html
 */
import { parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { elbDurationMs, isHostPortOrDash, isStatusOrDash, namedFields, present, splitFields, toNumber } from './fields.ts';
import { levelFromStatus, requestMessage } from './http.ts';
import type { TextPreset } from './preset.ts';

const ELB_FIELDS = [
  'time', 'elb', 'client', 'backend',
  'request_processing_time', 'backend_processing_time', 'response_processing_time',
  'elb_status_code', 'backend_status_code', 'received_bytes', 'sent_bytes',
  'request', 'user_agent', 'ssl_cipher', 'ssl_protocol',
] as const;

/** Up to `request`: logs written before `user_agent`/`ssl_*` were added stop there. */
const MIN_FIELDS = 12;

const MAPPED = new Set(['time', 'backend']);

/** Parses one Classic ELB access-log line, or returns `undefined` when it is not one. */
export function parseElbClassicLine(line: string, source: string, lineNo: number): LogRecord | undefined {
  // Cheap rejection before splitting: the line starts with an ISO date (`2015-05-13T23:39:43…`).
  if (line.length < 40 || line.charCodeAt(4) !== 45 /* - */ || line.charCodeAt(10) !== 84 /* T */) return undefined;
  const v = splitFields(line);
  if (v === undefined || v.length < MIN_FIELDS) return undefined;
  const timestamp = parseTimestamp(v[0]);
  if (timestamp === undefined) return undefined;
  if (!isHostPortOrDash(v[2]!) || !isHostPortOrDash(v[3]!)) return undefined;
  if (toNumber(v[4]) === undefined || toNumber(v[5]) === undefined || toNumber(v[6]) === undefined) return undefined;
  if (!isStatusOrDash(v[7]!) || !isStatusOrDash(v[8]!)) return undefined;

  const record: LogRecord = { source, line: lineNo, message: requestMessage(v[11]!), timestamp };
  const level = levelFromStatus(v[7]);
  if (level) record.level = level;
  const durationMs = elbDurationMs(v[4]!, v[5]!, v[6]!);
  if (durationMs !== undefined) record.durationMs = durationMs;
  const service = present(v[3]);
  if (service) record.service = service;
  record.fields = namedFields(ELB_FIELDS, v, MAPPED);
  return record;
}

export const elbClassicPreset: TextPreset = {
  name: 'elb-classic',
  title: 'AWS Classic Load Balancer access log',
  framing: 'text',
  multiline: 'none',
  provides: { duration: true, level: true, session: false, service: true },
  mapping: [
    'duration: request + backend + response processing time (s → ms); none when any is -1 (no backend reached)',
    'level: elb_status_code (5xx ERROR, 4xx WARN, else INFO; none for TCP listeners, which log -)',
    'session: none (Classic ELB logs no trace id)',
    'service: backend ip:port (absent when -)',
    'message: method + normalised route of the request (GET /api/orders/{num})',
    'timestamp: time; client, elb, status codes, bytes, user_agent, ssl … in fields',
  ],
  create() {
    return { parse: parseElbClassicLine };
  },
};
