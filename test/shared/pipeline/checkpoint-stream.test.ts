/**
 * The streamed checkpoint format: any JSON state goes out as lines no bigger than a slice of its
 * biggest array and comes back equal, whatever the chunking; older formats and damage are refused
 * with a message that says what to do.
 */
import { describe, expect, it } from 'vitest';
import {
  checkpointBytes, checkpointLines, CheckpointError, ITEMS_PER_LINE, readCheckpoint,
} from '../../../shared/pipeline/stages/checkpoint-stream.ts';

async function* rechunked(chunks: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) for (let at = 0; at < chunk.length; at += size) yield chunk.subarray(at, at + size);
}

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const state = {
  version: 1,
  phase: 'observe',
  empty: { list: [], object: {} },
  shapes: [null, { count: 3, tail: [1, 2] }, null],
  sessions: { ids: Array.from({ length: 10_000 }, (_, i) => `s-${i}\nwith a newline and ünïcode`), scalars: Array.from({ length: 25_000 }, (_, i) => i / 7) },
  spill: [[3, [1, 2, 3]]],
  counter: { toJSON: () => ({ total: 42 }) },
  gone: undefined,
};

describe('streamed detection checkpoints', () => {
  it('round-trips nested state, empty containers and toJSON() values, read back in 7-byte chunks', async () => {
    const { header, state: read } = await readCheckpoint<{ resume: number }>(rechunked(checkpointBytes(checkpointLines({ resume: 7 }, state)), 7), 'cp');
    expect(header).toEqual({ resume: 7 });
    expect(read).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it('writes a big array as slices of at most ITEMS_PER_LINE items, one line each', () => {
    const lines = [...checkpointLines({}, { scalars: Array.from({ length: 3 * ITEMS_PER_LINE + 1 }, () => 1) })];
    const slices = lines.filter((line) => line.includes('"items"'));
    expect(slices).toHaveLength(4);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(ITEMS_PER_LINE * 3);
  });

  it('refuses a format-1 checkpoint (one JSON document) with a message that says to upload again', async () => {
    const old = JSON.stringify({ version: 1, runId: 'r', modelId: 'm', position: 10, phase: 'observe' });
    await expect(readCheckpoint(bytesOf(old), 'checkpoints/r/1.json')).rejects.toThrow(
      new CheckpointError('the checkpoint checkpoints/r/1.json was written by an older logsleuth (format 1), which this version cannot continue: upload the object again to start the run over'),
    );
  });

  it('names the damaged line of a cut checkpoint', async () => {
    const text = [...checkpointLines({}, state)].join('');
    const cut = text.slice(0, text.indexOf('"scalars"') + 40);
    await expect(readCheckpoint(bytesOf(cut), 'cp')).rejects.toThrow(/the checkpoint cp is damaged at line \d+ \(not JSON\)/);
  });
});
