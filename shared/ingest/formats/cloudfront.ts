/**
 * Amazon CloudFront standard logs (legacy and v2 W3C): tab-separated, with `#Version:` and
 * `#Fields:` header lines. The field list is read from `#Fields` (v2 lets users pick and reorder
 * fields); a file without it is read in the documented default order.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html
 */
import { parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { isDigits, present, secondsToMs, toNumber } from './fields.ts';
import { levelFromStatus, normalizeRoute } from './http.ts';
import { SKIP, type TextParser, type TextPreset } from './preset.ts';

/** The 33 fields of a standard log file, in the documented order. */
export const CLOUDFRONT_DEFAULT_FIELDS: readonly string[] = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem',
  'sc-status', 'cs(Referer)', 'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type',
  'x-edge-request-id', 'x-host-header', 'cs-protocol', 'cs-bytes', 'time-taken', 'x-forwarded-for',
  'ssl-protocol', 'ssl-cipher', 'x-edge-response-result-type', 'cs-protocol-version', 'fle-status',
  'fle-encrypted-fields', 'c-port', 'time-to-first-byte', 'x-edge-detailed-result-type',
  'sc-content-type', 'sc-content-len', 'sc-range-start', 'sc-range-end',
];

/** Up to `sc-status`: headerless files from before the later fields were added still read. */
const MIN_DEFAULT_FIELDS = 9;

/**
 * Mapped to record properties (date/time → timestamp, cs-method → message) or left out on purpose:
 * cs(Cookie) is only logged when cookie logging is on, and holds viewers' session secrets.
 */
const NOT_IN_FIELDS = new Set(['date', 'time', 'timestamp', 'timestamp(ms)', 'cs-method', 'cs(Cookie)']);

/** Where each field of interest sits in the current field list (-1 when absent). */
interface Layout {
  names: readonly string[];
  min: number;
  date: number;
  time: number;
  epochS: number;
  epochMs: number;
  method: number;
  stem: number;
  status: number;
  host: number;
  hostHeader: number;
  timeTaken: number;
  resultType: number;
}

function layoutOf(names: readonly string[], min: number): Layout {
  const at = (name: string) => names.indexOf(name);
  return {
    names,
    min,
    date: at('date'),
    time: at('time'),
    epochS: at('timestamp'),
    epochMs: at('timestamp(ms)'),
    method: at('cs-method'),
    stem: at('cs-uri-stem'),
    status: at('sc-status'),
    host: at('cs(Host)'),
    hostHeader: at('x-host-header'),
    timeTaken: at('time-taken'),
    resultType: at('x-edge-result-type'),
  };
}

const DEFAULT_LAYOUT = layoutOf(CLOUDFRONT_DEFAULT_FIELDS, MIN_DEFAULT_FIELDS);

/** `YYYY-MM-DD` + `HH:MM:SS` (UTC) → epoch ms, only when both have that exact shape. */
function dateTimeMs(date: string | undefined, time: string | undefined): number | undefined {
  if (date === undefined || time === undefined || date.length !== 10 || time.length < 8) return undefined;
  if (date.charCodeAt(4) !== 45 || time.charCodeAt(2) !== 58) return undefined;
  return parseTimestamp(`${date}T${time}Z`);
}

function timestampOf(v: readonly string[], layout: Layout): number | undefined {
  if (layout.date !== -1 && layout.time !== -1) return dateTimeMs(v[layout.date], v[layout.time]);
  // v2 lets users log an epoch `timestamp` (seconds, with ms) or `timestamp(ms)` instead of date + time.
  const epoch = layout.epochMs !== -1 ? v[layout.epochMs] : layout.epochS !== -1 ? v[layout.epochS] : undefined;
  if (epoch === undefined) return undefined;
  return toNumber(epoch) !== undefined ? parseTimestamp(epoch) : undefined;
}

class CloudFrontParser implements TextParser {
  private layout = DEFAULT_LAYOUT;

  parse(line: string, source: string, lineNo: number): LogRecord | typeof SKIP | undefined {
    if (line.charCodeAt(0) === 35 /* # */) return this.header(line);
    if (!line.includes('\t')) return undefined;
    const v = line.split('\t');
    const layout = this.layout;
    if (v.length < layout.min) return undefined;
    const timestamp = timestampOf(v, layout);
    if (timestamp === undefined) return undefined;
    const status = layout.status === -1 ? undefined : v[layout.status];
    if (status !== undefined && status !== '-' && !isDigits(status)) return undefined;
    const method = layout.method === -1 ? undefined : present(v[layout.method]);
    if (method !== undefined && !/^[A-Z]{3,10}$/.test(method)) return undefined;

    const stem = layout.stem === -1 ? undefined : present(v[layout.stem]);
    const route = stem === undefined ? undefined : normalizeRoute(stem);
    const message = [method, route].filter((part) => part !== undefined).join(' ')
      || (layout.resultType === -1 ? undefined : present(v[layout.resultType]))
      || 'request';
    const record: LogRecord = { source, line: lineNo, message, timestamp };
    const level = levelFromStatus(status);
    if (level) record.level = level;
    const taken = layout.timeTaken === -1 ? undefined : toNumber(v[layout.timeTaken]);
    if (taken !== undefined && taken >= 0) record.durationMs = secondsToMs(taken);
    const service = (layout.host === -1 ? undefined : present(v[layout.host]))
      ?? (layout.hostHeader === -1 ? undefined : present(v[layout.hostHeader]));
    if (service) record.service = service;
    const fields: Record<string, string> = {};
    const count = Math.min(layout.names.length, v.length);
    for (let i = 0; i < count; i++) {
      const name = layout.names[i]!;
      const value = present(v[i]);
      if (value !== undefined && !NOT_IN_FIELDS.has(name)) fields[name] = value;
    }
    record.fields = fields;
    return record;
  }

  /** `#Version:` is skipped; `#Fields:` sets the field list for the lines after it. */
  private header(line: string): typeof SKIP | undefined {
    if (line.startsWith('#Version:')) return SKIP;
    if (!line.startsWith('#Fields:')) return undefined;
    const names = line.slice('#Fields:'.length).trim().split(/\s+/).filter((name) => name.length > 0);
    if (names.length === 0) return undefined;
    // With a header, every listed field is expected on each line (more are fine).
    this.layout = layoutOf(names, names.length);
    return SKIP;
  }
}

export const cloudfrontPreset: TextPreset = {
  name: 'cloudfront',
  title: 'Amazon CloudFront standard log',
  framing: 'text',
  multiline: 'none',
  provides: { duration: true, level: true, session: false, service: true },
  mapping: [
    'duration: time-taken (s → ms)',
    'level: sc-status (5xx ERROR, 4xx WARN, else INFO; none for 000)',
    'session: none (CloudFront logs no per-viewer id; x-edge-request-id is per request, in fields)',
    'service: cs(Host) (the distribution domain), else x-host-header',
    'message: cs-method + normalised cs-uri-stem, ids replaced also before a file extension (GET /images/{num}.png)',
    'timestamp: date + time (UTC); fields named as in #Fields (read from the header, default order without one); cs(Cookie) dropped',
  ],
  create() {
    return new CloudFrontParser();
  },
};
