/**
 * The library's inputs: paths (files, directories, archives, as the CLI reads them), Node readable
 * streams, and async iterables of records or byte chunks. Detection reads its input twice, so a
 * stream or iterable is first copied ("spooled") to a temporary file, records as JSON lines; the
 * copies are removed by {@link OpenedInputs.close}.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileInput, fsInputs } from '../cli/adapters/fs-input.ts';
import { UserInputError } from '../shared/errors.ts';
import { ingest, IngestReport, type IngestOptions, type InputObject, type LineSelector, type LogRecord } from '../shared/ingest/index.ts';

/** Something an async iterable may yield: bytes or text (log lines as they are), or one log record as an object. */
export type LogChunk = string | Uint8Array | Record<string, unknown>;

/** Data without a path: a Node readable stream (an S3 object's Body…) or an async iterable of chunks or records. */
export type LogData = Readable | NodeJS.ReadableStream | AsyncIterable<LogChunk>;

/**
 * One input: a path (file, directory walked in name order, `.gz`/`.zip`/`.tar.gz` archive); a
 * stream or async iterable (named `stream-1`, `stream-2`… in results); or either of those with the
 * name results should show as its `source` (`{ name: 's3://bucket/key', data: body }`).
 */
export type LogInput = string | LogData | { name: string; data: LogData };

/** Opened inputs: read as often as a stage needs; the first read fills `report`. */
export interface OpenedInputs {
  objects: InputObject[];
  report: IngestReport;
  records(select?: LineSelector): AsyncIterable<LogRecord[]>;
  /** Removes the spooled copies of streams and iterables. */
  close(): Promise<void>;
}

/** Opens `inputs` in order; streams and iterables are spooled now (read to their end). */
export async function openInputs(inputs: readonly LogInput[], options: IngestOptions): Promise<OpenedInputs> {
  if (inputs.length === 0) throw new UserInputError('no inputs given: pass paths, streams or async iterables of records');
  const report = new IngestReport();
  const objects: InputObject[] = [];
  let spoolDir: string | undefined;
  const close = async () => {
    if (spoolDir !== undefined) await rm(spoolDir, { recursive: true, force: true });
  };
  try {
    let streams = 0;
    for (const input of inputs) {
      if (typeof input === 'string') {
        for await (const object of fsInputs([input], report)) objects.push(object);
        continue;
      }
      const { name, data } = isNamed(input) ? input : { name: `stream-${streams + 1}`, data: input };
      spoolDir ??= await mkdtemp(join(tmpdir(), 'logsleuth-library-'));
      objects.push(await spool(data, join(spoolDir, `input-${streams++}`), name));
    }
  } catch (error) {
    await close();
    throw error;
  }
  let passes = 0;
  return {
    objects,
    report,
    records: (select) => ingest(objects, { ...options, ...(select && { select }) }, passes++ === 0 ? report : new IngestReport(0)),
    close,
  };
}

function isNamed(input: LogInput): input is { name: string; data: LogData } {
  return typeof input === 'object' && input !== null && 'data' in input && typeof (input as { name?: unknown }).name === 'string';
}

/** Copies `data` to `file` (streamed: memory stays flat) and gives the file as an input named `name`. */
async function spool(data: LogData, file: string, name: string): Promise<InputObject> {
  if (!isAsyncIterable(data)) throw new UserInputError(`input ${name}: expected a path, a readable stream or an async iterable, got ${typeof data}`);
  await pipeline(Readable.from(asBytes(data, name)), createWriteStream(file));
  return { ...fileInput(file, (await stat(file)).size), name };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<LogChunk> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Bytes and text pass through as they are; an object is one record, written as one JSON line. */
async function* asBytes(data: AsyncIterable<LogChunk>, name: string): AsyncGenerator<Uint8Array | string> {
  let lineOpen = false;
  for await (const chunk of data) {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      yield chunk;
      if (chunk.length > 0) lineOpen = typeof chunk === 'string' ? !chunk.endsWith('\n') : chunk[chunk.length - 1] !== 0x0a;
    } else if (typeof chunk === 'object' && chunk !== null) {
      // A record after text that ended mid-line starts on a line of its own.
      yield `${lineOpen ? '\n' : ''}${JSON.stringify(chunk)}\n`;
      lineOpen = false;
    } else {
      throw new UserInputError(`input ${name}: a stream or iterable must yield strings, bytes or record objects, got ${chunk === null ? 'null' : typeof chunk}`);
    }
  }
}
