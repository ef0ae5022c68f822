/**
 * syslog files: RFC 3164 (`[<PRI>]Mmm dd hh:mm:ss host app[pid]: message`, what /var/log/syslog,
 * auth.log and messages hold), the same with an RFC 3339 timestamp with an offset (rsyslog's
 * high-precision file format, Debian 12's default; journalctl -o short-iso), and RFC 5424 (`<PRI>1 timestamp host app procid msgid [sd] message`).
 */
import type { Level, LogRecord } from '../record.ts';
import { parseSyslogTime, parseTimestamp, syslogTimeInYear, syslogTimeNear, type SyslogTime } from '../normalize.ts';
import type { ParseContext, TextParser, TextPreset } from './preset.ts';

const SEVERITY: readonly Level[] = ['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'INFO', 'INFO', 'DEBUG'];
const FACILITY = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
];

// <PRI>: 0..191, no leading zeros beyond one digit (RFC 5424 §6.2.1).
const PRI = /^<(\d{1,3})>/;
// RFC 3164 after the timestamp: host, then a tag (`sshd[1234]:`, `kernel:`, `postfix/smtpd[9]:`).
// Tag characters exclude space, brackets and colon, so each part is bounded by its delimiter.
const TAGGED = /^(\S+) ([^\s[\]:]{1,64})(?:\[([^\s\]]{1,32})\])?: ?(.*)$/s;
const UNTAGGED = /^(\S+) (.*)$/s;
/** RFC 5424's TIMESTAMP (RFC 3339). */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;
/**
 * A 3164-style line led by an RFC 3339 time, as rsyslog's RSYSLOG_FileFormat and journalctl's
 * short-iso write it: always a numeric offset. `Z` is left out on purpose: CRI, CloudWatch export
 * and Spring Boot lines start with a `…Z` time and a word, and must not read as syslog.
 */
const ISO_HEAD = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?[+-]\d\d:?\d\d$/;

/** Records half a year or more earlier than the one before them are taken to have crossed New Year. */
const ROLLOVER_MS = 183 * 86_400_000;

/**
 * syslog preset.
 *
 * Year of RFC 3164 timestamps (which have none): from `context.referenceTime` (the file's
 * modification time) — its year, or the year before when the date would fall more than ~1 month
 * after it (see `parseSyslogTimestamp`). Inside one file a record more than half a year *earlier*
 * than the record before it has crossed New Year (Dec 31 → Jan 1 in a file whose reference is
 * still in December) and moves a year forward, never back. Without a reference time the year is
 * unknown: such records get no `timestamp` and keep the raw time in `fields.time`, so nothing
 * downstream sees a made-up date.
 */
export const syslogPreset: TextPreset = {
  name: 'syslog',
  title: 'syslog (RFC 3164 / BSD, rsyslog high-precision, RFC 5424)',
  framing: 'text',
  multiline: 'stack',
  provides: { duration: false, level: true, session: true, service: true },
  mapping: [
    'message: the text after the tag (RFC 3164) or after the structured data (RFC 5424)',
    'level: the severity of <PRI> (0-2 FATAL, 3 ERROR, 4 WARN, 5-6 INFO, 7 DEBUG); absent when the line has no <PRI>',
    'session: app[pid], one process (e.g. one sshd connection); none without a pid',
    'service: the app name (tag)',
    'duration: none',
    'timestamp: RFC 3164 has no year: taken from the file time (a date >1 month after it is the year before); without a file time none, raw time in fields.time',
    'fields: host, pid, msgid, facility, structured data as sd-id.param',
  ],
  create(context: ParseContext): TextParser {
    let previous: number | undefined;

    /** The year-less time placed by the reference, then kept from running backwards across New Year. */
    const placeTime = (time: SyslogTime): number | undefined => {
      if (context.referenceTime === undefined) return undefined;
      let ms = syslogTimeNear(time, context.referenceTime);
      if (ms === undefined) return undefined;
      if (previous !== undefined && ms < previous - ROLLOVER_MS) {
        let year = new Date(ms).getUTCFullYear() + 1;
        let next = syslogTimeInYear(time, year);
        while (next === undefined && year < 1e4) next = syslogTimeInYear(time, ++year);
        if (next !== undefined) ms = next;
      }
      return ms;
    };

    const parse3164 = (line: string, at: number, pri: number | undefined, source: string, lineNo: number): LogRecord | undefined => {
      // The timestamp: `Mmm dd hh:mm:ss[.fff]` (15+ characters) or an RFC 3339 time up to the first space.
      let timestamp: number | undefined;
      let rawTime: string | undefined;
      let rest: string;
      const space = line.indexOf(' ', at);
      if (space === -1) return undefined;
      const first = line.charCodeAt(at);
      if (first >= 48 && first <= 57) {
        const head = line.slice(at, space);
        if (!ISO_HEAD.test(head)) return undefined;
        timestamp = parseTimestamp(head);
        if (timestamp === undefined) return undefined;
        rest = line.slice(space + 1);
      } else {
        // `Dec  2 07:19:01`: month, one or two spaces, day, time (with an optional fraction).
        let end = at + 3;
        while (line.charCodeAt(end) === 32 && end < at + 5) end++;
        end = line.indexOf(' ', end);
        if (end === -1) return undefined;
        end = line.indexOf(' ', end + 1);
        if (end === -1) return undefined;
        rawTime = line.slice(at, end);
        const time = parseSyslogTime(rawTime);
        if (time === undefined) return undefined;
        timestamp = placeTime(time);
        rest = line.slice(end + 1);
      }
      const fields: Record<string, string> = {};
      const record: LogRecord = { source, line: lineNo, message: '' };
      const tagged = TAGGED.exec(rest);
      if (tagged) {
        const [, host, app, pid, message] = tagged;
        fields.host = host!;
        // `sudo:    alice : TTY=…` pads its message; the padding is layout, not text.
        record.message = message!.trimStart();
        record.service = app!;
        if (pid !== undefined) {
          fields.pid = pid;
          record.sessionId = `${app}[${pid}]`;
        }
      } else {
        // A line with no tag (`last message repeated 2 times`) is only accepted with a BSD timestamp:
        // `<ISO time> <word> <text>` is too loose to call syslog.
        if (rawTime === undefined) return undefined;
        const untagged = UNTAGGED.exec(rest);
        if (!untagged) return undefined;
        fields.host = untagged[1]!;
        record.message = untagged[2]!;
      }
      if (timestamp !== undefined) {
        record.timestamp = timestamp;
        previous = timestamp;
      } else if (rawTime !== undefined) {
        fields.time = rawTime;
      }
      addPri(record, fields, pri);
      record.fields = fields;
      return record;
    };

    return {
      parse(line: string, source: string, lineNo: number): LogRecord | undefined {
        let at = 0;
        let pri: number | undefined;
        if (line.charCodeAt(0) === 60 /* < */) {
          const m = PRI.exec(line);
          if (!m) return undefined;
          pri = Number(m[1]);
          if (pri > 191) return undefined;
          at = m[0].length;
          if (line.charCodeAt(at) === 49 /* 1 */ && line.charCodeAt(at + 1) === 32) {
            return parse5424(line, at + 2, pri, source, lineNo);
          }
        }
        return parse3164(line, at, pri, source, lineNo);
      },
    };
  },
};

function addPri(record: LogRecord, fields: Record<string, string>, pri: number | undefined): void {
  if (pri === undefined) return;
  record.level = SEVERITY[pri % 8]!;
  fields.facility = FACILITY[pri >> 3]!;
}

/** The next space-delimited field of an RFC 5424 header, or undefined at the end of the line. */
function field(line: string, at: number): { value: string; next: number } | undefined {
  const space = line.indexOf(' ', at);
  if (space === at) return undefined;
  if (space === -1) return at < line.length ? { value: line.slice(at), next: line.length } : undefined;
  return { value: line.slice(at, space), next: space + 1 };
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`, `-` for a nil value. */
function parse5424(line: string, at: number, pri: number, source: string, lineNo: number): LogRecord | undefined {
  const values: string[] = [];
  let i = at;
  for (let n = 0; n < 5; n++) {
    const f = field(line, i);
    if (!f) return undefined;
    values.push(f.value);
    i = f.next;
  }
  const [time, host, app, procid, msgid] = values as [string, string, string, string, string];
  let timestamp: number | undefined;
  if (time !== '-') {
    timestamp = parseTimestamp(time);
    if (!RFC3339.test(time) || timestamp === undefined) return undefined;
  }
  const fields: Record<string, string> = {};
  let end: number;
  if (line.charCodeAt(i) === 45 /* - */) {
    end = i + 1;
  } else if (line.charCodeAt(i) === 91 /* [ */) {
    const sdEnd = readStructuredData(line, i, fields);
    if (sdEnd === undefined) return undefined;
    end = sdEnd;
  } else {
    return undefined;
  }
  if (end < line.length && line.charCodeAt(end) !== 32) return undefined;
  let message = end < line.length ? line.slice(end + 1) : '';
  // RFC 5424 allows a UTF-8 byte order mark before the message.
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  const record: LogRecord = { source, line: lineNo, message };
  if (timestamp !== undefined) record.timestamp = timestamp;
  if (host !== '-') fields.host = host;
  if (app !== '-') record.service = app;
  if (procid !== '-') {
    fields.pid = procid;
    record.sessionId = `${app === '-' ? '' : app}[${procid}]`;
  }
  if (msgid !== '-') fields.msgid = msgid;
  addPri(record, fields, pri);
  record.fields = fields;
  return record;
}

/**
 * Reads `[id p="v" …][id2 …]` from `at`, putting each parameter into `fields` as `id.p`;
 * returns the index after the last `]`, or undefined when the structured data is malformed.
 */
function readStructuredData(line: string, at: number, fields: Record<string, string>): number | undefined {
  let i = at;
  while (line.charCodeAt(i) === 91 /* [ */) {
    i++;
    let idEnd = i;
    while (idEnd < line.length && line.charCodeAt(idEnd) !== 32 && line.charCodeAt(idEnd) !== 93) idEnd++;
    const id = line.slice(i, idEnd);
    if (id.length === 0 || idEnd >= line.length) return undefined;
    i = idEnd;
    while (line.charCodeAt(i) === 32) {
      i++;
      const eq = line.indexOf('="', i);
      if (eq === -1) return undefined;
      const name = line.slice(i, eq);
      if (name.length === 0 || /[\s\]"]/.test(name)) return undefined;
      i = eq + 2;
      let value = '';
      for (;;) {
        if (i >= line.length) return undefined;
        const c = line.charCodeAt(i);
        if (c === 34 /* " */) break;
        if (c === 92 /* \ */ && i + 1 < line.length) {
          const next = line[i + 1]!;
          // Only `"`, `\` and `]` are escaped; a backslash before anything else is kept (RFC 5424 §6.3.3).
          if (next === '"' || next === '\\' || next === ']') {
            value += next;
            i += 2;
            continue;
          }
        }
        value += line[i];
        i++;
      }
      i++;
      fields[`${id}.${name}`] = value;
    }
    if (line.charCodeAt(i) !== 93 /* ] */) return undefined;
    i++;
  }
  return i;
}
