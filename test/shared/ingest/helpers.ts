import { deflateRawSync } from 'node:zlib';
import tar from 'tar-stream';
import { ingest, type IngestOptions } from '../../../shared/ingest/ingest.ts';
import type { InputObject } from '../../../shared/ingest/input.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';
import { IngestReport } from '../../../shared/ingest/report.ts';

/** An in-memory input that hands out its bytes in chunks of `chunkSize` (small chunks exercise line carry-over). */
export function memoryInput(name: string, content: string | Uint8Array, chunkSize = 7): InputObject {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return {
    name,
    size: bytes.length,
    async *open() {
      for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
    },
  };
}

/** An input whose stream fails after handing out `content`. */
export function failingInput(name: string, content: string, error: Error): InputObject {
  return {
    name,
    async *open() {
      yield Buffer.from(content);
      throw error;
    },
  };
}

/** Runs ingest to the end and returns every record, the batches' sizes and the report. */
export async function ingestAll(
  inputs: InputObject[] | AsyncIterable<InputObject>,
  options: IngestOptions = {},
  report = new IngestReport(),
): Promise<{ records: LogRecord[]; batchSizes: number[]; report: IngestReport }> {
  const records: LogRecord[] = [];
  const batchSizes: number[] = [];
  for await (const batch of ingest(inputs, options, report)) {
    batchSizes.push(batch.length);
    records.push(...batch);
  }
  return { records, batchSizes, report };
}

/** Builds a tar archive with tar-stream (an independent implementation from the reader under test). */
export async function makeTar(entries: { name: string; content: string | Buffer; type?: 'file' | 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    if (entry.type === 'directory') pack.entry({ name: entry.name, type: 'directory' });
    else pack.entry({ name: entry.name }, typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntrySpec {
  name: string;
  content: string | Buffer;
  /** 0 = stored, 8 = deflate (default). */
  method?: 0 | 8;
  /** Write sizes in a data descriptor after the data (as streaming writers do) instead of the local header. */
  descriptor?: boolean;
}

/** A minimal zip writer (local headers, optional data descriptors, central directory). */
export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
    const method = entry.method ?? 8;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name);
    const crc = crc32(data);
    const flags = (entry.descriptor ? 0x08 : 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(entry.descriptor ? 0 : crc, 14);
    local.writeUInt32LE(entry.descriptor ? 0 : stored.length, 18);
    local.writeUInt32LE(entry.descriptor ? 0 : data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const record = [local, name, stored];
    if (entry.descriptor) {
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(stored.length, 8);
      descriptor.writeUInt32LE(data.length, 12);
      record.push(descriptor);
    }
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(flags, 8);
    dir.writeUInt16LE(method, 10);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(stored.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    for (const part of record) {
      parts.push(part);
      offset += part.length;
    }
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, centralBytes, end]);
}

/** `n` JSON lines `{"msg":"line <i>"}`. */
export function jsonLines(n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ msg: `line ${i + 1}` })).join('\n') + '\n';
}
