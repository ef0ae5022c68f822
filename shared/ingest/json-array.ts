import { Readable, type Transform } from 'node:stream';
import StreamJson from 'stream-json';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import type { ByteReader } from './byte-reader.ts';

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
