import type { LineSelector } from './line-selector.ts';
import type { ArchiveDamage, ArchiveEntry } from './archive-entry.ts';
import { ByteReader } from './byte-reader.ts';
import { JsonRecordMapper, resolveFieldMapping, type FieldMapping } from './field-mapping.ts';
import { gunzip } from './gzip.ts';
import { type JsonPreset, type ParseContext, type Preset, type TextParser, type TextPreset } from './formats/preset.ts';
import { presetByName, sniffJsonPreset, sniffTextPreset } from './formats/registry.ts';
import { compileHeaderFormat, HeaderFormatError } from './header-format.ts';
import { LinearRegExp } from '../linear-regex.ts';
import { HeaderRecordMapper } from './header-mapping.ts';
import type { InputObject } from './input.ts';
import { jsonArrayElements, jsonArrayTexts } from './json-array.ts';
import { describeDropped, parseWithoutNonFinite } from './json-lenient.ts';
import { jsonValues } from './json-values.ts';
import { LineSplitter, type LineProblems, type LineSink } from './line-splitter.ts';
import type { LogRecord } from './record.ts';
import { formatBytes, type IngestReport } from './report.ts';
import { finishRecord, JsonLinesSink, PLAIN_TEXT, reason, TextSink, type Folding } from './sinks.ts';
import { SNIFF_BYTES, sniffContent } from './sniff.ts';
import { tarEntries } from './tar.ts';
import { utf16ToUtf8 } from './utf16.ts';
import { zipEntries } from './zip.ts';

/** How to read the inputs. Every option has a default. */
export interface IngestOptions {
  /**
   * A preset name (`alb`, `syslog`, `cloudtrail`…: see `PRESETS`), or a plain-text header format in
   * the loghub syntax, e.g. `[<Date> <Time>] <Level> <Component>: <Content>` (literal characters are
   * literal). Without it each file's format is sniffed from its first lines; a text file no preset
   * fits is read as plain text (the whole line is the message), with a note. A header format applies
   * to plain-text inputs only (JSON is recognised by content). An invalid format throws
   * `HeaderFormatError` before anything is read.
   */
  format?: string;
  /**
   * A regular expression that a line matches when it starts a new event; every other line continues
   * the event before it (for multi-line formats no preset knows). Invalid → `HeaderFormatError`.
   */
  eventStart?: string;
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
   * out of millions uses it to avoid parsing the rest. For a top-level JSON array the text is the
   * element's JSON text and the line its 1-based index.
   */
  select?: LineSelector;
  /**
   * Reads JSON-lines files (those read with the field aliases, no preset) elsewhere, e.g. split over
   * worker threads. Not used with `select` or `startAt`. See {@link JsonLinesReader}.
   */
  jsonLines?: JsonLinesReader;
  /**
   * Continues one plain input from the middle (a detection resumed after a Lambda deadline): the
   * input's stream starts at the first byte of line `line + 1` (a ranged read), at the first line of
   * an event; it is read as `format` without sniffing (the format the read from the start noted in
   * the report, one that {@link canStartMidFile}), and its lines are numbered on from `line`.
   * For a single input only.
   */
  startAt?: StartPoint;
}

export type { LineSelector } from './line-selector.ts';

/**
 * Reads one JSON-lines file and must give exactly what `LineSplitter` + `JsonLinesSink` give here:
 * the records in order (its batches are passed on as they are, so they may carry side data), the
 * problems added to `report` in the same order, and the splitter's line counts as its return value.
 */
export type JsonLinesReader = (source: string, reader: ByteReader, report: IngestReport) => AsyncGenerator<LogRecord[], LineCounts>;

/** A file's line counts, as `LineSplitter` keeps them. */
export interface LineCounts { lineNo: number; nonBlankLines: number; tooLongLines: number }

/** See {@link IngestOptions.startAt}. */
export interface StartPoint {
  /** Lines before the stream's first byte. */
  line: number;
  /** A format name as `IngestReport.formats` has it. */
  format: string;
}

/**
 * Formats a read can start in the middle of, at an event's first line: one record per line (JSON
 * lines, text; multi-line events fold forward only), parsed without state carried from one event to
 * the next. Not: JSON arrays and documents (not line-framed), `#Fields`/header lines (cloudfront,
 * vpc-flow), partial lines joined across records (docker-json, cri), syslog's year rollover, lambda's
 * request tracking, cloudwatch-export.
 */
const MID_FILE_FORMATS: ReadonlySet<string> = new Set([
  'json-lines', 'plain text', 'format', 'lambda-json',
  'alb', 'elb-classic', 's3-access', 'access-log', 'log4j', 'kafka', 'spring-boot', 'python-logging', 'logfmt',
]);

/** True when a read of a plain file in `format` (a name from `IngestReport.formats`) can start mid-file. */
export function canStartMidFile(format: string): boolean {
  return MID_FILE_FORMATS.has(format);
}

const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
const DEFAULT_BATCH_SIZE = 1000;
/** gzip in tar in gzip in zip… is legitimate up to a point; past it, it is a zip bomb. */
const MAX_NESTING = 4;
/** Lines of a file's head that sniffing looks at. */
const SNIFF_LINES = 30;

/**
 * Reads log records from byte streams, in input order, in batches.
 *
 * Each input's content decides how it is read (see `sniffContent`): gzip (by magic bytes, whatever the
 * name), zip, tar (also inside gzip), a top-level JSON array (streamed; `line` is the element's 1-based
 * index), JSON lines, or plain text (with `options.format` if given); UTF-16 with a byte order mark is
 * decoded first. Archives may nest 4 deep; compression around an archive or file is not a level. Archive entries get
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
  /** `--format` as a header format. */
  readonly headerMapper?: HeaderRecordMapper;
  /** `--format` as a preset name. */
  readonly preset?: Preset;
  readonly eventStart?: RegExp;
  readonly select?: LineSelector;
  readonly jsonLines?: JsonLinesReader;
  readonly startAt?: StartPoint;

  constructor(options: IngestOptions, readonly report: IngestReport) {
    if (options.select) this.select = options.select;
    if (options.jsonLines && !options.select && !options.startAt) this.jsonLines = options.jsonLines;
    if (options.startAt) {
      if (!canStartMidFile(options.startAt.format)) throw new Error(`ingest cannot start in the middle of a ${options.startAt.format} file`);
      this.startAt = options.startAt;
    }
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
    this.maxLineBytes = Math.max(1, Math.floor(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES));
    this.mapper = new JsonRecordMapper(resolveFieldMapping(options.fields, options.sessionFields));
    if (options.format !== undefined) {
      const preset = presetByName(options.format.trim());
      if (preset) this.preset = preset;
      else this.headerMapper = new HeaderRecordMapper(compileHeaderFormat(options.format), this.mapper);
    }
    if (options.eventStart !== undefined) {
      try {
        this.eventStart = new LinearRegExp(options.eventStart);
      } catch (error) {
        throw new HeaderFormatError(`the event-start pattern "${options.eventStart}" is not a valid regular expression: ${reason(error)}`);
      }
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
      if (this.startAt) yield* this.resumed(input.name, reader, this.startAt, input.modified);
      else yield* this.stream(input.name, reader, 0, input.modified);
    } finally {
      await reader.close();
      this.report.bytes += reader.received;
      if (reader.failed && reader.received === 0) this.report.sourcesFailed++;
      else this.report.sourcesRead++;
    }
  }

  /**
   * Reads one byte stream, whatever it holds; recurses into compression and archives. `depth` counts
   * archives around it; `compressed` says it is the output of a gzip layer.
   */
  private async *stream(source: string, reader: ByteReader, depth: number, modified?: number, compressed = false): AsyncGenerator<LogRecord[]> {
    const available = await reader.fill(SNIFF_BYTES);
    if (available === 0) {
      if (!reader.failed) this.problem('empty', source, `${source}: empty (0 bytes); nothing to read`);
      return;
    }
    const content = sniffContent(reader.peek(SNIFF_BYTES), available < SNIFF_BYTES);
    switch (content.kind) {
      case 'gzip':
      case 'zip':
      case 'tar': {
        // One archive is one level whatever its compression: the gzip of a .tgz or a .log.gz adds
        // none. Only gzip straight inside gzip counts, so a chain of them still meets the limit.
        const level = content.kind !== 'gzip' || compressed;
        if (level && depth >= MAX_NESTING) {
          this.problem('binary', source, `${source}: archives nested more than ${MAX_NESTING} deep; skipped`);
          return;
        }
        if (content.kind === 'gzip') yield* this.gzip(source, reader, level ? depth + 1 : depth, modified);
        else yield* this.archive(source, reader, depth, content.kind, modified);
        return;
      }
      case 'utf16': {
        // Decoded once here, then read like any UTF-8 file (sniffed again, JSON or text).
        const decoded = new ByteReader(utf16ToUtf8(reader, content.encoding));
        try {
          yield* this.stream(source, decoded, depth, modified, compressed);
        } finally {
          await decoded.close();
        }
        return;
      }
      case 'binary':
        this.problem('binary', source, `${source}: not a log file (${content.reason}); skipped`);
        return;
      default:
        yield* this.formatted(source, reader, content.kind, available < SNIFF_BYTES, { mapper: this.mapper, ...(modified !== undefined && { referenceTime: modified }) });
    }
  }

  /** The rest of a plain file from an event's first line on, read as its start was (see `IngestOptions.startAt`). */
  private async *resumed(source: string, reader: ByteReader, start: StartPoint, modified?: number): AsyncGenerator<LogRecord[]> {
    const context: ParseContext = { mapper: this.mapper, ...(modified !== undefined && { referenceTime: modified }) };
    if (start.format === 'json-lines') {
      this.report.noteFormat(source, 'json-lines');
      yield* this.lines(source, reader, new JsonLinesSink(this, source, this.mapper));
      return;
    }
    if (start.format === 'plain text') {
      yield* this.text(source, reader, 'plain text', PLAIN_TEXT, folding('stack', this.eventStart));
      return;
    }
    if (start.format === 'format') {
      const mapper = this.headerMapper;
      if (!mapper) throw new Error('ingest cannot continue a file read with a header format: no format was given');
      yield* this.text(source, reader, 'format', headerParser(mapper), folding('header', this.eventStart), `the format "${mapper.format.source}"`, true);
      return;
    }
    const preset = presetByName(start.format);
    if (preset?.framing === 'text') yield* this.textPreset(source, reader, preset, context);
    else if (preset?.framing === 'json-lines') yield* this.jsonPreset(source, reader, preset, context);
  }

  /** A text or JSON file: its format is the one asked for, or sniffed from its first lines. */
  private async *formatted(source: string, reader: ByteReader, kind: 'json-array' | 'json-lines' | 'text', complete: boolean, context: ParseContext): AsyncGenerator<LogRecord[]> {
    // NULs as the line splitter passes them on (see `LineSplitter`), so a damaged first line still sniffs.
    const head = new TextDecoder().decode(reader.peek(SNIFF_BYTES)).replace(/^\uFEFF/, '').replaceAll('\0', '\uFFFD');
    const forced = this.preset;
    if (forced?.framing === 'text' && kind === 'text') {
      yield* this.textPreset(source, reader, forced, context);
      return;
    }
    const json = forced && forced.framing !== 'text' ? forced : kind === 'text' && !looksLikeJson(head) ? undefined : sniffJsonPreset(head, firstValue(head));
    if (json) {
      yield* this.jsonPreset(source, reader, json, context);
      return;
    }
    if (kind === 'json-array') {
      this.report.noteFormat(source, 'json-array');
      yield* this.jsonArray(source, reader);
      return;
    }
    if (kind === 'json-lines') {
      this.report.noteFormat(source, 'json-lines');
      if (this.jsonLines) yield* this.linesElsewhere(source, reader, this.jsonLines);
      else yield* this.lines(source, reader, new JsonLinesSink(this, source, this.mapper));
      return;
    }
    if (this.headerMapper) {
      const mapper = this.headerMapper;
      yield* this.text(source, reader, 'format', headerParser(mapper), folding('header', this.eventStart), `the format "${mapper.format.source}"`, true);
      return;
    }
    const preset = forced ? undefined : sniffTextPreset(headLines(head, complete), context);
    if (preset) {
      yield* this.textPreset(source, reader, preset, context);
      return;
    }
    if (forced) this.report.note(`${source}: --format ${forced.name} is for JSON input, this is text; read as plain text`);
    else this.report.note(`${source}: no known format fits its first lines; read as plain text (each line is a message; stack traces are folded)`);
    yield* this.text(source, reader, 'plain text', PLAIN_TEXT, folding('stack', this.eventStart));
  }

  private textPreset(source: string, reader: ByteReader, preset: TextPreset, context: ParseContext): AsyncGenerator<LogRecord[]> {
    return this.text(source, reader, preset.name, preset.create(context), folding(preset.multiline, this.eventStart), `the ${preset.name} format`, preset.provides.session);
  }

  private async *text(source: string, reader: ByteReader, name: string, parser: TextParser, fold: Folding, formatName?: string, sessions = false): AsyncGenerator<LogRecord[]> {
    this.report.noteFormat(source, name);
    const sink = new TextSink(this, source, parser, fold, formatName, sessions);
    yield* this.lines(source, reader, sink);
    // A `--format` that matches but never captures the message leaves every record blank: say so.
    if (this.headerMapper && name === 'format' && sink.emptyMessages * 2 > sink.parsedLines) {
      this.report.note(`${source}: <Content> came out empty on ${sink.emptyMessages} of ${sink.parsedLines} lines read with the format "${this.headerMapper.format.source}"; check that the format matches these lines`);
    }
  }

  private async *jsonPreset(source: string, reader: ByteReader, preset: JsonPreset, context: ParseContext): AsyncGenerator<LogRecord[]> {
    this.report.noteFormat(source, preset.name);
    const parser = preset.create(context);
    if (preset.framing === 'json-lines') {
      yield* this.lines(source, reader, new JsonLinesSink(this, source, this.mapper, parser));
      return;
    }
    const values = preset.framing === 'json-values'
      ? jsonValues(reader, (byteOffset, why) => {
        this.report.add({ kind: 'malformed', source, byteOffset, message: `${source}: broken JSON at byte ${byteOffset} (${why}); resumed at the next object` });
      })
      : jsonArrayElements(reader, 'Records');
    // No line selection here: a record's session id may not be in its raw text, which is all the
    // selection looks at, and the value is parsed already anyway.
    yield* this.values(source, reader, values, (value, ordinal) => parser.records(value, source, ordinal), {
      broken: (n) => `the JSON document breaks after value ${n}`,
      empty: `no records in this ${preset.title}`,
    });
  }

  /** Records from a stream of JSON values; a break ends the file, with everything before it kept. */
  private async *values(
    source: string,
    reader: ByteReader,
    values: AsyncIterable<unknown>,
    toRecords: (value: unknown, ordinal: number) => LogRecord[],
    say: { broken: (ordinal: number) => string; empty: string },
  ): AsyncGenerator<LogRecord[]> {
    let ordinal = 0;
    try {
      for await (const value of values) {
        for (const record of toRecords(value, ++ordinal)) {
          finishRecord(record);
          this.batch.push(record);
        }
        if (this.batch.length >= this.batchSize) yield this.take();
      }
    } catch (error) {
      if (reader.failed) return;
      this.report.add({
        kind: 'malformed',
        source,
        line: ordinal + 1,
        message: `${source}: ${say.broken(ordinal)} (${reason(error)}); the rest of the file is skipped`,
      });
      return;
    }
    if (ordinal === 0) this.problem('empty', source, `${source}: ${say.empty}`);
  }

  private async *gzip(source: string, reader: ByteReader, depth: number, modified?: number): AsyncGenerator<LogRecord[]> {
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
      yield* this.stream(source, inner, depth, modified, true);
    } finally {
      await inner.close();
    }
  }

  private async *archive(source: string, reader: ByteReader, depth: number, kind: 'zip' | 'tar', modified?: number): AsyncGenerator<LogRecord[]> {
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
      yield* this.stream(`${source}!${entry.name}`, entry.body, depth + 1, modified);
    }
    if (count === 0 && !damaged && !reader.failed) {
      this.problem('empty', source, `${source}: the ${kind} archive holds no files`);
    }
  }

  private async *lines(source: string, reader: ByteReader, sink: LineSink & { end(): void }): AsyncGenerator<LogRecord[]> {
    const splitter = new LineSplitter(sink, new ReportLineProblems(this.report, source, this.maxLineBytes), this.maxLineBytes);
    const firstLine = this.startAt?.line ?? 0;
    splitter.lineNo = firstLine;
    for (;;) {
      const chunk = await reader.next();
      if (chunk === null) break;
      splitter.push(chunk);
      while (this.batch.length >= this.batchSize) yield this.take();
    }
    splitter.end();
    sink.end();
    while (this.batch.length >= this.batchSize) yield this.take();
    if (splitter.nonBlankLines === 0 && splitter.tooLongLines === 0 && splitter.lineNo > firstLine && !reader.failed) {
      this.problem('empty', source, `${source}: only blank lines; no records`);
    }
  }

  /** JSON lines read by `options.jsonLines`; its batches go out as they are, after the records batched before. */
  private async *linesElsewhere(source: string, reader: ByteReader, read: JsonLinesReader): AsyncGenerator<LogRecord[]> {
    const before = this.flush();
    if (before) yield before;
    const batches = read(source, reader, this.report);
    let next: IteratorResult<LogRecord[], LineCounts>;
    while (!(next = await batches.next()).done) {
      this.report.records += next.value.length;
      yield next.value;
    }
    const counts = next.value;
    if (counts.nonBlankLines === 0 && counts.tooLongLines === 0 && counts.lineNo > 0 && !reader.failed) {
      this.problem('empty', source, `${source}: only blank lines; no records`);
    }
  }

  /**
   * A top-level JSON array, element by element: an element that is not JSON is reported (with its
   * index, which is also each record's `line`) and skipped, and reading goes on with the next.
   */
  private async *jsonArray(source: string, reader: ByteReader): AsyncGenerator<LogRecord[]> {
    const { select, mapper, report } = this;
    let elements = 0;
    for await (const item of jsonArrayTexts(reader, this.maxLineBytes)) {
      const at = item.index;
      if (item.kind === 'too-long') {
        elements++;
        report.addLazy('too-long', source, at,
          () => `${source}: element ${at} of the JSON array (${formatBytes(item.bytes)}) is over the ${formatBytes(this.maxLineBytes)} limit; element skipped`);
        continue;
      }
      if (item.kind === 'cut' || item.kind === 'after') {
        if (reader.failed) break;
        report.add({
          kind: 'malformed',
          source,
          line: at,
          message: item.kind === 'cut'
            ? `${source}: the JSON array ends inside element ${at}; the elements before it were kept`
            : `${source}: text after the end of the JSON array (after element ${at}) was skipped`,
        });
        break;
      }
      elements++;
      let text = item.text;
      if (text.includes('\0')) {
        text = text.replaceAll('\0', '\uFFFD');
        report.addLazy('nul-byte', source, at, () => `${source}: element ${at} of the JSON array: NUL bytes replaced with U+FFFD; element kept`);
      }
      if (select && !select(source, at, text)) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const lenient = parseWithoutNonFinite(text);
        if (lenient === undefined) {
          report.addLazy('malformed', source, at,
            () => `${source}: element ${at} of the JSON array is not valid JSON (${reason(error)}); element skipped, the rest is read`);
          continue;
        }
        value = lenient.value;
        report.addLazy('bad-number', source, at,
          () => `${source}: element ${at} of the JSON array: NaN/Infinity in ${describeDropped(lenient.dropped)} left out (JSON has no such numbers); record kept`);
      }
      const record = mapper.map(value, source, at);
      finishRecord(record);
      this.batch.push(record);
      if (this.batch.length >= this.batchSize) yield this.take();
    }
    if (elements === 0 && !reader.failed) this.problem('empty', source, `${source}: the JSON array is empty; no records`);
  }

  problem(kind: 'empty' | 'binary' | 'unreadable', source: string, message: string): void {
    this.report.add({ kind, source, message });
  }
}

/** Line problems as ingest reports them (exported for readers that split lines elsewhere). */
export class ReportLineProblems implements LineProblems {
  constructor(private readonly report: IngestReport, private readonly source: string, private readonly limit: number) {}

  invalidUtf8(lineNo: number): void {
    this.report.addLazy('invalid-utf8', this.source, lineNo,
      () => `${this.source}:${lineNo}: invalid UTF-8 bytes replaced with U+FFFD; line kept`);
  }

  nulBytes(lineNo: number): void {
    this.report.addLazy('nul-byte', this.source, lineNo,
      () => `${this.source}:${lineNo}: NUL bytes replaced with U+FFFD; line kept`);
  }

  tooLong(lineNo: number, bytes: number): void {
    this.report.addLazy('too-long', this.source, lineNo,
      () => `${this.source}:${lineNo}: line of ${formatBytes(bytes)} is over the ${formatBytes(this.limit)} limit; line skipped`);
  }
}

/** How a file's lines fold into events: a user's event-start pattern wins over the format's own rule. */
function folding(multiline: 'header' | 'stack' | 'none', eventStart: RegExp | undefined): Folding {
  return eventStart ? { kind: 'start', pattern: eventStart } : { kind: multiline };
}

/** A loghub header format as a parser: lines that do not match continue the event before them. */
function headerParser(mapper: HeaderRecordMapper): TextParser {
  const regex = mapper.format.regex;
  return {
    parse(line, source, lineNo) {
      const groups = regex.exec(line)?.groups;
      return groups === undefined ? undefined : mapper.map(groups, source, lineNo);
    },
  };
}

/** The first non-blank lines of a file's head, untrimmed (a stack frame's indent matters), without the cut-off last one. */
function headLines(head: string, complete: boolean): string[] {
  const all = head.split('\n');
  if (!complete) all.pop();
  const lines: string[] = [];
  for (const raw of all) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) lines.push(line);
    if (lines.length === SNIFF_LINES) break;
  }
  return lines;
}

function looksLikeJson(head: string): boolean {
  return /^\s*[{[]/.test(head);
}

/** The first line parsed as JSON, when it is complete JSON. */
function firstValue(head: string): unknown {
  const trimmed = head.trimStart();
  const nl = trimmed.indexOf('\n');
  const line = nl === -1 ? trimmed : trimmed.slice(0, nl);
  try {
    return JSON.parse(line);
  } catch {
    return parseWithoutNonFinite(line)?.value;
  }
}
