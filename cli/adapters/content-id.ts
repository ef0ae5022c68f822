/**
 * What the CLI's inputs hold, as one SHA-256 (hex): the part of `analyze`/`detect`'s run id that
 * says "these bytes". A file rewritten with other bytes of the same size gets another id, so it is
 * analysed and stored again instead of being reported "already stored".
 *
 * The rule: when the inputs hold at most {@link FULL_HASH_LIMIT_BYTES} together, every byte is
 * hashed (streamed). Past that, a full hash would cost a third read of everything, so each file is
 * identified by its first and last MiB, its size and its modification time; an input that is not a
 * plain file (standard input, a FIFO, spooled to a temporary file) is always hashed in full. Names
 * are part of the id too: records name the file they came from.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { InputObject } from '../../shared/ingest/input.ts';

/** Up to this many bytes in total, the inputs are hashed in full (256 MiB). */
export const FULL_HASH_LIMIT_BYTES = 256 * 1024 * 1024;
/** How much of each end of a large file is hashed. */
export const SAMPLE_BYTES = 1024 * 1024;

/** SHA-256 (hex) of the inputs' names and contents, in order (see the module comment for the rule). */
export async function contentId(inputs: readonly InputObject[], fullHashLimit = FULL_HASH_LIMIT_BYTES): Promise<string> {
  const total = inputs.reduce((sum, input) => sum + (input.size ?? 0), 0);
  const hash = createHash('sha256');
  for (const input of inputs) {
    hash.update(`\u0000${input.name}\u0000${input.size ?? ''}\u0000`);
    const file = total > fullHashLimit ? await plainFile(input) : undefined;
    if (file) await hashEnds(hash, file.path, file.size, file.modified);
    else await hashAll(hash, input);
  }
  return hash.digest('hex');
}

/** The input as a plain file whose size and mtime are what the input says, or undefined. */
async function plainFile(input: InputObject): Promise<{ path: string; size: number; modified: number } | undefined> {
  if (input.size === undefined || input.modified === undefined) return undefined;
  const info = await stat(input.name).catch(() => undefined);
  if (!info?.isFile() || info.size !== input.size || Math.floor(info.mtimeMs) !== input.modified) return undefined;
  return { path: input.name, size: input.size, modified: input.modified };
}

async function hashAll(hash: Hash, input: InputObject): Promise<void> {
  hash.update('all\u0000');
  for await (const chunk of await input.open()) hash.update(chunk);
}

async function hashEnds(hash: Hash, path: string, size: number, modified: number): Promise<void> {
  hash.update(`ends\u0000${modified}\u0000`);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    for (const position of [0, Math.max(0, size - SAMPLE_BYTES)]) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
