import { createInflateRaw } from 'node:zlib';
import { ArchiveEndedEarly } from './archive-entry.ts';
import type { ByteReader } from './byte-reader.ts';

// Small writes bound what one write can expand to (deflate tops out near 1:1032).
const WRITE_BYTES = 16 * 1024;

/**
 * Inflates one raw-deflate stream read from `reader`.
 * With `compressedSize` it reads exactly that many bytes; without (zip entries written with a data
 * descriptor) it stops where the deflate stream itself ends and puts the bytes it read past that end
 * back into `reader`. Throws on damaged data, or {@link ArchiveEndedEarly} when the input runs out.
 */
export async function* inflateRaw(reader: ByteReader, compressedSize?: number): AsyncGenerator<Uint8Array> {
  const inflater = createInflateRaw({ chunkSize: 64 * 1024 });
  const output: Uint8Array[] = [];
  let ended = false;
  let failure: Error | undefined;
  const finished = new Promise<void>((resolve) => {
    inflater.on('end', () => {
      ended = true;
      resolve();
    });
    inflater.on('error', (error) => {
      failure = error;
      resolve();
    });
  });
  inflater.on('data', (chunk: Uint8Array) => output.push(chunk));

  let left = compressedSize ?? Infinity;
  let written = 0;
  try {
    while (!ended && failure === undefined) {
      if (left === 0) {
        inflater.end();
        await finished;
        break;
      }
      const chunk = await reader.next(Math.min(left, WRITE_BYTES));
      if (chunk === null) throw new ArchiveEndedEarly('the archive ends inside compressed data');
      left -= chunk.length;
      await new Promise<void>((resolve) => inflater.write(chunk, () => resolve()));
      written += chunk.length;
      while (output.length > 0) yield output.shift()!;
      // The engine stops taking input where the deflate stream ends: whatever it did not take
      // belongs to what follows in the archive.
      const unused = written - inflater.bytesWritten;
      if (compressedSize === undefined && unused > 0) {
        reader.unshift(chunk.subarray(chunk.length - unused));
        await finished;
        break;
      }
    }
    while (output.length > 0) yield output.shift()!;
    if (failure !== undefined) throw failure;
    // A deflate stream that ends before its stated size: the rest of the entry is padding to skip.
    if (compressedSize !== undefined && left > 0 && (await reader.skip(left)) < left) {
      throw new ArchiveEndedEarly('the archive ends inside compressed data');
    }
  } finally {
    inflater.destroy();
  }
}
