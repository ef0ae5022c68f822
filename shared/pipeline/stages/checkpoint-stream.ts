/**
 * A detection checkpoint as a stream of JSON lines, written and read piece by piece: the detector's
 * state holds counters for millions of sessions, which as one `JSON.stringify` string would pass
 * V8's string limit (~512 MiB) long before memory runs out.
 *
 * Format 2 (format 1 was the detector's state as one JSON document):
 *   {"format":"logsleuth-detection-checkpoint","version":2,"header":{…}}   first line: what the stage keeps
 *   {"path":["phase"],"value":"observe"}                                  a value at a path in the state
 *   {"path":["sessions","scalars"],"value":[]}                            an array, then its items in slices:
 *   {"path":["sessions","scalars"],"items":[…4096 items…]}
 * Objects are opened by their first key (`{"path":[…],"value":{}}` for an empty one) and written
 * key by key; arrays are written in slices of {@link ITEMS_PER_LINE} items, so no line is larger
 * than a slice of the biggest array's items.
 */
import { LogsleuthError } from '../../errors.ts';

/** Written on the first line, so a reader knows what it reads. */
export const CHECKPOINT_FORMAT = 'logsleuth-detection-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 2;
/** Items per array slice line: ~40–80 KiB of numbers, never a whole million-item array. */
export const ITEMS_PER_LINE = 4096;
/** Bytes per chunk handed to the object store. */
const CHUNK_BYTES = 1024 * 1024;

/** A checkpoint that cannot be read: written by another version, cut short, or not a checkpoint. Retrying cannot help. */
export class CheckpointError extends LogsleuthError {
  override name = 'CheckpointError';
}

type Path = string[];

/**
 * The lines of a checkpoint (each ending in `\n`): the header, then `state` piece by piece.
 * `state` is JSON data (as `JSON.stringify` would see it: `toJSON()` is honoured, undefined fields are left out).
 */
export function* checkpointLines(header: unknown, state: unknown): Generator<string> {
  yield `${JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_FORMAT_VERSION, header })}\n`;
  yield* valueLines([], state);
}

function* valueLines(path: Path, raw: unknown): Generator<string> {
  const value = jsonView(raw);
  if (Array.isArray(value)) {
    yield `${JSON.stringify({ path, value: [] })}\n`;
    for (let i = 0; i < value.length; i += ITEMS_PER_LINE) {
      yield `${JSON.stringify({ path, items: value.slice(i, i + ITEMS_PER_LINE) })}\n`;
    }
    return;
  }
  if (value === null || typeof value !== 'object') {
    if (value !== undefined) yield `${JSON.stringify({ path, value })}\n`;
    return;
  }
  yield `${JSON.stringify({ path, value: {} })}\n`;
  for (const [key, field] of Object.entries(value)) yield* valueLines([...path, key], field);
}

/** What JSON.stringify would serialise in place of `value`. */
function jsonView(value: unknown): unknown {
  const withToJson = value as { toJSON?: () => unknown } | null;
  return withToJson !== null && typeof withToJson === 'object' && typeof withToJson.toJSON === 'function' ? withToJson.toJSON() : value;
}

/** The lines as UTF-8 chunks of about 1 MiB, for a streamed upload. */
export async function* checkpointBytes(lines: Iterable<string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let held: string[] = [];
  let length = 0;
  for (const line of lines) {
    held.push(line);
    length += line.length;
    if (length >= CHUNK_BYTES) {
      yield encoder.encode(held.join(''));
      held = [];
      length = 0;
    }
  }
  if (held.length > 0) yield encoder.encode(held.join(''));
}

/** A checkpoint read back: the stage's header and the detector's state. */
export interface ReadCheckpoint<H> {
  header: H;
  state: unknown;
}

/**
 * Reads a checkpoint from its bytes, line by line (no line is ever much larger than a slice).
 * `name` goes into error messages. Throws {@link CheckpointError} for an older format or a damaged file.
 */
export async function readCheckpoint<H>(bytes: AsyncIterable<Uint8Array>, name: string): Promise<ReadCheckpoint<H>> {
  let header: H | undefined;
  let root: unknown;
  let lineNo = 0;
  for await (const line of textLines(bytes)) {
    lineNo++;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new CheckpointError(`the checkpoint ${name} is damaged at line ${lineNo} (not JSON): upload the object again to start the run over`);
    }
    if (lineNo === 1) {
      header = headerOf(parsed, name) as H;
      continue;
    }
    root = apply(root, parsed, name, lineNo);
  }
  if (header === undefined) throw new CheckpointError(`the checkpoint ${name} is empty: upload the object again to start the run over`);
  return { header, state: root };
}

/** The stage's header from the first line; an older or newer format says so. */
function headerOf(first: Record<string, unknown>, name: string): unknown {
  if (first.format !== CHECKPOINT_FORMAT) {
    const version = typeof first.version === 'number' ? ` (format ${first.version})` : '';
    throw new CheckpointError(`the checkpoint ${name} was written by an older logsleuth${version}, which this version cannot continue: upload the object again to start the run over`);
  }
  if (first.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(`the checkpoint ${name} has format ${String(first.version)}, this logsleuth reads format ${CHECKPOINT_FORMAT_VERSION}: upload the object again to start the run over`);
  }
  return first.header;
}

/** One state line applied to the state built so far; returns the (possibly new) root. */
function apply(root: unknown, line: Record<string, unknown>, name: string, lineNo: number): unknown {
  const path = line.path;
  if (!Array.isArray(path) || path.some((key) => typeof key !== 'string' || key === '__proto__')) {
    throw new CheckpointError(`the checkpoint ${name} is damaged at line ${lineNo} (no valid path): upload the object again to start the run over`);
  }
  if (path.length === 0) {
    if ('items' in line) return appendItems(root, line.items, name, lineNo);
    return line.value;
  }
  let parent = root as Record<string, unknown>;
  for (const key of path.slice(0, -1)) parent = parent?.[key] as Record<string, unknown>;
  if (parent === null || typeof parent !== 'object') {
    throw new CheckpointError(`the checkpoint ${name} is damaged at line ${lineNo} (${path.join('.')} has no parent): upload the object again to start the run over`);
  }
  const last = path[path.length - 1] as string;
  if ('items' in line) parent[last] = appendItems(parent[last], line.items, name, lineNo);
  else parent[last] = line.value;
  return root;
}

function appendItems(target: unknown, items: unknown, name: string, lineNo: number): unknown[] {
  if (!Array.isArray(target) || !Array.isArray(items)) {
    throw new CheckpointError(`the checkpoint ${name} is damaged at line ${lineNo} (items for no array): upload the object again to start the run over`);
  }
  // push(...items) would hit the argument limit for big slices on some engines; a loop never does.
  for (const item of items) target.push(item);
  return target;
}

/** Lines of UTF-8 text (without `\n`, blank ones skipped), split across chunk boundaries. */
async function* textLines(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  // The start of a line that runs over chunks, in pieces: re-concatenating it per chunk would be quadratic.
  let pieces: string[] = [];
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const line = pieces.length > 0 ? pieces.join('') + text.slice(from, nl) : text.slice(from, nl);
      pieces = [];
      if (line.length > 0) yield line;
      from = nl + 1;
    }
    if (from < text.length) pieces.push(text.slice(from));
  }
  const last = pieces.join('') + decoder.decode();
  if (last.length > 0) yield last;
}
