import type { ArchiveDamage, ArchiveEntry } from './archive-entry.ts';
import { ByteReader } from './byte-reader.ts';
import { JsonRecordMapper, resolveFieldMapping, type FieldMapping } from './field-mapping.ts';
import { gunzip } from './gzip.ts';
import { compileHeaderFormat, type HeaderFormat } from './header-format.ts';
import { HeaderRecordMapper } from './header-mapping.ts';
import type { InputObject } from './input.ts';
import { jsonArrayElements } from './json-array.ts';
import { LineSplitter, type LineProblems, type LineSink } from './line-splitter.ts';
import type { LogRecord } from './record.ts';
import { formatBytes, type IngestReport } from './report.ts';
import { SNIFF_BYTES, sniffContent } from './sniff.ts';
import { tarEntries } from './tar.ts';
import { zipEntries } from './zip.ts';

/** How to read the inputs. Every option has a default. */
export interface IngestOptions {
  /**
   * Plain-text header format in the loghub syntax, e.g. `<Date> <Time> <Level> <Component>: <Content>`.
   * Applies to plain-text inputs only (JSON is recognised by content). Without it a text line's
   * message is the whole line. An invalid format throws `HeaderFormatError` before anything is read.
   */
  format?: string;
  /** Replaces alias lists of the field mapping (see `DEFAULT_FIELD_MAPPING`). */
  fields?: Partial<FieldMapping>;
  /** Session-id fields in priority order; replaces `fields.session`. */
  sessionFields?: string[];
  /** Longest line kept, in bytes (default 1 MiB); longer lines are skipped and reported `too-long`. */
  maxLineBytes?: number;
  /** Records per yielded batch (default 1000); the last batch may be smaller. */
  batchSize?: number;
  /**
   * Reads only the lines it returns true for (by source, 1-based line and raw text); the others are
   * skipped before any parsing and are not records. A second pass that needs a few hundred records
   * out of millions uses it to avoid parsing the rest. For JSON arrays it is asked after parsing,
   * with the element's compact JSON as the text.
   */
  select?: LineSelector;
}

/** See {@link IngestOptions.select}. */
export type LineSelector = (source: string, line: number, text: string) => boolean;

const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const DEFAULT_BATCH_SIZE = 1000;
/** gzip in tar in gzip in zip… is legitimate up to a point; past it, it is a zip bomb. */
const MAX_NESTING = 4;
const MAX_REASON_CHARS = 160;

/**
 * Reads log records from byte streams, in input order, in batches.
 *
 * Each input's content decides how it is read (see `sniffContent`): gzip (by magic bytes, whatever the
 * name), zip, tar (also inside gzip), a top-level JSON array (streamed; `line` is the element's 1-based
 * index), JSON lines, or plain text (with `options.format` if given). Archive entries get
 * `source = archive!entry/path`. Memory stays flat whatever the input size.
 *
 * Nothing in the input makes it throw: every problem is counted in `report` (with source, line and a
 * one-line message) and reading goes on with the next line, entry or input. It throws only for bad
 * options (an invalid `format`).
 */
export async function* ingest(
  inputs: AsyncIterable<InputObject> | Iterable<InputObject>,
  options: IngestOptions,
  report: IngestReport,
): AsyncGenerator<LogRecord[]> {
  const run = new IngestRun(options, report);
  for await (const input of inputs) yield* run.object(input);
  const rest = run.flush();
  if (rest) yield rest;
}

/** State shared by one `ingest` call: options worked out once, and the batch being filled. */
class IngestRun {
  /** The batch being filled; sinks push here. */
  batch: LogRecord[] = [];
  readonly batchSize: number;
  readonly maxLineBytes: number;
  readonly mapper: JsonRecordMapper;
  readonly headerMapper?: HeaderRecordMapper;
  readonly select?: LineSelector;

  constructor(options: IngestOptions, readonly report: IngestReport) {
    if (options.select) this.select = options.select;
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    this.maxLineBytes = Math.max(1, Math.floor(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES));
    this.mapper = new JsonRecordMapper(resolveFieldMapping(options.fields, options.sessionFields));
    if (options.format !== undefined) {
      const format: HeaderFormat = compileHeaderFormat(options.format);
      this.headerMapper = new HeaderRecordMapper(format, this.mapper);
    }
  }

  /** A full batch when there is one; the remainder stays for the next. */
  take(): LogRecord[] {
    const batch = this.batch;
    if (batch.length === this.batchSize) {
      this.batch = [];
      this.report.records += batch.length;
      return batch;
    }
    const full = batch.slice(0, this.batchSize);
    this.batch = batch.slice(this.batchSize);
    this.report.records += full.length;
    return full;
  }

  /** Whatever is left at the very end, or undefined. */
  flush(): LogRecord[] | undefined {
    if (this.batch.length === 0) return undefined;
    const batch = this.batch;
    this.batch = [];
    this.report.records += batch.length;
    return batch;
  }

  async *object(input: InputObject): AsyncGenerator<LogRecord[]> {
    let stream: AsyncIterable<Uint8Array>;
    try {
      stream = await input.open();
    } catch (error) {
      this.report.sourcesFailed++;
      this.report.add({ kind: 'unreadable', source: input.name, message: `${input.name}: cannot be read (${reason(error)}); skipped` });
      return;
    }
    const reader = new ByteReader(stream, (error, received) => {
      this.report.add({
        kind: 'unreadable',
        source: input.name,
        byteOffset: received,
        message: received === 0
          ? `${input.name}: cannot be read (${reason(error)}); skipped`
          : `${input.name}: reading failed after ${formatBytes(received)} (${reason(error)}); records before it were kept`,
      });
    });
    try {
      yield* this.stream(input.name, reader, 0);
    } finally {
      await reader.close();
      this.report.bytes += reader.received;
      if (reader.failed && reader.received === 0) this.report.sourcesFailed++;
      else this.report.sourcesRead++;
    }
  }

  /** Reads one byte stream, whatever it holds; recurses into compression and archives. */
  private async *stream(source: string, reader: ByteReader, depth: number): AsyncGenerator<LogRecord[]> {
    const available = await reader.fill(SNIFF_BYTES);
    if (available === 0) {
      if (!reader.failed) this.problem('empty', source, `${source}: empty (0 bytes); nothing to read`);
      return;
    }
    const content = sniffContent(reader.peek(SNIFF_BYTES), available < SNIFF_BYTES);
    switch (content.kind) {
      case 'gzip':
      case 'zip':
      case 'tar':
        if (depth >= MAX_NESTING) {
          this.problem('binary', source, `${source}: archives nested more than ${MAX_NESTING} deep; skipped`);
          return;
        }
        if (content.kind === 'gzip') yield* this.gzip(source, reader, depth);
        else yield* this.archive(source, reader, depth, content.kind);
        return;
      case 'binary':
        this.problem('binary', source, `${source}: not a log file (${content.reason}); skipped`);
        return;
      case 'json-array':
        yield* this.jsonArray(source, reader);
        return;
      case 'json-lines':
        yield* this.lines(source, reader, new JsonLinesSink(this, source));
        return;
      case 'text':
        yield* this.lines(source, reader, this.headerMapper ? new HeaderFormatSink(this, source, this.headerMapper) : new PlainTextSink(this, source));
        return;
    }
  }

  private async *gzip(source: string, reader: ByteReader, depth: number): AsyncGenerator<LogRecord[]> {
    const gz = gunzip(reader);
    const inner = new ByteReader(gz.output, (error) => {
      if (reader.failed) return; // the read error was reported already
      const cut = /unexpected end/i.test(reason(error));
      // Cut short: the damage is the end of the input. Damaged: where zlib stopped taking bytes.
      const offset = cut ? reader.position : gz.compressedOffset();
      this.report.add({
        kind: 'truncated',
        source,
        byteOffset: offset,
        message: cut
          ? `${source}: compressed data ends early at byte ${offset} (${reason(error)}); records before it were kept`
          : `${source}: compressed data is damaged at byte ${offset} (${reason(error)}); records before it were kept`,
      });
    });
    try {
      yield* this.stream(source, inner, depth + 1);
    } finally {
      await inner.close();
    }
  }

  private async *archive(source: string, reader: ByteReader, depth: number, kind: 'zip' | 'tar'): AsyncGenerator<LogRecord[]> {
    let damaged = false;
    const onDamage = (damage: ArchiveDamage): void => {
      damaged = true;
      if (reader.failed) return; // a layer below already said what went wrong
      this.report.add({
        kind: 'truncated',
        source,
        byteOffset: damage.byteOffset,
        message: `${source}: ${damage.reason} (byte ${damage.byteOffset}); entries before it were read`,
      });
    };
    const entries: AsyncGenerator<ArchiveEntry> = kind === 'tar'
      ? tarEntries(reader, onDamage)
      : zipEntries(reader, onDamage, (skipped) => {
        this.problem('unreadable', `${source}!${skipped.name}`, `${source}!${skipped.name}: skipped because ${skipped.reason}`);
      });
    let count = 0;
    for await (const entry of entries) {
      count++;
      yield* this.stream(`${source}!${entry.name}`, entry.body, depth + 1);
    }
    if (count === 0 && !damaged && !reader.failed) {
      this.problem('empty', source, `${source}: the ${kind} archive holds no files`);
    }
  }

  private async *lines(source: string, reader: ByteReader, sink: LineSink): AsyncGenerator<LogRecord[]> {
    const splitter = new LineSplitter(sink, new ReportLineProblems(this.report, source, this.maxLineBytes), this.maxLineBytes);
    for (;;) {
      const chunk = await reader.next();
      if (chunk === null) break;
      splitter.push(chunk);
      while (this.batch.length >= this.batchSize) yield this.take();
    }
    splitter.end();
    while (this.batch.length >= this.batchSize) yield this.take();
    if (splitter.nonBlankLines === 0 && splitter.tooLongLines === 0 && splitter.lineNo > 0 && !reader.failed) {
      this.problem('empty', source, `${source}: only blank lines; no records`);
    }
  }

  private async *jsonArray(source: string, reader: ByteReader): AsyncGenerator<LogRecord[]> {
    let index = 0;
    try {
      for await (const value of jsonArrayElements(reader)) {
        ++index;
        if (this.select && !this.select(source, index, JSON.stringify(value))) continue;
        this.batch.push(this.mapper.map(value, source, index));
        if (this.batch.length >= this.batchSize) yield this.take();
      }
    } catch (error) {
      if (reader.failed) return;
      this.report.add({
        kind: 'malformed',
        source,
        line: index + 1,
        message: `${source}: the JSON array breaks after element ${index} (${reason(error)}); the rest of the file is skipped`,
      });
      return;
    }
    if (index === 0) this.problem('empty', source, `${source}: the JSON array is empty; no records`);
  }

  problem(kind: 'empty' | 'binary' | 'unreadable', source: string, message: string): void {
    this.report.add({ kind, source, message });
  }
}

/** Error text fit for a one-line message. */
function reason(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

class ReportLineProblems implements LineProblems {
  constructor(private readonly report: IngestReport, private readonly source: string, private readonly limit: number) {}

  invalidUtf8(lineNo: number): void {
    this.report.addLazy('invalid-utf8', this.source, lineNo,
      () => `${this.source}:${lineNo}: invalid UTF-8 bytes replaced with U+FFFD; line kept`);
  }

  tooLong(lineNo: number, bytes: number): void {
    this.report.addLazy('too-long', this.source, lineNo,
      () => `${this.source}:${lineNo}: line of ${formatBytes(bytes)} is over the ${formatBytes(this.limit)} limit; line skipped`);
  }
}

/** JSON lines: one JSON value per line; lines that do not parse are reported and skipped. */
class JsonLinesSink implements LineSink {
  constructor(private readonly run: IngestRun, private readonly source: string) {}

  line(text: string, lineNo: number): void {
    if (this.run.select && !this.run.select(this.source, lineNo, text)) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.run.report.addLazy('malformed', this.source, lineNo,
        () => `${this.source}:${lineNo}: not valid JSON (${reason(error)}); line skipped`);
      return;
    }
    this.run.batch.push(this.run.mapper.map(value, this.source, lineNo));
  }
}

/** Plain text without a format: the whole line is the message. */
class PlainTextSink implements LineSink {
  constructor(private readonly run: IngestRun, private readonly source: string) {}

  line(text: string, lineNo: number): void {
    if (this.run.select && !this.run.select(this.source, lineNo, text)) return;
    this.run.batch.push({ source: this.source, line: lineNo, message: text });
  }
}

/** Plain text with a header format; lines that do not match are kept whole and reported. */
class HeaderFormatSink implements LineSink {
  private readonly regex: RegExp;

  constructor(private readonly run: IngestRun, private readonly source: string, private readonly mapper: HeaderRecordMapper) {
    this.regex = mapper.format.regex;
  }

  line(text: string, lineNo: number): void {
    if (this.run.select && !this.run.select(this.source, lineNo, text)) return;
    const groups = this.regex.exec(text)?.groups;
    if (groups === undefined) {
      this.run.report.addLazy('unmatched', this.source, lineNo,
        () => `${this.source}:${lineNo}: does not match the format "${this.mapper.format.source}"; kept whole as the message`);
      this.run.batch.push({ source: this.source, line: lineNo, message: text });
      return;
    }
    this.run.batch.push(this.mapper.map(groups, this.source, lineNo));
  }
}
