/**
 * logfmt lines (`time=… level=info msg="…" duration=12ms request_id=…`), as written by Go's
 * log/slog TextHandler, logrus's text formatter, go-kit and Heroku-style apps. The key/values go
 * through the run's JSON field mapping, so the usual aliases (msg, level, ts/time, duration with a
 * unit, request_id/trace_id, service …) apply exactly as for JSON logs.
 */
import type { Role } from '../field-mapping.ts';
import type { LogRecord } from '../record.ts';
import type { ParseContext, TextParser, TextPreset } from './preset.ts';

/**
 * Splits one logfmt line into its pairs, in order. Returns `undefined` when the line is not logfmt:
 * a bare word (prose, a stack frame), an unterminated quote, a quote inside a key, or text glued to
 * a closing quote. Values: bare (up to the next space; may contain `=`) or double-quoted with Go
 * escapes (`\"`, `\\`, `\n`, `\t`, `\r`, `\uXXXX`, …); `key=` is an empty value.
 * Written by hand (no dependency): the `logfmt` npm package is untyped, pulls in stream helpers,
 * and accepts bare words as `true`, which is exactly what must fail here.
 */
export function parseLogfmt(line: string): Array<[string, string]> | undefined {
  const pairs: Array<[string, string]> = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < n) {
      c = line.charCodeAt(i);
      if (c === 61 /* = */ || c === 32 || c === 9 || c === 34 /* " */) break;
      i++;
    }
    if (i === keyStart || c !== 61 || i >= n) return undefined;
    const key = line.slice(keyStart, i);
    i++; // '='
    let value: string;
    if (line.charCodeAt(i) === 34) {
      const read = readQuoted(line, i + 1);
      if (read === undefined) return undefined;
      value = read.value;
      i = read.next;
      if (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) return undefined;
    } else {
      const valueStart = i;
      while (i < n) {
        c = line.charCodeAt(i);
        if (c === 32 || c === 9) break;
        if (c === 34) return undefined;
        i++;
      }
      value = line.slice(valueStart, i);
    }
    pairs.push([key, value]);
  }
  return pairs;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', "'": "'",
};

/** A quoted value from just after its opening quote: the unescaped text and the index after the closing quote. */
function readQuoted(line: string, from: number): { value: string; next: number } | undefined {
  let i = from;
  let value = '';
  let chunk = from;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 34) return { value: value + line.slice(chunk, i), next: i + 1 };
    if (c !== 92 /* \ */) {
      i++;
      continue;
    }
    value += line.slice(chunk, i);
    const e = line[i + 1];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = line.slice(i + 2, i + 2 + width);
      const code = hex.length === width && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(code) || code > 0x10ffff) {
        value += '\\';
        i += 1;
      } else {
        value += String.fromCodePoint(code);
        i += 2 + width;
      }
    } else {
      // An unknown escape is kept as written.
      value += '\\';
      i += 1;
    }
    chunk = i;
  }
  return undefined;
}

/** Go's `time.Duration.String()`: `1h2m3.5s`, `2m30s` (single-unit values like `12ms` the mapper reads itself). */
const GO_DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$/;

function goDurationMs(value: string): string | undefined {
  const m = GO_DURATION.exec(value);
  if (!m || value.length === 0 || [m[1], m[2], m[3]].filter((p) => p !== undefined).length < 2) return undefined;
  const ms = Number(m[1] ?? 0) * 3_600_000 + Number(m[2] ?? 0) * 60_000 + Number(m[3] ?? 0) * 1000;
  return `${ms}ms`;
}

/** What the mapper set for each role, to tell which keys it used. */
const ROLE_PROPERTY: Record<Role, keyof LogRecord> = {
  message: 'message', level: 'level', timestamp: 'timestamp', duration: 'durationMs', session: 'sessionId', service: 'service',
};

/** logfmt preset. */
export const logfmtPreset: TextPreset = {
  name: 'logfmt',
  title: 'logfmt key=value lines (Go slog/logrus/go-kit, Heroku)',
  framing: 'text',
  multiline: 'stack',
  provides: { duration: true, level: true, session: true, service: true },
  mapping: [
    'message: msg/message key (the field mapping\'s aliases); without one, the unused pairs as key=value text',
    'level: level/severity key',
    'duration: duration/latency_ms/… keys with their unit (12ms, 1.5s, Go 1m2.5s)',
    'session: request_id/trace_id/correlation_id key',
    'service: service/app/logger key',
    'timestamp: time/ts/timestamp key',
    'fields: every key the mapping did not use',
  ],
  create(context: ParseContext): TextParser {
    const mapper = context.mapper;
    // Roles by key, cached per distinct key: logfmt files repeat a few keys endlessly.
    const roles = new Map<string, { role: Role; priority: number } | null>();
    const roleOf = (key: string) => {
      let known = roles.get(key);
      if (known === undefined) {
        known = mapper.roleOf(key) ?? null;
        if (roles.size < 4096) roles.set(key, known);
      }
      return known;
    };
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        // Cheap rejection first: no `=` in the first word means prose or a stack frame.
        const eq = line.indexOf('=');
        if (eq <= 0) return undefined;
        const pairs = parseLogfmt(line);
        if (pairs === undefined || pairs.length < 2) return undefined;
        const object: Record<string, string> = {};
        let hasAnchor = false;
        const best = new Map<Role, { key: string; priority: number }>();
        for (const [key, rawValue] of pairs) {
          const role = roleOf(key);
          let value = rawValue;
          if (role) {
            if (role.role === 'message' || role.role === 'level') hasAnchor = true;
            if (role.role === 'duration') value = goDurationMs(value) ?? value;
            const current = best.get(role.role);
            if (!current || role.priority < current.priority) best.set(role.role, { key, priority: role.priority });
          }
          object[key] = value;
        }
        if (!hasAnchor) return undefined;
        const record = mapper.map(object, source, lineNo);
        const used = new Set<string>();
        for (const [role, { key }] of best) {
          if (record[ROLE_PROPERTY[role]] !== undefined) used.add(key);
        }
        // The mapper puts an unrecognised level into fields; keep it, and every key it did not use.
        const fields: Record<string, string> = { ...record.fields };
        const unused: string[] = [];
        for (const [key] of pairs) {
          if (used.has(key)) continue;
          used.add(key); // a repeated key is listed once, with its last value
          fields[key] = object[key]!;
          unused.push(key);
        }
        if (!best.has('message')) {
          // No message key: the pairs that are not time/level/ids make the message, in line order.
          record.message = unused.map((key) => `${key}=${object[key]}`).join(' ');
        }
        if (Object.keys(fields).length > 0) record.fields = fields;
        else delete record.fields;
        return record;
      },
    };
  },
};
