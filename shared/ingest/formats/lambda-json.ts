/**
 * AWS Lambda's JSON log format (`LoggingConfig.LogFormat = JSON`): one JSON object per line.
 * - platform (system) lines: `{"time","type":"platform.start|platform.runtimeDone|platform.report|…",
 *   "record":{"requestId",…,"metrics":{"durationMs",…},"status":"success|failure|error|timeout"}}`;
 * - application lines: `{"timestamp","level","requestId","message"}` (Python adds `logger`, uncaught
 *   errors add `errorType`/`errorMessage`/`stackTrace`, or carry them as the `message` object).
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
 */
import type { JsonRecordMapper } from '../field-mapping.ts';
import { normalizeLevel, parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import type { JsonPreset } from './preset.ts';

/** `status` values of platform.runtimeDone / platform.report / platform.initReport that mean the invocation failed. */
const FAILED_STATUS = new Set(['timeout', 'error', 'failure']);

/** Record fields copied to `fields` as they are (strings, numbers, booleans). */
const PLATFORM_FIELDS = [
  'status', 'errorType', 'phase', 'version', 'initializationType', 'runtimeVersion', 'runtimeVersionArn',
  'functionName', 'functionVersion',
] as const;

/** True for a Lambda platform (system) line: `{"time","type":"platform.…","record":{…}}`. */
export function isLambdaPlatformLine(value: unknown): value is { type: string; record: Record<string, unknown>; time?: unknown } {
  if (!isObject(value)) return false;
  const type = value.type;
  return typeof type === 'string' && type.startsWith('platform.') && isObject(value.record);
}

/**
 * The record of one Lambda JSON log object: platform lines are mapped here (message
 * `platform.report status=success`, duration from `record.metrics.durationMs`, session from
 * `record.requestId`); anything else goes through the run's `mapper` (application lines and
 * Powertools lines), with an error object in `message` turned into `ErrorType: message`.
 */
export function lambdaObjectRecord(
  obj: Record<string, unknown>,
  mapper: JsonRecordMapper,
  source: string,
  line: number,
): LogRecord {
  if (isLambdaPlatformLine(obj)) return platformRecord(obj, source, line);
  const type = obj.type;
  // Telemetry-API style `{"time","type":"function"|"extension","record":"<text>"}`.
  if ((type === 'function' || type === 'extension') && typeof obj.record === 'string') {
    const record: LogRecord = { source, line, message: trimNewline(obj.record) };
    const ts = parseTimestamp(obj.time);
    if (ts !== undefined) record.timestamp = ts;
    return record;
  }
  const record = mapper.map(obj, source, line);
  const message = obj.message;
  if (typeof message === 'object' && message !== null) {
    // Node's JSON format logs an uncaught error as `"message":{"errorType","errorMessage","stackTrace"}`.
    const m = message as Record<string, unknown>;
    record.message = typeof m.errorType === 'string'
      ? `${m.errorType}: ${typeof m.errorMessage === 'string' ? m.errorMessage : ''}`.trimEnd()
      : JSON.stringify(message);
    if (Array.isArray(m.stackTrace)) record.detail = m.stackTrace.map(String).join('\n');
  }
  if (typeof obj.errorType === 'string') record.fields = { ...record.fields, errorType: obj.errorType };
  if (record.detail === undefined && Array.isArray(obj.stackTrace)) record.detail = obj.stackTrace.map(String).join('\n');
  // Powertools for AWS Lambda names the request `function_request_id`, not an alias the mapper knows.
  if (record.sessionId === undefined && typeof obj.function_request_id === 'string' && obj.function_request_id.length > 0) {
    record.sessionId = obj.function_request_id;
  }
  return record;
}

function platformRecord(
  obj: { type: string; record: Record<string, unknown>; time?: unknown; level?: unknown },
  source: string,
  line: number,
): LogRecord {
  const rec = obj.record;
  const status = typeof rec.status === 'string' ? rec.status : undefined;
  const phase = typeof rec.phase === 'string' ? rec.phase : undefined;
  const errorType = typeof rec.errorType === 'string' ? rec.errorType : undefined;
  // Only words that repeat: ids, versions and figures stay out of the message so it templates cleanly.
  let message = obj.type;
  if (phase !== undefined) message += ` phase=${phase}`;
  if (status !== undefined) message += ` status=${status}`;
  if (errorType !== undefined) message += ` errorType=${errorType}`;
  const record: LogRecord = { source, line, message };

  const ts = parseTimestamp(obj.time);
  if (ts !== undefined) record.timestamp = ts;
  if (typeof rec.requestId === 'string' && rec.requestId.length > 0) record.sessionId = rec.requestId;
  if (status !== undefined && FAILED_STATUS.has(status)) record.level = 'ERROR';
  else {
    const level = normalizeLevel(obj.level);
    if (level) record.level = level;
  }

  const fields: Record<string, string> = {};
  const metrics = rec.metrics;
  if (isObject(metrics)) {
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (key === 'durationMs') record.durationMs = value;
      else fields[key] = String(value);
    }
  }
  for (const key of PLATFORM_FIELDS) {
    const value = rec[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[key] = String(value);
  }
  const tracing = rec.tracing;
  if (isObject(tracing) && typeof tracing.value === 'string') fields.traceId = tracing.value;
  if (Object.keys(fields).length > 0) record.fields = fields;
  return record;
}

export const lambdaJsonPreset: JsonPreset = {
  name: 'lambda-json',
  title: 'AWS Lambda JSON log format (platform and application lines)',
  framing: 'json-lines',
  provides: { duration: true, level: true, session: true, service: false },
  mapping: [
    'duration: record.metrics.durationMs of platform lines (platform.report, platform.runtimeDone, platform.initReport)',
    'level: ERROR when a platform status is timeout/error/failure; application lines: level',
    'session: record.requestId (platform lines), requestId (application lines)',
    'service: none (the log group names the function, the lines do not); an application line\'s own service field',
    'message: platform lines `<type> [phase=…] [status=…] [errorType=…]`; application lines: message (an error object → `ErrorType: message`)',
    'timestamp: time / timestamp; other metrics (billedDurationMs, maxMemoryUsedMB, initDurationMs …), version, traceId in fields',
  ],
  sniff(head, first) {
    if (isLambdaPlatformLine(first)) return true;
    // A stream that opens with an application line: claim it when platform lines follow in the head.
    return isObject(first) && typeof first.requestId === 'string' && 'level' in first
      && /"type"\s*:\s*"platform\./.test(head);
  },
  create(context) {
    return {
      records(value, source, ordinal) {
        if (!isObject(value)) return [];
        return [lambdaObjectRecord(value, context.mapper, source, ordinal)];
      },
    };
  },
};

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text without one trailing `\n` / `\r\n` (CloudWatch and Docker keep the line ending). */
export function trimNewline(text: string): string {
  if (text.charCodeAt(text.length - 1) !== 10) return text;
  return text.slice(0, text.charCodeAt(text.length - 2) === 13 ? -2 : -1);
}
