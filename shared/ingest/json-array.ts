import { Readable } from 'node:stream';
import StreamJson from 'stream-json';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import type { ByteReader } from './byte-reader.ts';

/**
 * Streams the elements of a top-level JSON array one by one (stream-json), never holding more than
 * one element in memory. Throws the parser's error when the document breaks, after yielding every
 * element before the break. A leading UTF-8 byte order mark is skipped.
 */
export async function* jsonArrayElements(reader: ByteReader): AsyncGenerator<unknown> {
  await reader.fill(3);
  const head = reader.peek(3);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) await reader.skip(3);

  const input = Readable.from(reader, { objectMode: false });
  const parser = StreamJson.parser();
  const elements = StreamArray.streamArray();
  // Ending (not destroying) the element stream on a parse error lets the elements already
  // assembled before the break reach the consumer.
  let broken: Error | undefined;
  parser.on('error', (error) => {
    broken = error;
    parser.unpipe(elements);
    elements.end();
  });
  input.pipe(parser).pipe(elements);
  try {
    for await (const item of elements) yield (item as { value: unknown }).value;
    if (broken !== undefined) throw broken;
  } finally {
    input.destroy();
    parser.destroy();
    elements.destroy();
  }
}
