/**
 * AWS Lambda's plain-text log lines (the default `Text` log format), and CloudWatch Logs export
 * files (CreateExportTask), whose every line is `<ISO-8601 timestamp> <message>`.
 *
 * Lambda text lines:
 * - platform: `START RequestId: <id> Version: $LATEST`, `END RequestId: <id>`,
 *   `REPORT RequestId: <id>\tDuration: 2.09 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB[\tInit Duration: 160.14 ms][\tStatus: timeout]`,
 *   `INIT_START Runtime Version: …\tRuntime Version ARN: …`, `INIT_REPORT Init Duration: … ms\tPhase: init\tStatus: timeout`,
 *   `EXTENSION\tName: …\tState: Ready\tEvents: […]` (also `TELEMETRY`, `LOGS`), `RequestId: <id> Error: Runtime exited …`;
 * - Node: `<ISO ts>\t<id>\tINFO\t<message>` (`<ISO ts>\t<id>\t<message>` before Node 12; `undefined` id at init);
 * - Python: `[INFO]\t<ISO ts>\t<id>\t<message>`, and `[ERROR] Runtime.ImportModuleError: …` at init;
 * - `<ISO ts> <id> Task timed out after 3.00 seconds` (space or tab separated).
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/S3ExportTasks.html
 */
import { normalizeLevel, parseTimestamp } from '../normalize.ts';
import type { Level, LogRecord } from '../record.ts';
import { isObject, isLambdaPlatformLine, lambdaObjectRecord, trimNewline } from './lambda-json.ts';
import type { ParseContext, TextPreset } from './preset.ts';

/** Level words of the Node (`WARN`, `FATAL`) and Python (`WARNING`, `CRITICAL`) runtimes. */
const LEVEL_WORDS = new Set(['TRACE', 'DEBUG', 'INFO', 'WARN', 'WARNING', 'ERROR', 'FATAL', 'CRITICAL']);

/** `Key: value [unit]` pairs of the REPORT / INIT_* lines, longest key first so `Billed Duration` is not read as `Duration`. */
const PAIR = /(?<![A-Za-z])(Billed Restore Duration|Restore Duration|Billed Duration|Init Duration|Max Memory Used|Memory Size|Duration|Status|Error Type|Phase|Runtime Version ARN|Runtime Version|XRAY TraceId|SegmentId|Sampled): (\S+)(?: (ms|MB))?/g;

/** Pair name → field name (the JSON log format's names, so text and JSON logs share them). */
const PAIR_FIELDS: Record<string, string> = {
  'Billed Duration': 'billedDurationMs',
  'Memory Size': 'memorySizeMB',
  'Max Memory Used': 'maxMemoryUsedMB',
  'Init Duration': 'initDurationMs',
  'Restore Duration': 'restoreDurationMs',
  'Billed Restore Duration': 'billedRestoreDurationMs',
  'Status': 'status',
  'Error Type': 'errorType',
  'Phase': 'phase',
  'Runtime Version': 'runtimeVersion',
  'Runtime Version ARN': 'runtimeVersionArn',
  'XRAY TraceId': 'xrayTraceId',
  'SegmentId': 'segmentId',
  'Sampled': 'sampled',
};

/** Pairs kept out of the message: ids that differ on every line and would only be masked away. */
const NOT_IN_MESSAGE = new Set(['Runtime Version ARN', 'XRAY TraceId', 'SegmentId', 'Sampled']);

/** Platform statuses that mean the invocation (or init) failed. */
const FAILED_STATUS = new Set(['timeout', 'error', 'failure']);

const TIMED_OUT = 'Task timed out after ';

/** `Runtime.ImportModuleError: …`, `KeyError: 'id'`: the exception the Python runtime logs at init. */
const INIT_ERROR = /^[A-Za-z_][\w.]*: /;

/**
 * Reads one Lambda runtime text line. Returns the record's properties (no `source`/`line`), or
 * `undefined` when the line is none of the Lambda shapes. The message stays template-friendly:
 * START/END/REPORT keep their text (the miner masks the request id and figures) without the X-Ray
 * ids and runtime ARN; application lines lose their timestamp/id/level prefix. The request id is the
 * session. Never throws.
 */
export function parseLambdaLine(text: string): Partial<LogRecord> | undefined {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return parseTimestamped(text);
  switch (c) {
    case 91 /* [ */: return parsePython(text);
    case 83 /* S */: return text.startsWith('START RequestId: ') ? parseRequestLine(text, 'START') : undefined;
    case 69 /* E */:
      if (text.startsWith('END RequestId: ')) return parseRequestLine(text, 'END');
      return parseExtension(text, 'EXTENSION');
    case 82 /* R */:
      if (text.startsWith('REPORT RequestId: ')) return parseReport(text, 'REPORT');
      if (text.startsWith('RequestId: ')) return parseRequestError(text);
      if (text.startsWith('RESTORE_START ') || text.startsWith('RESTORE_REPORT ')) return parseReport(text, text.slice(0, text.indexOf(' ')));
      return undefined;
    case 73 /* I */:
      if (text.startsWith('INIT_START ') || text.startsWith('INIT_REPORT ')) return parseReport(text, text.slice(0, text.indexOf(' ')));
      return undefined;
    case 84 /* T */: return parseExtension(text, 'TELEMETRY');
    case 76 /* L */: return parseExtension(text, 'LOGS');
    default: return undefined;
  }
}

/** `START RequestId: <id> Version: $LATEST`, `END RequestId: <id>`. */
function parseRequestLine(text: string, keyword: 'START' | 'END'): Partial<LogRecord> | undefined {
  const from = keyword.length + ' RequestId: '.length;
  const id = token(text, from);
  if (id.length === 0) return undefined;
  const out: Partial<LogRecord> = { message: text.trimEnd(), sessionId: id };
  if (keyword === 'START') {
    const version = /\sVersion: (\S+)/.exec(text);
    if (version) out.fields = { version: version[1]! };
  }
  return out;
}

/** REPORT, INIT_START, INIT_REPORT, RESTORE_START, RESTORE_REPORT: `Key: value` pairs after the keyword. */
function parseReport(text: string, keyword: string): Partial<LogRecord> | undefined {
  let message = keyword;
  const out: Partial<LogRecord> = {};
  if (keyword === 'REPORT') {
    const id = token(text, 'REPORT RequestId: '.length);
    if (id.length === 0) return undefined;
    out.sessionId = id;
    message += ` RequestId: ${id}`;
  }
  const fields: Record<string, string> = {};
  let pairs = 0;
  for (const match of text.matchAll(PAIR)) {
    const key = match[1]!;
    const value = match[2]!;
    const unit = match[3];
    pairs++;
    if (!NOT_IN_MESSAGE.has(key)) message += unit === undefined ? ` ${key}: ${value}` : ` ${key}: ${value} ${unit}`;
    const n = Number(value);
    if (key === 'Duration' && Number.isFinite(n)) out.durationMs = n;
    else if (key === 'Init Duration' && keyword === 'INIT_REPORT' && Number.isFinite(n)) out.durationMs = n;
    else if (key === 'Restore Duration' && keyword === 'RESTORE_REPORT' && Number.isFinite(n)) out.durationMs = n;
    else {
      const name = PAIR_FIELDS[key];
      if (name !== undefined) fields[name] = value;
    }
  }
  if (pairs === 0 && keyword !== 'REPORT') return undefined;
  if (fields.status !== undefined && FAILED_STATUS.has(fields.status)) out.level = 'ERROR';
  if (Object.keys(fields).length > 0) out.fields = fields;
  out.message = message;
  return out;
}

/** `RequestId: <id> Error: Runtime exited with error: exit status 1` (the runtime crashed). */
function parseRequestError(text: string): Partial<LogRecord> | undefined {
  const id = token(text, 'RequestId: '.length);
  if (id.length === 0) return undefined;
  const rest = text.slice('RequestId: '.length + id.length).trimStart();
  if (!rest.startsWith('Error: ')) return undefined;
  return { message: `RequestId: ${id} ${rest.trimEnd()}`, sessionId: id, level: 'ERROR' };
}

/** `EXTENSION\tName: x\tState: Ready\tEvents: [INVOKE, SHUTDOWN]`, same for `TELEMETRY` and `LOGS`. */
function parseExtension(text: string, keyword: string): Partial<LogRecord> | undefined {
  if (!text.startsWith(keyword)) return undefined;
  const sep = text.charCodeAt(keyword.length);
  if ((sep !== 9 && sep !== 32) || !text.startsWith('Name: ', keyword.length + 1)) return undefined;
  const out: Partial<LogRecord> = { message: text.replaceAll('\t', ' ').trimEnd() };
  const name = /Name: (\S+)/.exec(text);
  const state = /State: (\S+)/.exec(text);
  const fields: Record<string, string> = {};
  if (name) fields.name = name[1]!;
  if (state) fields.state = state[1]!;
  if (Object.keys(fields).length > 0) out.fields = fields;
  return out;
}

/** Lines that open with an ISO timestamp: Node application lines and the timeout line. */
function parseTimestamped(text: string): Partial<LogRecord> | undefined {
  const tab = text.indexOf('\t');
  const space = text.indexOf(' ');
  const sep = tab === -1 ? space : space === -1 ? tab : Math.min(tab, space);
  if (sep < 19 || sep > 35 || text.charCodeAt(10) !== 84 /* T */) return undefined;
  const timestamp = parseTimestamp(text.slice(0, sep));
  if (timestamp === undefined) return undefined;
  const idEnd = indexOfSep(text, sep + 1);
  if (idEnd === -1) return undefined;
  const id = text.slice(sep + 1, idEnd);
  if (id.length === 0 || id.length > 64) return undefined;
  const rest = text.slice(idEnd + 1);
  if (rest.startsWith(TIMED_OUT)) {
    return withSession({ message: rest.trimEnd(), timestamp, level: 'ERROR' }, id);
  }
  // Beyond the timeout line, only the runtime's tab-separated shape counts (a space-separated
  // `<ts> <word> …` line is someone else's format, or a CloudWatch export line).
  if (text.charCodeAt(sep) !== 9 || text.charCodeAt(idEnd) !== 9) return undefined;
  const levelEnd = rest.indexOf('\t');
  if (levelEnd > 0 && LEVEL_WORDS.has(rest.slice(0, levelEnd))) {
    const level = normalizeLevel(rest.slice(0, levelEnd));
    return withSession(withLevel({ message: rest.slice(levelEnd + 1).trimEnd(), timestamp }, level), id);
  }
  return withSession({ message: rest.trimEnd(), timestamp }, id);
}

/** `[LEVEL]\t<ts>\t<id>\t<message>`, or `[LEVEL] <text>` (the Python runtime's own init errors). */
function parsePython(text: string): Partial<LogRecord> | undefined {
  const close = text.indexOf(']');
  if (close < 2 || close > 9) return undefined;
  const word = text.slice(1, close);
  if (!LEVEL_WORDS.has(word)) return undefined;
  const level = normalizeLevel(word);
  const sep = text.charCodeAt(close + 1);
  if (sep === 32) {
    // Only the runtime's own `[ERROR] ExceptionType: …` (`[INFO] Building …` is Maven, not Lambda).
    const rest = text.slice(close + 2);
    return word === 'ERROR' && INIT_ERROR.test(rest) ? { message: rest.trimEnd(), level: 'ERROR' } : undefined;
  }
  if (sep !== 9) return undefined;
  const tsEnd = text.indexOf('\t', close + 2);
  const timestamp = tsEnd === -1 ? undefined : parseTimestamp(text.slice(close + 2, tsEnd));
  if (timestamp === undefined) return withLevel({ message: text.slice(close + 2).trimEnd() }, level);
  const idEnd = text.indexOf('\t', tsEnd + 1);
  if (idEnd === -1) return withLevel({ message: text.slice(tsEnd + 1).trimEnd(), timestamp }, level);
  const id = text.slice(tsEnd + 1, idEnd);
  return withSession(withLevel({ message: text.slice(idEnd + 1).trimEnd(), timestamp }, level), id);
}

function withLevel(out: Partial<LogRecord>, level: Level | undefined): Partial<LogRecord> {
  if (level) out.level = level;
  return out;
}

/** Sets the session unless the id is the Node runtime's `undefined` (a line logged during init). */
function withSession(out: Partial<LogRecord>, id: string): Partial<LogRecord> {
  if (id.length > 0 && id !== 'undefined' && !id.includes(' ')) out.sessionId = id;
  return out;
}

/** The whitespace-free token starting at `from`. */
function token(text: string, from: number): string {
  let end = from;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 32 || c === 9) break;
    end++;
  }
  return text.slice(from, end);
}

/** Index of the next space or tab at or after `from`, or -1. */
function indexOfSep(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) return i;
  }
  return -1;
}

/** `[ERROR] …`, `ERROR: …`, `WARN …` at the start of a free-text message. */
const LEADING_LEVEL = /^\[?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL)\]?(?::|\s|$)/;

/**
 * The record of one CloudWatch Logs message (an export line's text, a subscription log event):
 * a Lambda runtime line (see {@link parseLambdaLine}), a JSON object (Lambda's JSON log format or
 * any JSON log, through the Lambda-aware mapping and then `context.mapper`), or free text whose
 * leading level word, if any, is its level. `fallbackTimestamp` (the CloudWatch event time) is used
 * when the message has none. A message of several lines keeps its first as the message and the rest
 * as `detail`.
 */
export function cloudwatchMessageRecord(
  text: string,
  fallbackTimestamp: number | undefined,
  context: ParseContext,
  source: string,
  line: number,
): LogRecord {
  let message = trimNewline(text);
  let detail: string | undefined;
  const c = message.charCodeAt(0);
  if (c === 123 /* { */ && message.charCodeAt(message.length - 1) === 125 /* } */) {
    const parsed = parseJsonObject(message);
    if (parsed !== undefined) {
      const record = lambdaObjectRecord(parsed, context.mapper, source, line);
      if (record.timestamp === undefined && fallbackTimestamp !== undefined) record.timestamp = fallbackTimestamp;
      return record;
    }
  }
  const newline = message.indexOf('\n');
  if (newline !== -1) {
    detail = message.slice(newline + 1);
    message = message.slice(0, message.charCodeAt(newline - 1) === 13 ? newline - 1 : newline);
  }
  const lambda = parseLambdaLine(message);
  const record: LogRecord = lambda
    ? { ...lambda, source, line, message: lambda.message ?? message }
    : { source, line, message };
  if (!lambda) {
    const leading = LEADING_LEVEL.exec(message);
    const level = leading ? normalizeLevel(leading[1]) : undefined;
    if (level) record.level = level;
  }
  if (record.timestamp === undefined && fallbackTimestamp !== undefined) record.timestamp = fallbackTimestamp;
  if (detail !== undefined && detail.length > 0) record.detail = detail;
  return record;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A JSON line that a Lambda function's log stream holds: Lambda's JSON format, or Powertools' JSON. */
function isLambdaJsonLine(value: Record<string, unknown>): boolean {
  return isLambdaPlatformLine(value)
    || (typeof value.requestId === 'string' && 'level' in value)
    || typeof value.function_request_id === 'string';
}

export const lambdaPreset: TextPreset = {
  name: 'lambda',
  title: 'AWS Lambda text log (START/END/REPORT, Node and Python runtime lines)',
  framing: 'text',
  // A multi-line log call or a traceback continues on lines without a Lambda prefix.
  multiline: 'header',
  provides: { duration: true, level: true, session: true, service: false },
  mapping: [
    'duration: REPORT Duration (ms); INIT_REPORT Init Duration',
    'level: the runtime\'s level column (Node INFO…, Python [WARNING]…); ERROR for Task timed out, Runtime exited, Status: timeout/error',
    'session: RequestId (START/END/REPORT and the id column of application lines)',
    'service: none (the log group names the function, the lines do not)',
    'message: START/END/REPORT text without X-Ray ids; application lines without their timestamp/id/level prefix',
    'timestamp: the ISO timestamp of application lines; Billed Duration, Memory Size, Max Memory Used, Init Duration, Status in fields',
  ],
  create(context) {
    return {
      parse(line, source, lineNo) {
        const lambda = parseLambdaLine(line);
        if (lambda) return { ...lambda, source, line: lineNo, message: lambda.message ?? line };
        // Powertools and Lambda's JSON format write JSON lines into the same stream.
        if (line.charCodeAt(0) === 123 /* { */) {
          const obj = parseJsonObject(line);
          if (obj !== undefined && isLambdaJsonLine(obj)) return lambdaObjectRecord(obj, context.mapper, source, lineNo);
        }
        return undefined;
      },
    };
  },
};

/** `YYYY-MM-DDTHH:MM` then seconds, fraction and a `Z`: the export's timestamp (always UTC). */
const EXPORT_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z$/;

export const cloudwatchExportPreset: TextPreset = {
  name: 'cloudwatch-export',
  title: 'CloudWatch Logs export (CreateExportTask), or any `<ISO-8601 UTC timestamp> <message>` lines',
  framing: 'text',
  // A message with line breaks is written as is, so its later lines have no timestamp.
  multiline: 'header',
  provides: { duration: true, level: true, session: true, service: false },
  mapping: [
    'duration: from Lambda REPORT messages (Duration) and JSON messages (duration fields, Lambda metrics.durationMs)',
    'level: Lambda runtime lines, JSON messages\' level, else a leading level word (ERROR, [WARN] …)',
    'session: the Lambda RequestId, or a JSON message\'s request/correlation id',
    'service: none (the export names neither log group nor function in its lines)',
    'message: the text after the timestamp, read as a Lambda line or JSON log when it is one',
    'timestamp: the message\'s own when it has one, else the export timestamp',
  ],
  create(context) {
    return {
      parse(line, source, lineNo) {
        const space = line.indexOf(' ');
        if (space < 20 || space > 30 || line.charCodeAt(10) !== 84 /* T */) return undefined;
        const stamp = line.slice(0, space);
        if (!EXPORT_TIMESTAMP.test(stamp)) return undefined;
        const timestamp = parseTimestamp(stamp);
        if (timestamp === undefined) return undefined;
        return cloudwatchMessageRecord(line.slice(space + 1), timestamp, context, source, lineNo);
      },
    };
  },
};
