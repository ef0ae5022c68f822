/**
 * Kubernetes CRI container log files (containerd, CRI-O: `/var/log/pods/…/0.log`):
 * `<RFC3339Nano time> <stdout|stderr> <tag> <message>`, where the tag is `F` (full line) or `P`
 * (partial: the runtime split a long line, its rest follows in later lines of the same stream).
 */
import { MAX_EVENT_CHARS } from '../multiline.ts';
import { parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { SKIP, type ParseContext, type TextParser, type TextPreset } from './preset.ts';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/;

/** A partial line waiting for the rest of its stream. */
interface Pending {
  parts: string[];
  chars: number;
  line: number;
  timestamp: number;
}

/** CRI container log preset. */
export const criPreset: TextPreset = {
  name: 'cri',
  title: 'Kubernetes CRI container log (containerd, CRI-O)',
  framing: 'text',
  multiline: 'stack',
  // The CRI line itself carries none of these; JSON app lines may (see mapping).
  provides: { duration: false, level: false, session: false, service: false },
  mapping: [
    'message: the container\'s line, partial (P) pieces joined up to the full (F) one; a JSON line goes through the field mapping',
    'level / duration / session / service: from the JSON line\'s keys when the app logs JSON; none for plain text (stderr is not made an error)',
    'timestamp: the JSON line\'s time key, else the CRI time of the first piece',
    'fields: stream (stdout/stderr), plus the JSON line\'s unmapped level',
  ],
  create(context: ParseContext): TextParser {
    // stdout and stderr are split independently, so their partial lines may interleave.
    const pending = new Map<string, Pending>();
    return {
      parse(line: string, source: string, lineNo: number): LogRecord | typeof SKIP | undefined {
        const s1 = line.indexOf(' ');
        if (s1 < 20 || s1 > 40) return undefined;
        const s2 = line.indexOf(' ', s1 + 1);
        if (s2 < 0) return undefined;
        const stream = line.slice(s1 + 1, s2);
        if (stream !== 'stdout' && stream !== 'stderr') return undefined;
        let s3 = line.indexOf(' ', s2 + 1);
        if (s3 < 0) s3 = line.length; // an empty full line: `… stdout F`
        const tag = line.slice(s2 + 1, s3);
        // Tags are `:`-separated; the first says partial or full.
        const kind = tag.charCodeAt(0);
        if ((kind !== 70 /* F */ && kind !== 80 /* P */) || (tag.length > 1 && tag.charCodeAt(1) !== 58 /* : */)) return undefined;
        const time = line.slice(0, s1);
        if (!TIME.test(time)) return undefined;
        const timestamp = parseTimestamp(time);
        if (timestamp === undefined) return undefined;
        const text = s3 < line.length ? line.slice(s3 + 1) : '';

        const waiting = pending.get(stream);
        if (kind === 80) {
          if (waiting) {
            // Bounded like any other event: the pieces past the cap are dropped.
            if (waiting.chars < MAX_EVENT_CHARS) {
              waiting.parts.push(text);
              waiting.chars += text.length;
            }
          } else {
            pending.set(stream, { parts: [text], chars: text.length, line: lineNo, timestamp });
          }
          return SKIP;
        }
        let message = text;
        let first = lineNo;
        let firstTime = timestamp;
        if (waiting) {
          pending.delete(stream);
          if (waiting.chars < MAX_EVENT_CHARS) waiting.parts.push(text);
          message = waiting.parts.join('');
          if (message.length > MAX_EVENT_CHARS) message = message.slice(0, MAX_EVENT_CHARS);
          first = waiting.line;
          firstTime = waiting.timestamp;
        }
        return toRecord(message, stream, firstTime, context, source, first);
      },
    };
  },
};

function toRecord(message: string, stream: string, timestamp: number, context: ParseContext, source: string, lineNo: number): LogRecord {
  if (message.charCodeAt(0) === 123 /* { */ && message.charCodeAt(message.length - 1) === 125 /* } */) {
    let value: unknown;
    try {
      value = JSON.parse(message);
    } catch {
      value = undefined;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const record = context.mapper.map(value, source, lineNo);
      if (record.timestamp === undefined) record.timestamp = timestamp;
      record.fields = { stream, ...record.fields };
      return record;
    }
  }
  return { source, line: lineNo, message, timestamp, fields: { stream } };
}
