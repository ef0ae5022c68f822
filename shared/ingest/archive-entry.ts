import type { ByteReader } from './byte-reader.ts';

/** One file inside an archive, handed out while the archive is being read. */
export interface ArchiveEntry {
  /** Path inside the archive, as stored (`dir/app.log`). */
  name: string;
  /**
   * The entry's bytes. Read as much as you like: the archive reader drains the rest itself before
   * moving on. `failed` is set on it when the archive ends or breaks inside this entry.
   */
  body: ByteReader;
}

/** Why an archive could not be read to its end, and where (byte offset in the archive's own bytes). */
export interface ArchiveDamage {
  reason: string;
  byteOffset: number;
}

/** An entry that was passed over on purpose (encrypted, unsupported compression…). */
export interface SkippedEntry {
  name: string;
  reason: string;
}
