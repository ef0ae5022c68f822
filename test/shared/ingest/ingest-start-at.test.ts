/**
 * Ingest started in the middle of a plain file, at an event's first line (a detection continued with
 * a ranged read): the records are exactly the tail of a read from the start, numbered the same.
 */
import { describe, expect, it } from 'vitest';
import { canStartMidFile } from '../../../shared/ingest/ingest.ts';
import { ingestAll, memoryInput } from './helpers.ts';

const jsonLines = Array.from({ length: 40 }, (_, i) => [
  JSON.stringify({ level: i % 9 === 0 ? 'error' : 'info', message: `request ${i} took ${i * 3} ms`, request_id: `r-${i % 4}` }),
  ...(i % 9 === 0 ? ['Traceback (most recent call last):', '  File "app.py", line 3, in <module>', 'ValueError: bad'] : []),
  ...(i % 5 === 0 ? [''] : []),
]).flat().join('\n');

const plainText = Array.from({ length: 30 }, (_, i) => [
  `worker ${i} handled job ${i * 7}`,
  ...(i % 4 === 0 ? ['java.lang.IllegalStateException: boom', '\tat com.x.Worker.run(Worker.java:12)'] : []),
]).flat().join('\n');

/** Byte offset of the start of 1-based `line`. */
function offsetOfLine(text: string, line: number): number {
  let at = 0;
  for (let n = 1; n < line; n++) at = text.indexOf('\n', at) + 1;
  return Buffer.byteLength(text.slice(0, at));
}

async function tailFrom(text: string, format: string, index: number) {
  const whole = await ingestAll([memoryInput('app.log', text)], { batchSize: 7 });
  const first = whole.records[index]!;
  const rest = Buffer.from(text).subarray(offsetOfLine(text, first.line));
  const tail = await ingestAll([memoryInput('app.log', rest, 11)], { batchSize: 7, startAt: { line: first.line - 1, format } });
  return { expected: whole.records.slice(index), actual: tail.records, format: [...whole.report.formats.keys()] };
}

describe('ingest from an event start in the middle of a file', () => {
  it('gives the tail of JSON lines with tracebacks folded in, line numbers continued', async () => {
    for (const index of [1, 9, 10, 25]) {
      const { expected, actual, format } = await tailFrom(jsonLines, 'json-lines', index);
      expect(format).toEqual(['json-lines']);
      expect(actual).toEqual(expected);
    }
  });

  it('gives the tail of plain text with stack traces folded in', async () => {
    const { expected, actual, format } = await tailFrom(plainText, 'plain text', 8);
    expect(format).toEqual(['plain text']);
    expect(actual).toEqual(expected);
  });

  it('refuses formats that keep state across lines or are not line-framed', async () => {
    expect(['json-lines', 'plain text', 'alb'].map(canStartMidFile)).toEqual([true, true, true]);
    expect(['cloudtrail', 'docker-json', 'syslog', 'json-array'].map(canStartMidFile)).toEqual([false, false, false, false]);
    await expect(ingestAll([memoryInput('a.json', '{}')], { startAt: { line: 3, format: 'cloudtrail' } })).rejects.toThrow('cannot start in the middle of a cloudtrail file');
  });
});
