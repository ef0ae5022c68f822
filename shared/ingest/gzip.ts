import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ByteReader } from './byte-reader.ts';

/** A decompressed view of a gzip stream, and how far into the compressed bytes it has got. */
export interface Gunzipped {
  output: AsyncIterable<Uint8Array>;
  /** Compressed bytes consumed so far: after a failure, where the damage was found. */
  compressedOffset(): number;
}

/**
 * Decompresses gzip (concatenated members included) as a stream, with backpressure.
 * Iterating `output` throws zlib's error when the data is cut short or damaged, after yielding
 * everything that decompressed before it.
 */
export function gunzip(reader: ByteReader): Gunzipped {
  const gunzipper = createGunzip({ chunkSize: 64 * 1024 });
  const input = Readable.from(reader, { objectMode: false });
  input.pipe(gunzipper);
  async function* output(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of gunzipper) yield chunk as Uint8Array;
    } finally {
      input.unpipe(gunzipper);
      input.destroy();
      gunzipper.destroy();
    }
  }
  return { output: output(), compressedOffset: () => gunzipper.bytesWritten };
}
