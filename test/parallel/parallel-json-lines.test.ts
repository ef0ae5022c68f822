/**
 * The chunked reading on its own, without threads: a stand-in pool reads each chunk at once with
 * the worker's `ChunkReader` (its result structured-cloned, as between threads) and the records and
 * report must be those of ingest reading in one go.
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ChunkReader } from '../../cli/parallel/chunk-reader.ts';
import { ParallelJsonLines } from '../../cli/parallel/parallel-json-lines.ts';
import type { WorkerPool } from '../../cli/parallel/pool.ts';
import type { ChunkMessage } from '../../cli/parallel/protocol.ts';
import { ingest, IngestReport, resolveFieldMapping, type InputObject, type LogRecord } from '../../shared/ingest/index.ts';

function inlinePool(): WorkerPool {
  const reader = new ChunkReader({ mapping: resolveFieldMapping(), maxLineBytes: 4096 });
  let id = 0;
  const pool = {
    size: 2,
    read: async (chunk: Omit<ChunkMessage, 'type' | 'id'>) => deserialize(serialize(reader.read({ id: id++, ...chunk }))),
  };
  return pool as unknown as WorkerPool;
}

/** An input read in pieces of `pieceBytes`; with `failing`, the read fails after the last piece. */
function input(name: string, bytes: Uint8Array, pieceBytes: number, failing = false): InputObject {
  return {
    name,
    async *open() {
      for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
      if (failing) throw new Error('disk went away');
    },
  };
}

function sampleLines(count: number): Uint8Array {
  let text = '';
  for (let i = 1; i <= count; i++) {
    text += `{"message":"request ${i} took ${i % 7} ms","level":"${i % 9 === 0 ? 'ERROR' : 'INFO'}","request_id":"r-${i % 13}","ts":${1_700_000_000_000 + i}}\n`;
    if (i % 17 === 0) text += 'Traceback (most recent call last):\n  File "a.py", line 1\n';
    if (i % 23 === 0) text += `{"message": "cut ${i}\n`;
    if (i % 29 === 0) text += `{"message":"${'y'.repeat(5000)}"}\n`;
  }
  return new TextEncoder().encode(text);
}

async function readAll(inputs: InputObject[], parallel?: ParallelJsonLines, keepPerKind = 20): Promise<{ records: LogRecord[]; report: IngestReport }> {
  const report = new IngestReport(keepPerKind);
  const records: LogRecord[] = [];
  for await (const batch of ingest(inputs, { maxLineBytes: 4096, ...(parallel && { jsonLines: parallel.read }) }, report)) records.push(...batch);
  return { records, report };
}

describe('ParallelJsonLines', () => {
  it('gives the records, problems and counts of reading in one go', async () => {
    const bytes = sampleLines(2000);
    const inputs = () => [input('a.jsonl', bytes, 1000), input('b.jsonl', bytes.subarray(0, 30_000), 777)];
    const parallel = new ParallelJsonLines(inlinePool(), { chunkBytes: 32_768, maxLineBytes: 4096, batchSize: 100 });
    // One kept per kind: chunks meet more, which they only count.
    const one = await readAll(inputs(), undefined, 1);
    const many = await readAll(inputs(), parallel, 1);
    expect(parallel.chunks).toBeGreaterThan(10);
    expect(many.records).toEqual(one.records);
    expect(many.report).toEqual(one.report);
    expect(one.report.counts.malformed).toBeGreaterThan(40);
  });

  it('reports a read error after the problems of the lines read before it', async () => {
    // Broken lines just before the error: still in chunks being read when the error comes.
    const bytes = new TextEncoder().encode(new TextDecoder().decode(sampleLines(300)) + '{"message": "cut\n'.repeat(8));
    const inputs = () => [input('c.jsonl', bytes, 997, true)];
    const one = await readAll(inputs());
    const many = await readAll(inputs(), new ParallelJsonLines(inlinePool(), { chunkBytes: 1024, maxLineBytes: 4096, batchSize: 1000 }));
    expect(one.report.problems.at(-1)?.kind).toBe('unreadable');
    expect(many.report.problems).toEqual(one.report.problems);
    expect(many.records).toEqual(one.records);
  });
});
