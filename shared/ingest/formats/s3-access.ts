/**
 * Amazon S3 server access logs: one request per line, space-separated, `"quoted"` request/referrer/
 * user agent, the time in `[brackets]` (Common Log Format), `-` for no value, new fields appended
 * at the end over the years.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
 */
import { parseClfTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { isDigits, namedFields, present, splitFields, toNumber } from './fields.ts';
import { levelFromStatus, normalizeRoute } from './http.ts';
import type { TextPreset } from './preset.ts';

/** The documented fields in log order. */
const S3_FIELDS = [
  'bucket_owner', 'bucket', 'time', 'remote_ip', 'requester', 'request_id', 'operation', 'key',
  'request_uri', 'http_status', 'error_code', 'bytes_sent', 'object_size', 'total_time',
  'turn_around_time', 'referrer', 'user_agent', 'version_id', 'host_id', 'signature_version',
  'cipher_suite', 'authentication_type', 'host_header', 'tls_version', 'access_point_arn',
  'acl_required', 'source_region',
] as const;

/** Up to `total_time`: the duration must be there; the later fields are optional. */
const MIN_FIELDS = 14;

/** Mapped to record properties, or (host_id) an opaque per-request token of no use for analysis. */
const MAPPED = new Set(['bucket', 'time', 'operation', 'total_time', 'http_status', 'host_id']);

/**
 * The message: the operation, then method + normalised route of the request URI, so object keys
 * and upload ids stay out of the template: `REST.GET.OBJECT GET /photos/{num}.jpg`. Requests
 * without a URI (lifecycle `S3.EXPIRE.OBJECT`) are just the operation.
 */
function s3Message(operation: string, requestUri: string | undefined): string {
  if (requestUri === undefined) return operation;
  const parts = requestUri.split(' ');
  if (parts.length < 2 || parts.length > 3 || !/^[A-Z]{3,10}$/.test(parts[0]!)) return `${operation} ${requestUri}`;
  return `${operation} ${parts[0]} ${normalizeRoute(parts[1]!)}`;
}

/** Parses one S3 server access-log line, or returns `undefined` when it is not one. */
export function parseS3AccessLine(line: string, source: string, lineNo: number): LogRecord | undefined {
  // Cheap rejection: the time bracket comes right after the owner and bucket.
  const bracket = line.indexOf(' [');
  if (bracket === -1 || bracket > 200) return undefined;
  const v = splitFields(line);
  if (v === undefined || v.length < MIN_FIELDS) return undefined;
  const timestamp = parseClfTimestamp(v[2]!);
  if (timestamp === undefined) return undefined;
  const operation = v[6]!;
  // REST.GET.OBJECT, SOAP.CreateBucket, WEBSITE.GET.OBJECT, BATCH.DELETE.OBJECT, S3.EXPIRE.OBJECT …
  if (!/^[A-Z0-9]+\.[\w.]+$/.test(operation)) return undefined;
  const status = v[9]!;
  if (status !== '-' && !(status.length === 3 && isDigits(status))) return undefined;
  const totalTime = v[13]!;
  if (totalTime !== '-' && !isDigits(totalTime)) return undefined;

  const record: LogRecord = { source, line: lineNo, message: s3Message(operation, present(v[8])), timestamp };
  const level = levelFromStatus(status);
  if (level) record.level = level;
  const durationMs = toNumber(present(totalTime));
  if (durationMs !== undefined) record.durationMs = durationMs;
  const bucket = present(v[1]);
  if (bucket) record.service = bucket;
  record.fields = namedFields(S3_FIELDS, v, MAPPED);
  return record;
}

export const s3AccessPreset: TextPreset = {
  name: 's3-access',
  title: 'Amazon S3 server access log',
  framing: 'text',
  multiline: 'none',
  provides: { duration: true, level: true, session: false, service: true },
  mapping: [
    'duration: total_time (ms; none when -); turn_around_time in fields',
    'level: http_status (5xx ERROR, 4xx WARN, else INFO)',
    'session: none (request_id is per request, in fields)',
    'service: bucket',
    'message: operation + method + normalised route of request_uri (REST.GET.OBJECT GET /photos/{num}.jpg)',
    'timestamp: [time] (Common Log Format); error_code, requester, remote_ip, key, bytes, user_agent … in fields',
  ],
  create() {
    return { parse: parseS3AccessLine };
  },
};
