import { describe, expect, it } from 'vitest';
import { LineChunker, type LineChunk } from '../../cli/parallel/line-chunks.ts';

const text = (chunk: LineChunk) => new TextDecoder().decode(chunk.bytes);

/** Feeds `input` in pieces of `pieceBytes` and returns every chunk, the last included. */
function chunksOf(input: string, targetBytes: number, pieceBytes = input.length, maxLineBytes = 1024): LineChunk[] {
  const bytes = new TextEncoder().encode(input);
  const chunker = new LineChunker(targetBytes, maxLineBytes);
  const out: LineChunk[] = [];
  for (let at = 0; at < bytes.length; at += pieceBytes) out.push(...chunker.push(bytes.subarray(at, at + pieceBytes)));
  out.push(chunker.end());
  return out;
}

describe('LineChunker', () => {
  it('cuts between two JSON lines once a chunk reaches its target size', () => {
    const chunks = chunksOf('{"a":1}\n{"a":2}\n{"a":3}\n', 8);
    expect(chunks.map(text)).toEqual(['{"a":1}\n', '{"a":2}\n', '{"a":3}\n']);
    expect(chunks.map((c) => c.firstLine)).toEqual([0, 1, 2]);
    expect(chunks.map((c) => c.last)).toEqual([false, false, true]);
  });

  it('never cuts before a line that is not JSON, so a traceback stays with its record', () => {
    const input = '{"a":1}\nTraceback (most recent call last):\n  File "x.py"\n{"a":2}\n{"a":3}\n';
    const chunks = chunksOf(input, 1);
    expect(chunks.map(text)).toEqual(['{"a":1}\nTraceback (most recent call last):\n  File "x.py"\n{"a":2}\n', '{"a":3}\n']);
    expect(chunks[1]!.firstLine).toBe(4);
  });

  it('never cuts after a line that is not JSON or is over the line limit', () => {
    const long = `{"m":"${'x'.repeat(40)}"}`;
    const chunks = chunksOf(`  indented\n{"a":1}\n${long}\n{"a":2}\n`, 1, 5, 20);
    expect(chunks.map(text)).toEqual(['  indented\n{"a":1}\n', `${long}\n{"a":2}\n`]);
  });

  it('decides a cut at the end of a piece by the first byte of the next piece', () => {
    const chunks = chunksOf('{"a":1}\n{"a":2}\nplain\n', 1, 8);
    expect(chunks.map(text)).toEqual(['{"a":1}\n', '{"a":2}\nplain\n']);
  });

  it('keeps the read boundaries inside a chunk, and the file end without a newline in the last chunk', () => {
    const chunks = chunksOf('{"a":1}\n{"b":2}\n{"c":3}', 100, 5);
    expect(chunks).toHaveLength(1);
    expect(text(chunks[0]!)).toBe('{"a":1}\n{"b":2}\n{"c":3}');
    expect([...chunks[0]!.ends]).toEqual([5, 10, 15, 20, 23]);
    expect(chunks[0]!.last).toBe(true);
  });

  it('counts blank lines for the next chunk\'s line numbers', () => {
    const chunks = chunksOf('{"a":1}\n\n\n{"a":2}\n{"a":3}\n', 12);
    expect(chunks.map(text)).toEqual(['{"a":1}\n\n\n{"a":2}\n', '{"a":3}\n']);
    expect(chunks[1]!.firstLine).toBe(4);
  });
});
