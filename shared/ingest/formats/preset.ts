/**
 * The contract every format preset implements. A preset turns the lines (or JSON values) of one
 * file or archive entry into {@link LogRecord}s, filling duration, level, session and service from
 * wherever that format keeps them. Presets are pure: no I/O, no clock; one parser per file.
 */
import type { JsonRecordMapper } from '../field-mapping.ts';
import type { LogRecord } from '../record.ts';

/** What a preset's records carry, for `logsleuth formats` and the README table. */
export interface Provides {
  duration: boolean;
  level: boolean;
  session: boolean;
  service: boolean;
}

/** Facts shared by every preset. */
export interface PresetInfo {
  /** Short name used by `--format <name>` and in messages, kebab-case: `alb`, `syslog`. */
  name: string;
  /** One line for people: `AWS Application Load Balancer access log`. */
  title: string;
  provides: Provides;
  /** How fields are mapped, one short line each: `duration: request + target + response processing time (ms)`. */
  mapping: string[];
}

/** What a parser may need from the run. */
export interface ParseContext {
  /** Maps a JSON object (a JSON message inside a text line, docker's inner `log`) with the run's field aliases. */
  mapper: JsonRecordMapper;
  /**
   * Epoch ms the input was written at (file mtime, S3 LastModified), when known: formats whose
   * timestamps have no year (RFC 3164 syslog) take the year from it.
   */
  referenceTime?: number;
}

/** A line that belongs to the format but is not a record (CloudFront's `#Fields:`, a VPC header line). */
export const SKIP = Symbol('skip');

/** Parses the lines of one file; may keep state between lines (a `#Fields` header). */
export interface TextParser {
  /**
   * One line (no line ending, never blank) → its record; `SKIP` for a header/comment line of the
   * format; `undefined` when the line does not fit the format (the core then folds it into the
   * previous event, or keeps it whole as the message and counts it as `unmatched`).
   */
  parse(line: string, source: string, lineNo: number): LogRecord | typeof SKIP | undefined;
}

/** A line-oriented text format. */
export interface TextPreset extends PresetInfo {
  framing: 'text';
  /**
   * Which lines continue the event before them:
   * `header`: every line the parser does not accept (the format has a recognisable header);
   * `stack`: only lines that look like stack-trace/traceback continuation;
   * `none`: every line is its own record (access logs, flow logs).
   */
  multiline: 'header' | 'stack' | 'none';
  create(context: ParseContext): TextParser;
}

/** Turns one parsed JSON value into records (none for a control message, many for a batch). */
export interface JsonParser {
  /** `ordinal` is the value's 1-based position in the file (its line for JSON lines). */
  records(value: unknown, source: string, ordinal: number): LogRecord[];
  /**
   * The end of the file: records still held back (a Docker line whose last chunk never came).
   * `ordinal` is the file's last line, for their line numbers.
   */
  flush?(source: string, ordinal: number): LogRecord[];
}

/** A JSON format. */
export interface JsonPreset extends PresetInfo {
  /**
   * How the file is cut into values:
   * `json-lines`: one JSON value per line;
   * `json-values`: JSON values back to back, with or without whitespace/newlines between them
   *   (Firehose objects), each value small;
   * `json-records`: one document `{"Records": [ … ]}` whose array elements are streamed (CloudTrail).
   */
  framing: 'json-lines' | 'json-values' | 'json-records';
  /**
   * Decides from the start of the file (up to 64 KiB of text, the first value possibly cut off)
   * and, when it parsed, the first JSON value.
   */
  sniff(head: string, first: unknown): boolean;
  create(context: ParseContext): JsonParser;
}

export type Preset = TextPreset | JsonPreset;
