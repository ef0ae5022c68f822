import { Buffer } from 'node:buffer';
import { ArchiveEndedEarly, takeBytes, type ArchiveDamage, type ArchiveEntry, type SkippedEntry } from './archive-entry.ts';
import { ByteReader } from './byte-reader.ts';
import { inflateRaw } from './inflate.ts';

const LOCAL_FILE = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
/** Records that follow the last entry: central directory, zip64 end records, end of central directory. */
const TRAILERS = new Set([0x02014b50, 0x06064b50, 0x07064b50, 0x06054b50, 0x05054b50, 0x08064b50]);

/**
 * Reads a zip archive front to back from its local file headers, yielding every file entry in order.
 *
 * Streaming rather than random access (yauzl) so that it works on any byte stream (an S3 body, a zip
 * inside a tar) without a temp file or a range-read port, and so that a cut-off archive still yields
 * every entry before the cut (the central directory at the end is never needed). Supports stored and
 * deflated entries, data descriptors after deflated entries, and zip64 sizes. Encrypted entries and
 * other compression methods are passed to `onSkip`. CRCs are not checked.
 */
export async function* zipEntries(
  reader: ByteReader,
  onDamage: (damage: ArchiveDamage) => void,
  onSkip: (skipped: SkippedEntry) => void,
): AsyncGenerator<ArchiveEntry> {
  for (;;) {
    const offset = reader.position;
    const signature = await reader.read(4);
    if (signature.length < 4) {
      return onDamage({ reason: 'the archive ends before its central directory', byteOffset: offset });
    }
    const sig = u32(signature, 0);
    if (TRAILERS.has(sig)) return;
    if (sig !== LOCAL_FILE) return onDamage({ reason: 'unexpected bytes where the next file should start', byteOffset: offset });

    const header = await reader.read(26);
    if (header.length < 26) return onDamage({ reason: 'the archive ends inside a file header', byteOffset: reader.position });
    const flags = u16(header, 2);
    const method = u16(header, 4);
    let compressedSize = u32(header, 14);
    let size = u32(header, 18);
    const nameBytes = await reader.read(u16(header, 22));
    const extra = await reader.read(u16(header, 24));
    if (nameBytes.length < u16(header, 22) || extra.length < u16(header, 24)) {
      return onDamage({ reason: 'the archive ends inside a file header', byteOffset: reader.position });
    }
    const name = Buffer.from(nameBytes.buffer, nameBytes.byteOffset, nameBytes.byteLength).toString('utf8');
    if (compressedSize === 0xffffffff || size === 0xffffffff) {
      const zip64 = zip64Sizes(extra);
      if (zip64) ({ size, compressedSize } = zip64);
    }
    const hasDescriptor = (flags & 0x08) !== 0;
    const sizeKnown = !hasDescriptor || compressedSize > 0;

    if ((flags & 0x01) !== 0 || (method !== 0 && method !== 8)) {
      const why = (flags & 0x01) !== 0 ? 'it is encrypted' : `its compression method (${method}) is not supported`;
      if (!sizeKnown) return onDamage({ reason: `${name} cannot be skipped (${why}, size unknown)`, byteOffset: offset });
      onSkip({ name, reason: why });
      if ((await reader.skip(compressedSize)) < compressedSize) {
        return onDamage({ reason: `the archive ends inside ${name}`, byteOffset: reader.position });
      }
      if (hasDescriptor) await skipDescriptor(reader);
      continue;
    }
    if (method === 0 && !sizeKnown) {
      return onDamage({ reason: `${name} is stored with its size only at its end, which cannot be read as a stream`, byteOffset: offset });
    }

    let ended: unknown;
    const bytes = method === 8 ? inflateRaw(reader, sizeKnown ? compressedSize : undefined) : takeBytes(reader, compressedSize);
    const body = new ByteReader(bytes, (error) => {
      ended = error;
    });
    if (!name.endsWith('/')) yield { name, body };
    await body.drain();
    if (ended !== undefined) {
      const reason = ended instanceof ArchiveEndedEarly
        ? `the archive ends inside ${name}`
        : `${name} is damaged (${(ended as Error).message ?? String(ended)})`;
      return onDamage({ reason, byteOffset: reader.position });
    }
    if (hasDescriptor) await skipDescriptor(reader);
  }
}

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function u64(bytes: Uint8Array, at: number): number {
  return u32(bytes, at) + u32(bytes, at + 4) * 2 ** 32;
}

/** The zip64 extra field (id 1) of a local header holds both sizes, uncompressed first. */
function zip64Sizes(extra: Uint8Array): { size: number; compressedSize: number } | undefined {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = u16(extra, at);
    const length = u16(extra, at + 2);
    if (id === 1 && length >= 16 && at + 4 + length <= extra.length) {
      return { size: u64(extra, at + 4), compressedSize: u64(extra, at + 12) };
    }
    at += 4 + length;
  }
  return undefined;
}

/**
 * Skips the data descriptor after an entry: optional signature, CRC, then two sizes of 4 bytes
 * (8 for zip64). The size width is told by where the next record's `PK` signature sits.
 */
async function skipDescriptor(reader: ByteReader): Promise<void> {
  await reader.fill(28);
  const head = reader.peek(28);
  let at = head.length >= 4 && u32(head, 0) === DATA_DESCRIPTOR ? 4 : 0;
  at += 4;
  const isSignature = (i: number): boolean => head.length >= i + 2 && head[i] === 0x50 && head[i + 1] === 0x4b;
  at += !isSignature(at + 8) && isSignature(at + 16) ? 16 : 8;
  await reader.skip(Math.min(at, head.length));
}
