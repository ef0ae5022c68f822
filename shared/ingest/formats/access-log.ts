/**
 * Apache/Nginx access logs: Common Log Format, Combined Log Format (Nginx's default `combined`),
 * Apache's `vhost_combined` (a leading `%v:%p`), and any of them followed by extra fields such as a
 * request time.
 */
import type { LogRecord } from '../record.ts';
import { parseClfTimestamp } from '../normalize.ts';
import { levelFromStatus, requestMessage } from './http.ts';
import type { TextParser, TextPreset } from './preset.ts';

// [vhost:port ]host ident authuser [time] "request" status bytes ["referer" "user-agent"][ rest]
// Quoted fields allow backslash escapes (Apache writes `\"`, Nginx `\x22`), as the unrolled loop
// `"[^"\\]*(?:\\.[^"\\]*)*"`: no two branches can match the same text, so matching stays linear
// (and about twice as fast as `(?:[^"\\]|\\.)*`).
const QUOTED = '"([^"\\\\]*(?:\\\\.[^"\\\\]*)*)"';
const LINE = new RegExp(
  '^(?:([\\w.-]+:\\d{1,5}) )?(\\S+) (\\S+) (\\S+) \\[([^\\]]{20,40})\\] ' + QUOTED + ' (\\d{3}|-) (\\d+|-)'
  + `(?: ${QUOTED} ${QUOTED})?(?: (.*))?$`,
);

// Trailing fields: quoted strings or bare tokens.
const TRAILING_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"|\S+/g;
const KEYED_TIME = /^(?:rt|request_time|reqtime)=("?)(\d+(?:\.\d+)?)\1$/;
const MESSAGE_CACHE_MAX = 4096;
const DECIMAL = /^\d+\.\d+$/;
const INTEGER = /^\d+$/;

/**
 * The request time of a line's trailing fields, in ms. Nginx's `$request_time` is seconds with a
 * decimal point (always three decimals, `0.000` included), Apache's `%D` is integer microseconds:
 * - a keyed `rt=` / `request_time=` value is seconds;
 * - else the first bare token with a decimal point is seconds (`$request_time` comes before
 *   `$upstream_response_time` in every common Nginx layout);
 * - else the last bare integer is microseconds (`%D` is conventionally the last field).
 * Apache's `%T` (integer seconds) cannot be told from `%D` and is read as µs; it has one-second
 * resolution and little use for latency anyway, so `%D` is the reading worth getting right.
 */
export function requestTimeMs(trailing: string): { ms: number; raw: string } | undefined {
  const tokens = trailing.match(TRAILING_TOKEN);
  if (!tokens) return undefined;
  let integer: string | undefined;
  let decimal: string | undefined;
  for (const token of tokens) {
    const keyed = KEYED_TIME.exec(token);
    if (keyed) return { ms: Number(keyed[2]) * 1000, raw: keyed[2]! };
    if (decimal === undefined && DECIMAL.test(token)) decimal = token;
    else if (INTEGER.test(token)) integer = token;
  }
  if (decimal !== undefined) return { ms: Math.round(Number(decimal) * 1e6) / 1000, raw: decimal };
  if (integer !== undefined) return { ms: Number(integer) / 1000, raw: integer };
  return undefined;
}

/** Apache/Nginx access log preset. */
export const accessLogPreset: TextPreset = {
  name: 'access-log',
  title: 'Apache/Nginx access log (Common, Combined, vhost_combined, + request time)',
  framing: 'text',
  multiline: 'none',
  provides: { duration: true, level: true, session: true, service: false },
  mapping: [
    'message: method + route of the request line, ids normalised (GET /api/orders/{num})',
    'level: from the status (5xx ERROR, 4xx WARN, else INFO)',
    'duration: a trailing request time: decimal = seconds (Nginx $request_time, rt=), integer = µs (Apache %D)',
    'session: the client address (host field): all requests of one client',
    'service: none (the vhost of vhost_combined lines goes to fields)',
    'timestamp: the [dd/Mon/yyyy:HH:MM:SS zone] time',
    'fields: client, user, status, bytes, referer, user_agent, vhost, request, request_time, trailing',
  ],
  create(): TextParser {
    // Request lines repeat (health checks, static files, hot endpoints) and normalising one costs
    // microseconds: remember the recent ones. Cleared when full, so memory stays bounded.
    const messages = new Map<string, string>();
    const messageOf = (request: string): string => {
      let message = messages.get(request);
      if (message === undefined) {
        message = requestMessage(request);
        if (messages.size >= MESSAGE_CACHE_MAX) messages.clear();
        messages.set(request, message);
      }
      return message;
    };
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        const m = LINE.exec(line);
        if (!m) return undefined;
        const [, vhost, host, , user, time, request, status, bytes, referer, userAgent, trailing] = m;
        const timestamp = parseClfTimestamp(time!);
        if (timestamp === undefined) return undefined;
        const fields: Record<string, string> = { client: host!, status: status! };
        if (user !== '-') fields.user = user!;
        if (bytes !== '-') fields.bytes = bytes!;
        if (referer !== undefined && referer !== '-') fields.referer = referer;
        if (userAgent !== undefined && userAgent !== '-') fields.user_agent = userAgent;
        if (vhost !== undefined) fields.vhost = vhost;
        fields.request = request!;
        const record: LogRecord = { source, line: lineNo, message: messageOf(request!), timestamp, sessionId: host! };
        const level = levelFromStatus(status);
        if (level) record.level = level;
        if (trailing !== undefined && trailing.length > 0) {
          fields.trailing = trailing;
          const time = requestTimeMs(trailing);
          if (time) {
            record.durationMs = time.ms;
            fields.request_time = time.raw;
          }
        }
        record.fields = fields;
        return record;
      },
    };
  },
};
