/**
 * Docker's json-file logging driver: `{"log":"<text>\n","stream":"stdout","time":"<RFC3339Nano>"}`
 * per line. Docker cuts a long output line into 16 KiB chunks; every chunk but the last has a `log`
 * without the trailing `\n`, so chunks are joined until the line that ends with one. The inner `log`
 * is often a JSON log itself: it is then mapped like any JSON log, with Docker's time as the fallback.
 * https://docs.docker.com/engine/logging/drivers/json-file/
 */
import { parseTimestamp } from '../normalize.ts';
import type { LogRecord } from '../record.ts';
import { isObject, trimNewline } from './lambda-json.ts';
import type { JsonParser, JsonPreset, ParseContext } from './preset.ts';

/** Most characters one joined line keeps; the rest of its chunks is dropped (and `fields.truncated` set). */
export const MAX_JOINED_CHARS = 1024 * 1024;

interface Pending {
  parts: string[];
  size: number;
  time: unknown;
  truncated: boolean;
}

/**
 * Parser state for one file: the unfinished line of each stream (stdout and stderr chunks may
 * interleave); `flush` hands out a line whose last chunk never came (the file was cut).
 */
export function createDockerJsonParser(context: ParseContext): Required<JsonParser> {
  const pending = new Map<'stdout' | 'stderr', Pending>();

  function build(text: string, time: unknown, stream: string, truncated: boolean, source: string, line: number): LogRecord[] {
    const body = trimNewline(text);
    if (body.trim().length === 0) return [];
    const fallback = parseTimestamp(time);
    let record: LogRecord | undefined;
    const first = body.charCodeAt(0);
    if (first === 123 /* { */ && body.charCodeAt(body.length - 1) === 125 /* } */) {
      try {
        const inner: unknown = JSON.parse(body);
        if (isObject(inner)) record = context.mapper.map(inner, source, line);
      } catch {
        // Not JSON after all: the text is the message.
      }
    }
    record ??= { source, line, message: body };
    if (record.timestamp === undefined && fallback !== undefined) record.timestamp = fallback;
    record.fields = { ...record.fields, stream };
    if (truncated) record.fields.truncated = 'true';
    return [record];
  }

  return {
    records(value, source, ordinal) {
      if (!isObject(value) || typeof value.log !== 'string') return [];
      const stream = value.stream === 'stderr' ? 'stderr' : 'stdout';
      const log = value.log;
      const complete = log.charCodeAt(log.length - 1) === 10;
      let open = pending.get(stream);
      if (!complete) {
        if (open === undefined) {
          open = { parts: [], size: 0, time: value.time, truncated: false };
          pending.set(stream, open);
        }
        append(open, log);
        return [];
      }
      if (open === undefined) return build(log, value.time, stream, false, source, ordinal);
      pending.delete(stream);
      append(open, log);
      // The completing line's number: unique and increasing even when stdout and stderr interleave.
      return build(open.parts.join(''), open.time, stream, open.truncated, source, ordinal);
    },
    flush(source, ordinal) {
      const out: LogRecord[] = [];
      for (const [stream, open] of pending) out.push(...build(open.parts.join(''), open.time, stream, open.truncated, source, ordinal));
      pending.clear();
      return out;
    },
  };
}

function append(open: Pending, log: string): void {
  if (open.truncated) return;
  const room = MAX_JOINED_CHARS - open.size;
  if (log.length > room) {
    open.parts.push(log.slice(0, room));
    open.size = MAX_JOINED_CHARS;
    open.truncated = true;
    return;
  }
  open.parts.push(log);
  open.size += log.length;
}

export const dockerJsonPreset: JsonPreset = {
  name: 'docker-json',
  title: 'Docker json-file container log',
  framing: 'json-lines',
  provides: { duration: true, level: true, session: true, service: true },
  mapping: [
    'duration: the inner log\'s duration field when the log is a JSON object (the run\'s aliases); none for plain text',
    'level: the inner JSON\'s level; none for plain text (stderr is not taken for an error)',
    'session: the inner JSON\'s request/correlation/trace id; none for plain text',
    'service: the inner JSON\'s service/app/logger; none for plain text',
    'message: the inner log without its newline, or the inner JSON\'s message field; chunks of a line Docker split at 16 KiB are joined (up to 1 MiB)',
    'timestamp: the inner JSON\'s time, else Docker\'s time; stream (stdout/stderr) in fields',
  ],
  sniff(_head, first) {
    return isObject(first) && typeof first.log === 'string' && typeof first.time === 'string'
      && (first.stream === 'stdout' || first.stream === 'stderr');
  },
  create: createDockerJsonParser,
};
