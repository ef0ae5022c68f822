/**
 * Finding where a line starts in the raw bytes of a plain object as ingest reads it, and carrying
 * the ingest problems of the part already read into a continuation.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IngestReport } from '../../../shared/ingest/report.ts';
import { carryInto, LineStarts, reportBefore } from '../../../shared/pipeline/stages/resume-point.ts';

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _chunk of stream);
}

/** Byte offsets of every line's start (index 0 = line 1). */
function lineStarts(text: Buffer): number[] {
  const starts = [0];
  for (let at = text.indexOf(10); at !== -1; at = text.indexOf(10, at + 1)) starts.push(at + 1);
  return starts;
}

const text = Buffer.from(['{"a":1}', '', '{"b":"ü"}', 'Traceback (most recent call last):', '  File "x.py"', '{"c":3}', '{"d":4}'].join('\n'));

describe('LineStarts', () => {
  it('tells the byte each line starts at, whatever the chunking', async () => {
    for (const size of [1, 3, 7, 1000]) {
      const lines = new LineStarts();
      await drain(lines.tap(chunks(text, size)));
      expect(lineStarts(text).map((_, i) => lines.offsetOf(i + 1))).toEqual(lineStarts(text));
    }
  });

  it('counts on from where a ranged read started', async () => {
    const from = lineStarts(text)[3]!;
    const lines = new LineStarts({ offset: from, line: 3 });
    await drain(lines.tap(chunks(text.subarray(from), 5)));
    expect([4, 5, 6, 7].map((line) => lines.offsetOf(line))).toEqual(lineStarts(text).slice(3));
  });

  it('forgets released lines', async () => {
    const lines = new LineStarts();
    await drain(lines.tap(chunks(text, 4)));
    lines.release(5);
    expect(lines.offsetOf(3)).toBeUndefined();
    expect(lines.offsetOf(6)).toBe(lineStarts(text)[5]);
  });

  it('keeps at most its byte budget, after which older lines are unknown', async () => {
    const lines = new LineStarts(undefined, 16);
    await drain(lines.tap(chunks(text, 8)));
    expect(lines.offsetOf(3)).toBeUndefined();
    expect(lines.offsetOf(7)).toBe(lineStarts(text)[6]);
  });

  it('says a gzip stream is not plain, and JSON lines are', async () => {
    const gz = new LineStarts();
    await drain(gz.tap(chunks(gzipSync(text), 100)));
    const plain = new LineStarts();
    await drain(plain.tap(chunks(text, 100)));
    expect([gz.plain, plain.plain]).toEqual([false, true]);
  });
});

describe('carried ingest problems', () => {
  it('keeps the problems before the continuation line and adds them to the next report', () => {
    const report = new IngestReport();
    report.add({ kind: 'malformed', source: 'f', line: 3, message: 'line 3' });
    report.add({ kind: 'malformed', source: 'f', line: 9, message: 'line 9' });
    report.add({ kind: 'unreadable', source: 'f', byteOffset: 5, message: 'io' });
    report.note('read as plain text');
    const carried = reportBefore(report, 9);

    const next = new IngestReport();
    carryInto(next, carried);
    next.add({ kind: 'malformed', source: 'f', line: 9, message: 'line 9' });
    expect(next.counts.malformed).toBe(2);
    expect(next.counts.unreadable).toBe(1);
    expect(next.problems.map((p) => p.message)).toEqual(['line 3', 'io', 'line 9']);
    expect(next.notes).toEqual(['read as plain text']);
  });
});
