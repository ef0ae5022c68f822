import { Readable, type Transform } from 'node:stream';
import { Buffer } from 'node:buffer';
import StreamJson from 'stream-json';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import type { ByteReader } from './byte-reader.ts';
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, isWhitespace, scanString } from './json-bytes.ts';

/**
 * Streams the elements of a JSON array one by one (stream-json), never holding more than one
 * element in memory: the top-level array, or with `key` the array under that top-level key (the
 * `Records` of a CloudTrail file `{"Records":[…]}`; other keys are read past, a document without it
 * yields nothing). Throws the parser's error when the document breaks, after yielding every element
 * before the break. A leading UTF-8 byte order mark is skipped.
 */
export async function* jsonArrayElements(reader: ByteReader, key?: string): AsyncGenerator<unknown> {
  await reader.fill(3);
  const head = reader.peek(3);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) await reader.skip(3);

  const input = Readable.from(reader, { objectMode: false });
  const parser = StreamJson.parser();
  const picker: Transform | undefined = key === undefined ? undefined : Pick.pick({ filter: key });
  const elements = StreamArray.streamArray();
  const afterParser = picker ?? elements;
  // Ending (not destroying) the downstream on a parse error lets the elements assembled before
  // the break reach the consumer.
  let broken: Error | undefined;
  parser.on('error', (error) => {
    broken = error;
    parser.unpipe(afterParser);
    afterParser.end();
  });
  if (picker) input.pipe(parser).pipe(picker).pipe(elements);
  else input.pipe(parser).pipe(elements);
  try {
    for await (const item of elements) yield (item as { value: unknown }).value;
    if (broken !== undefined) throw broken;
  } finally {
    input.destroy();
    parser.destroy();
    picker?.destroy();
    elements.destroy();
  }
}

/** What {@link jsonArrayTexts} finds, in order. `index` is the element's 1-based position. */
export type ArrayItem =
  | { kind: 'element'; index: number; text: string }
  /** An element over the size limit: skipped, its end still found. */
  | { kind: 'too-long'; index: number; bytes: number }
  /** The input ends inside the array (inside element `index`, or before it starts). */
  | { kind: 'cut'; index: number }
  /** Something other than whitespace follows the closing `]`: reading stops there. */
  | { kind: 'after'; index: number };



/**
 * Splits a top-level JSON array into its elements' texts without parsing them, so one element that
 * is not JSON (a stray token, a trailing comma, Python's `NaN`) costs that element only: the caller
 * parses each text and reading goes on with the next. stream-json cannot do this, its parser stops
 * for good at the first error. A small scanner tracks string/escape state and bracket depth; a `,`
 * or the closing `]` at the array's own level ends an element. An element whose brackets or quotes
 * do not balance runs on into the next ones (they are lost with it, but the scanner never fails).
 *
 * Memory: one element, at most `maxBytes` (a longer one is reported as `too-long` and skipped).
 * Empty elements (`[1,,2]`, a trailing comma) are passed over. A leading UTF-8 BOM is skipped.
 */
export async function* jsonArrayTexts(reader: ByteReader, maxBytes: number): AsyncGenerator<ArrayItem> {
  await reader.fill(3);
  const head = reader.peek(3);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) await reader.skip(3);

  const decoder = new TextDecoder();
  let opened = false;
  let closed = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: Uint8Array[] = [];
  let size = 0;
  let index = 0;

  /** The element collected so far, as an item; undefined when it is empty. */
  const finish = (): ArrayItem | undefined => {
    const tooLong = size > maxBytes;
    const bytes = tooLong ? undefined : Buffer.concat(parts, size);
    const bytesSeen = size;
    parts = [];
    size = 0;
    if (tooLong) return { kind: 'too-long', index: ++index, bytes: bytesSeen };
    const text = decoder.decode(bytes).trim();
    return text.length === 0 ? undefined : { kind: 'element', index: ++index, text };
  };
  const keep = (piece: Uint8Array): void => {
    size += piece.length;
    if (size <= maxBytes) parts.push(piece);
    else parts = [];
  };

  for (;;) {
    const chunk = await reader.next();
    if (chunk === null) break;
    const n = chunk.length;
    let i = 0;
    if (closed) {
      while (i < n && isWhitespace(chunk[i]!)) i++;
      if (i < n) {
        yield { kind: 'after', index };
        return;
      }
      continue;
    }
    if (!opened) {
      while (i < n && chunk[i] !== OPEN_BRACKET) i++;
      if (i === n) continue;
      opened = true;
      i++;
    }
    let from = i;
    for (; i < n; i++) {
      if (inString) {
        const scan = scanString(chunk, i, n, escaped);
        escaped = scan.escaped;
        i = scan.at;
        if (!scan.closed) break;
        inString = false;
        continue;
      }
      const b = chunk[i]!;
      if (b === QUOTE) inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (depth > 0 && (b === CLOSE_BRACE || b === CLOSE_BRACKET)) depth--;
      else if (depth === 0 && (b === COMMA || b === CLOSE_BRACKET)) {
        keep(chunk.subarray(from, i));
        from = i + 1;
        const item = finish();
        if (item) yield item;
        if (b === CLOSE_BRACKET) {
          closed = true;
          while (from < n && isWhitespace(chunk[from]!)) from++;
          if (from < n) {
            yield { kind: 'after', index };
            return;
          }
          break;
        }
      }
    }
    if (!closed) keep(chunk.subarray(from, n));
  }
  if (!closed) yield { kind: 'cut', index: index + 1 };
}

