import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../shared/ingest/byte-reader.ts';
import { jsonArrayElements } from '../../../shared/ingest/json-array.ts';
import { jsonValues } from '../../../shared/ingest/json-values.ts';

/** A reader over `content` in chunks of `size` bytes (1 splits every multi-byte character and token). */
function readerOf(content: string | Uint8Array, size: number): ByteReader {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return new ByteReader((async function* () {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  })());
}

interface Read {
  values: unknown[];
  broken: [number, string][];
}

async function values(content: string | Uint8Array, size: number, maxValueBytes?: number): Promise<Read> {
  const broken: [number, string][] = [];
  const out: unknown[] = [];
  for await (const value of jsonValues(readerOf(content, size), (at, reason) => broken.push([at, reason]), maxValueBytes)) out.push(value);
  return { values: out, broken };
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

const SIZES = [1, 3, 7, 4096];

describe('jsonValues', () => {
  it.each(SIZES)('reads objects back to back, with braces, quotes and escapes inside strings (chunks of %i)', async (size) => {
    const text = '{"a":"}{"}{"b":"say \\"hi\\" \\\\"}{"c":[1,{"d":"]"}],"é":"ü€"}';
    expect(await values(text, size)).toEqual({
      values: [{ a: '}{' }, { b: 'say "hi" \\' }, { c: [1, { d: ']' }], é: 'ü€' }],
      broken: [],
    });
  });

  it.each(SIZES)('reads values separated by newlines and whitespace, arrays included (chunks of %i)', async (size) => {
    expect(await values('\n {"a":1}\r\n\n\t[1,2]\n{"b":{}}\n\n', size)).toEqual({ values: [{ a: 1 }, [1, 2], { b: {} }], broken: [] });
  });

  it.each(SIZES)('loses only a truncated object that is followed by a good one (chunks of %i)', async (size) => {
    const text = '{"logEvents":[{"message":"cut off he{"good":1}{"good":2}';
    expect(await values(text, size)).toEqual({
      values: [{ good: 1 }, { good: 2 }],
      broken: [[0, expect.any(String) as string]],
    });
  });

  it('does not take a complete sub-object of a broken value for a value', async () => {
    const text = '{"x":{"n":1},"y":"cut{"good":1}\n';
    expect((await values(text, 5)).values).toEqual([{ good: 1 }]);
  });

  it.each(SIZES)('reports a value the input ends inside of, at its first byte (chunks of %i)', async (size) => {
    expect(await values('{"a":1}\n{"b":[1,2', size)).toEqual({
      values: [{ a: 1 }],
      broken: [[8, 'truncated: the input ends inside this value']],
    });
  });

  it('finds a good value that starts inside an unterminated one at the end of the input', async () => {
    expect((await values('{"a":"never closed {"b":2}', 3)).values).toEqual([{ b: 2 }]);
  });

  it('reports a balanced value that is not JSON and goes on with the next', async () => {
    const read = await values('{"a":tru}{"b":1}', 2);
    expect(read.values).toEqual([{ b: 1 }]);
    expect(read.broken.map(([at]) => at)).toEqual([0]);
  });

  it('reports a run of bytes between values once, at its first byte', async () => {
    expect(await values('{"a":1}xyz 42 "s"{"b":2}', 4)).toEqual({
      values: [{ a: 1 }, { b: 2 }],
      broken: [[7, 'unexpected bytes between JSON values']],
    });
  });

  it('reports a second damaged stretch after a good value again', async () => {
    const read = await values('{"a":1}@{"b":2}#{"c":3}', 3);
    expect(read.values).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(read.broken.map(([at]) => at)).toEqual([7, 15]);
  });

  it.each(SIZES)('skips and reports a value over maxValueBytes, then reads on (chunks of %i)', async (size) => {
    const big = JSON.stringify({ blob: 'z'.repeat(200), nested: { s: '}' } });
    const read = await values(`{"a":1}${big}{"b":2}`, size, 64);
    expect(read.values).toEqual([{ a: 1 }, { b: 2 }]);
    expect(read.broken).toEqual([[7, 'value larger than 64 bytes; skipped']]);
  });

  it('counts byte offsets in bytes, after a byte order mark it skips', async () => {
    const text = '\uFEFF{"k":"é"}@{"b":2}';
    const read = await values(text, 2);
    expect(read.values).toEqual([{ k: 'é' }, { b: 2 }]);
    expect(read.broken).toEqual([[3 + bytes('{"k":"é"}'), 'unexpected bytes between JSON values']]);
  });

  it('yields nothing and reports nothing for empty or blank input', async () => {
    expect(await values('', 3)).toEqual({ values: [], broken: [] });
    expect(await values(' \n\n ', 3)).toEqual({ values: [], broken: [] });
  });

  it('keeps going over many broken stretches without losing the good values between them', async () => {
    const good = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i }));
    const text = good.map((g, i) => (i % 5 === 0 ? `{"cut":"${'{'.repeat(i % 7)}` : '') + g).join('');
    const read = await values(text, 9);
    expect(read.values).toEqual(good.map((_, i) => ({ i })));
  });
});

describe('jsonArrayElements under the Records key', () => {
  async function elements(text: string, size: number): Promise<{ items: unknown[]; error?: Error }> {
    const items: unknown[] = [];
    try {
      for await (const item of jsonArrayElements(readerOf(text, size), 'Records')) items.push(item);
    } catch (error) {
      return { items, error: error as Error };
    }
    return { items };
  }

  it.each(SIZES)('streams the elements of the top-level Records array, other keys ignored (chunks of %i)', async (size) => {
    const text = '\uFEFF{"version":"x","Records":[{"eventName":"GetObject"},{"eventName":"PutObject","n":[1,2]}],"tail":{"Records":[9]}}';
    expect(await elements(text, size)).toEqual({ items: [{ eventName: 'GetObject' }, { eventName: 'PutObject', n: [1, 2] }] });
  });

  it('does not pick a nested Records key', async () => {
    expect((await elements('{"x":{"Records":[1]},"Records":[2]}', 4)).items).toEqual([2]);
  });

  it('yields nothing for a document without Records', async () => {
    expect(await elements('{"awsAccountId":"123456789012","digestStartTime":"2024-05-14T09:00:00Z"}', 6)).toEqual({ items: [] });
  });

  it.each([1, 8, 4096])('yields every element before a break, then throws (chunks of %i)', async (size) => {
    const { items, error } = await elements('{"Records":[{"a":1},{"a":2},{"a":', size);
    expect(items).toEqual([{ a: 1 }, { a: 2 }]);
    expect(error).toBeInstanceOf(Error);
  });

  it('throws on a syntax error after yielding what came before', async () => {
    const { items, error } = await elements('{"Records":[{"a":1},{"a":}]}', 3);
    expect(items).toEqual([{ a: 1 }]);
    expect(error).toBeInstanceOf(Error);
  });
});
