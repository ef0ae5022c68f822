import { Buffer } from 'node:buffer';
import { ArchiveEndedEarly, takeBytes, type ArchiveDamage, type ArchiveEntry } from './archive-entry.ts';
import { ByteReader } from './byte-reader.ts';
import { parseOctal, tarChecksumOk } from './sniff.ts';

const BLOCK = 512;
// PAX headers carry a few key=value records; anything bigger is not worth holding in memory.
const MAX_META_BYTES = 1024 * 1024;

/**
 * Reads a tar stream (ustar, GNU long names, PAX `path`) and yields its regular files in archive order.
 *
 * Written here rather than using tar-stream's extractor because, when the archive is cut short, the
 * extractor destroys the current entry and drops the bytes it had already received; this reader hands
 * every byte before the damage to the consumer, then calls `onDamage` with the offset.
 * Directories, links and devices are passed over.
 */
export async function* tarEntries(reader: ByteReader, onDamage: (damage: ArchiveDamage) => void): AsyncGenerator<ArchiveEntry> {
  let longName: string | undefined;
  let paxPath: string | undefined;
  for (;;) {
    const offset = reader.position;
    const header = await reader.read(BLOCK);
    if (header.length === 0) return;
    if (header.length < BLOCK) return onDamage({ reason: 'the archive ends inside a file header', byteOffset: offset });
    if (header.every((b) => b === 0)) return;
    if (!tarChecksumOk(header)) return onDamage({ reason: 'a file header is damaged (bad checksum)', byteOffset: offset });

    const size = entrySize(header);
    if (size === undefined) return onDamage({ reason: 'a file header has an unreadable size', byteOffset: offset });
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    const type = header[156]!;

    if (type === 0x4c /* L: GNU long name */ || type === 0x78 /* x: PAX */) {
      if (size > MAX_META_BYTES) return onDamage({ reason: `a ${size}-byte name header is implausibly large`, byteOffset: offset });
      const data = await reader.read(size);
      if (data.length < size || (await reader.skip(padding)) < padding) {
        return onDamage({ reason: 'the archive ends inside a file header', byteOffset: reader.position });
      }
      if (type === 0x4c) longName = cString(data, 0, data.length);
      else paxPath = paxValue(data, 'path') ?? paxPath;
      continue;
    }

    const name = paxPath ?? longName ?? headerName(header);
    paxPath = undefined;
    longName = undefined;
    const regular = type === 0 || type === 0x30 /* 0 */ || type === 0x37 /* 7: contiguous */;
    if (!regular) {
      if ((await reader.skip(size + padding)) < size + padding) {
        return onDamage({ reason: `the archive ends inside ${name}`, byteOffset: reader.position });
      }
      continue;
    }

    let ended: unknown;
    const body = new ByteReader(takeBytes(reader, size), (error) => {
      ended = error;
    });
    yield { name, body };
    await body.drain();
    if (ended !== undefined) {
      const reason = ended instanceof ArchiveEndedEarly ? `the archive ends inside ${name}` : String(ended);
      return onDamage({ reason, byteOffset: reader.position });
    }
    if ((await reader.skip(padding)) < padding) {
      return onDamage({ reason: `the archive ends right after ${name}`, byteOffset: reader.position });
    }
  }
}

function cString(bytes: Uint8Array, at: number, length: number): string {
  let end = at;
  while (end < at + length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at).toString('utf8');
}

function headerName(header: Uint8Array): string {
  const name = cString(header, 0, 100);
  const ustar = header[257] === 0x75 && header[258] === 0x73 && header[259] === 0x74;
  const prefix = ustar ? cString(header, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal, or GNU base-256 (high bit set) for sizes of 8 GiB and more. */
function entrySize(header: Uint8Array): number | undefined {
  if (header[124]! & 0x80) {
    let value = 0;
    for (let i = 125; i < 136; i++) value = value * 256 + header[i]!;
    return value;
  }
  return parseOctal(header, 124, 12);
}

/** PAX records are `<length> <key>=<value>\n`. */
function paxValue(data: Uint8Array, key: string): string | undefined {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  for (const record of text.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
    if (match && match[1] === key) return match[2];
  }
  return undefined;
}
