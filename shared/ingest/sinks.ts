/**
 * Line sinks: turn the lines of one file into records, folding multi-line events (stack traces,
 * tracebacks, a traceback printed between JSON lines) into the record they belong to.
 */
import type { JsonRecordMapper } from './field-mapping.ts';
import { SKIP, type JsonParser, type TextParser } from './formats/preset.ts';
import type { LineSelector } from './line-selector.ts';
import { describeDropped, parseWithoutNonFinite } from './json-lenient.ts';
import type { LineSink } from './line-splitter.ts';
import { durationFromMessage } from './message-duration.ts';
import { MAX_EVENT_CHARS, MAX_EVENT_LINES, StackFolder } from './multiline.ts';
import type { LogRecord } from './record.ts';
import type { IngestReport } from './report.ts';

/** What a sink writes to: the run's batch, its report and its line selection. */
export interface SinkTarget {
  batch: LogRecord[];
  readonly report: IngestReport;
  readonly select?: LineSelector;
}

/** How a text file's lines become events: see `TextPreset.multiline`; `start` is a user's event-start regex. */
export type Folding = { kind: 'header' } | { kind: 'stack' } | { kind: 'none' } | { kind: 'start'; pattern: RegExp };

const MAX_REASON_CHARS = 160;

/** Error text fit for a one-line message. */
export function reason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/**
 * The event being assembled: its record (null when the line selection skipped it, so its
 * continuation lines are skipped too), its continuation lines and what was cut past the cap.
 */
class OpenEvent {
  private record: LogRecord | null = null;
  private more: string[] = [];
  private chars = 0;
  private cutLines = 0;
  private firstCut = 0;
  private open = false;

  constructor(private readonly target: SinkTarget, private readonly source: string) {}

  get isOpen(): boolean {
    return this.open;
  }

  start(record: LogRecord | null): void {
    this.close();
    this.open = true;
    this.record = record;
    this.chars = record ? record.message.length : 0;
  }

  /** Adds a continuation line; past the cap it is counted, not kept. */
  add(line: string, lineNo: number): void {
    if (this.record === null) return;
    if (this.more.length + 1 >= MAX_EVENT_LINES || this.chars + line.length + 1 > MAX_EVENT_CHARS) {
      if (this.cutLines++ === 0) this.firstCut = lineNo;
      return;
    }
    this.more.push(line);
    this.chars += line.length + 1;
  }

  /** Finishes the event: its record goes to the batch. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    const record = this.record;
    this.record = null;
    if (record === null) return;
    if (this.more.length > 0) {
      const continuation = this.more.join('\n');
      record.detail = record.detail === undefined ? continuation : `${record.detail}\n${continuation}`;
      this.more = [];
    }
    if (this.cutLines > 0) {
      const { cutLines, firstCut, source } = this;
      this.target.report.addLazy('long-event', source, record.line,
        () => `${source}:${record.line}: event over ${MAX_EVENT_LINES} lines or ${MAX_EVENT_CHARS / 1024} KiB; ${cutLines} line(s) from line ${firstCut} on were cut, the event was kept`);
      this.cutLines = 0;
    }
    finishRecord(record);
    this.target.batch.push(record);
  }
}

/** Fills what a record's format did not give but its message says: a duration (`took 12 ms`). */
export function finishRecord(record: LogRecord): void {
  if (record.durationMs === undefined) {
    const ms = durationFromMessage(record.message);
    if (ms !== undefined) record.durationMs = ms;
  }
}

/**
 * Text lines through a parser (a preset, a `--format`, or the whole line as the message), folded into
 * events as `folding` says. A line the parser does not accept and that continues nothing is kept whole
 * as its own record and counted as `unmatched` (except in plain text, where every line is accepted).
 */
export class TextSink implements LineSink {
  /** Lines the parser read as a record's first line. */
  parsedLines = 0;
  /** Of those, how many gave an empty message (a `--format` whose `<Content>` never captures). */
  emptyMessages = 0;
  private readonly event: OpenEvent;
  private readonly stack = new StackFolder();

  constructor(
    private readonly target: SinkTarget,
    private readonly source: string,
    private readonly parser: TextParser,
    private readonly folding: Folding,
    /** What an unmatched line is reported as not matching, e.g. `the format "<Date> <Content>"`. */
    private readonly formatName?: string,
    /**
     * The parser finds session ids that need not be spelt out in the line (`app[pid]` from RFC 5424's
     * separate fields): the line selection is then asked again with the parsed id.
     */
    private readonly parsesSessions = false,
  ) {
    this.event = new OpenEvent(target, source);
  }

  line(text: string, lineNo: number): void {
    const { folding, event } = this;
    // Folding decided before parsing where it can be, so continuation lines are never parsed.
    if (folding.kind === 'stack' ? this.stack.continues(text, event.isOpen) : folding.kind === 'start' && event.isOpen && !folding.pattern.test(text)) {
      event.add(text, lineNo);
      return;
    }
    let selected = this.target.select === undefined || this.target.select(this.source, lineNo, text);
    if (!selected && folding.kind !== 'header' && !this.parsesSessions) {
      event.start(null);
      return;
    }
    const parsed = this.parser.parse(text, this.source, lineNo);
    if (parsed === SKIP) return;
    if (parsed === undefined) {
      if (folding.kind === 'header' && event.isOpen) {
        event.add(text, lineNo);
        return;
      }
      if (!selected) return;
      const { source, formatName } = this;
      this.target.report.addLazy('unmatched', source, lineNo,
        () => `${source}:${lineNo}: does not match ${formatName ?? 'the format'}; kept whole as the message`);
      event.start({ source, line: lineNo, message: text });
      return;
    }
    this.parsedLines++;
    if (parsed.message.length === 0) this.emptyMessages++;
    // A header that wraps each line (CRI's `<ts> stdout F`): the trace is in the message.
    if (folding.kind === 'stack' && parsed.message !== text && this.stack.continues(parsed.message, event.isOpen)) {
      event.add(parsed.message, lineNo);
      return;
    }
    if (!selected && parsed.sessionId !== undefined) selected = this.target.select!(this.source, lineNo, parsed.sessionId);
    event.start(selected ? parsed : null);
  }

  /** The end of the file: the last event is complete. */
  end(): void {
    this.event.close();
  }
}

/** The whole line is the message. */
export const PLAIN_TEXT: TextParser = {
  parse: (line, source, lineNo) => ({ source, line: lineNo, message: line }),
};

/**
 * JSON lines: one JSON value per line, mapped by a preset's parser or the field aliases. A line that
 * is not JSON and does not look like it (a traceback printed to the same stream) continues the record
 * before it; a line that starts like JSON but does not parse is reported as malformed and skipped.
 */
export class JsonLinesSink implements LineSink {
  private readonly event: OpenEvent;
  private lastLine = 0;

  constructor(
    private readonly target: SinkTarget,
    private readonly source: string,
    private readonly mapper: JsonRecordMapper,
    private readonly parser?: JsonParser,
  ) {
    this.event = new OpenEvent(target, source);
  }

  line(text: string, lineNo: number): void {
    const first = text.charCodeAt(0);
    const jsonLike = first === 123 /* { */ || first === 91 /* [ */ || first === 34 /* " */ || text.trimStart().charCodeAt(0) === 123;
    if (!jsonLike && this.event.isOpen) {
      this.event.add(text, lineNo);
      return;
    }
    if (this.target.select && !this.target.select(this.source, lineNo, text)) {
      this.event.start(null);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // Only now, off the hot path: Python's NaN/Infinity cost the record one field, not the record.
      const lenient = parseWithoutNonFinite(text);
      const { source } = this;
      if (lenient === undefined) {
        this.target.report.addLazy('malformed', source, lineNo,
          () => `${source}:${lineNo}: not valid JSON (${reason(error)}); line skipped`);
        this.event.close();
        return;
      }
      value = lenient.value;
      this.target.report.addLazy('bad-number', source, lineNo,
        () => `${source}:${lineNo}: NaN/Infinity in ${describeDropped(lenient.dropped)} left out (JSON has no such numbers); record kept`);
    }
    if (this.parser === undefined) {
      this.event.start(this.mapper.map(value, this.source, lineNo));
      return;
    }
    const records = this.parser.records(value, this.source, lineNo);
    for (const record of records) this.event.start(record);
    this.lastLine = lineNo;
  }

  end(): void {
    for (const record of this.parser?.flush?.(this.source, this.lastLine) ?? []) this.event.start(record);
    this.event.close();
  }
}
