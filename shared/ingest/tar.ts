import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import type { ArchiveDamage, ArchiveEntry } from './archive-entry.ts';
import { ByteReader } from './byte-reader.ts';

/**
 * Reads a tar stream with tar-stream and yields its regular files in archive order (ustar, GNU long
 * names and PAX paths are tar-stream's job). When the archive is cut short or damaged, every byte
 * before the damage still reaches the consumer, then `onDamage` says where it broke.
 * Directories, links and devices are passed over.
 */
export async function* tarEntries(reader: ByteReader, onDamage: (damage: ArchiveDamage) => void): AsyncGenerator<ArchiveEntry> {
  const extractor = extract();
  const source = Readable.from(reader);
  source.pipe(extractor);
  try {
    for await (const entry of extractor) {
      const { name, type } = entry.header;
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      let broken = false;
      const body = new ByteReader(entry as AsyncIterable<Uint8Array>, () => {
        broken = true;
      });
      yield { name, body };
      await body.drain();
      if (broken) {
        onDamage({ reason: `the archive ends inside ${name}`, byteOffset: reader.position });
        return;
      }
    }
  } catch (error) {
    if (!reader.failed) onDamage({ reason: `the archive is damaged (${describe(error)})`, byteOffset: reader.position });
  } finally {
    source.unpipe(extractor);
    source.destroy();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
