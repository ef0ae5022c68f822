import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { ArchiveDamage, ArchiveEntry, SkippedEntry } from './archive-entry.ts';
import { ByteReader } from './byte-reader.ts';

/** Compression methods fflate's streaming reader can decode: stored and deflate. */
const SUPPORTED = new Set([0, 8]);
/** End-of-central-directory signature: an archive that never shows it was cut short. */
const END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/**
 * Most archive bytes handed to fflate at once. `Unzip.push` calls itself once per entry that starts
 * in the bytes it is given, so one 256 KiB chunk of ~2,500 small entries overflowed the stack; a
 * small slice holds at most a few hundred entries (30-byte headers), far from the limit.
 */
const PUSH_BYTES = 8 * 1024;

interface PendingEntry { name: string; chunks: Uint8Array[]; done: boolean; error?: Error }

/**
 * Reads a zip archive front to back with fflate's streaming `Unzip`, yielding every file entry in
 * order. Streaming rather than random access (yauzl) so it works on any byte stream (an S3 body, a
 * zip inside a tar) without a temp file, and a cut-off archive still yields every entry before the
 * cut. Archive bytes are pulled only as fast as the consumer reads entries. Entries with other
 * compression methods or encryption are passed to `onSkip`.
 */
export async function* zipEntries(
  reader: ByteReader,
  onDamage: (damage: ArchiveDamage) => void,
  onSkip: (skipped: SkippedEntry) => void,
): AsyncGenerator<ArchiveEntry> {
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  const entries: PendingEntry[] = [];
  unzip.onfile = (file: UnzipFile) => {
    if (file.name.endsWith('/')) return; // a directory: nothing to read
    if (!SUPPORTED.has(file.compression)) {
      onSkip({ name: file.name, reason: `it uses compression method ${file.compression} (only stored and deflate are read)` });
      return;
    }
    const entry: PendingEntry = { name: file.name, chunks: [], done: false };
    file.ondata = (error, data, final) => {
      if (error) entry.error = error;
      else {
        if (data.length > 0) entry.chunks.push(data);
        if (final) entry.done = true;
      }
    };
    entries.push(entry);
    file.start();
  };

  let ended = false;
  let sawDirectory = false;
  let tail = Buffer.alloc(0);
  let unzipError: Error | undefined;
  /** Feeds the next archive chunk to fflate; false once the archive has no more bytes. */
  const pump = async (): Promise<boolean> => {
    if (ended) return false;
    const chunk = await reader.next(PUSH_BYTES);
    try {
      if (chunk === null) {
        ended = true;
        unzip.push(new Uint8Array(0), true);
        return false;
      }
      // Look for the directory signature across chunk borders too.
      const window = Buffer.concat([tail, chunk]);
      if (!sawDirectory && window.includes(END_OF_DIRECTORY)) sawDirectory = true;
      tail = window.subarray(Math.max(0, window.length - 3));
      unzip.push(chunk);
    } catch (error) {
      // On the final push fflate's error only says the bytes ran out: that is a cut, not damage.
      if (!ended) unzipError = error as Error;
      ended = true;
      return false;
    }
    return true;
  };

  for (let index = 0; ; index++) {
    while (entries.length <= index && (await pump()));
    const entry = entries[index];
    if (!entry) break;
    let broken = false;
    const body = new ByteReader(entryBytes(entry, pump), () => {
      broken = true;
    });
    yield { name: entry.name, body };
    await body.drain();
    entries[index] = { name: entry.name, chunks: [], done: true }; // let its bytes go
    if (broken) {
      onDamage({
        reason: unzipError ? `the archive is damaged inside ${entry.name} (${unzipError.message})` : `the archive ends inside ${entry.name}`,
        byteOffset: reader.position,
      });
      return;
    }
  }
  if (reader.failed) return;
  if (unzipError) onDamage({ reason: `the archive is damaged (${unzipError.message})`, byteOffset: reader.position });
  else if (!sawDirectory) onDamage({ reason: 'the archive ends before its central directory', byteOffset: reader.position });
}

/** The bytes of one entry, pulling archive chunks until the entry is complete. */
async function* entryBytes(entry: PendingEntry, pump: () => Promise<boolean>): AsyncGenerator<Uint8Array> {
  for (;;) {
    while (entry.chunks.length > 0) yield entry.chunks.shift()!;
    if (entry.error) throw entry.error;
    if (entry.done) return;
    if (!(await pump()) && entry.chunks.length === 0) {
      throw new Error(entry.error ? (entry.error as Error).message : 'the archive ends inside this file');
    }
  }
}
