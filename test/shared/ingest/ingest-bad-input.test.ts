import { describe, expect, it } from 'vitest';
import type { InputObject } from '../../../shared/ingest/input.ts';
import { failingInput, ingestAll, memoryInput } from './helpers.ts';

describe('ingest: bad input loses nothing and never throws', () => {
  it('strips CRLF line endings', async () => {
    const { records } = await ingestAll([memoryInput('win.log', 'one\r\ntwo\r\n', 4)]);

    expect(records.map((r) => r.message)).toEqual(['one', 'two']);
  });

  it('strips a UTF-8 byte order mark before JSON detection and parsing', async () => {
    const { records, report } = await ingestAll([memoryInput('bom.jsonl', '\uFEFF{"msg":"a"}\n{"msg":"b"}\n')]);

    expect(records.map((r) => r.message)).toEqual(['a', 'b']);
    expect(report.problemCount).toBe(0);
  });

  it('skips blank and whitespace-only lines without counting them as records, keeping line numbers', async () => {
    const { records } = await ingestAll([memoryInput('gaps.log', '\nfirst\n\n   \t\nsecond\n\n')]);

    expect(records.map((r) => `${r.line}:${r.message}`)).toEqual(['2:first', '5:second']);
  });

  it('keeps a line with invalid UTF-8, replacing the bytes, and reports its line', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from(' bytes\nok again\n')]);

    const { records, report } = await ingestAll([memoryInput('latin.log', bytes, 1024)]);

    expect(records.map((r) => r.message)).toEqual(['ok', 'bad \uFFFD\uFFFD bytes', 'ok again']);
    expect(report.problems).toEqual([{
      kind: 'invalid-utf8', source: 'latin.log', line: 2, message: 'latin.log:2: invalid UTF-8 bytes replaced with U+FFFD; line kept',
    }]);
  });

  it('does not report a genuine U+FFFD character as invalid UTF-8', async () => {
    const { report } = await ingestAll([memoryInput('ok.log', 'already replaced \uFFFD here\n', 1024)]);

    expect(report.counts['invalid-utf8']).toBe(0);
  });

  it('keeps a multi-byte character split across chunks intact', async () => {
    const { records, report } = await ingestAll([memoryInput('utf8.log', 'naïve café — 日本\n', 1)]);

    expect(records[0]!.message).toBe('naïve café — 日本');
    expect(report.problemCount).toBe(0);
  });

  it('skips malformed JSON lines with their line number and reason and reads the rest', async () => {
    const text = '{"msg":"a"}\n{"msg":"b"}\n{"msg": }\n{"msg":"c"}\n{"msg":"d"}\n';

    const { records, report } = await ingestAll([memoryInput('app.jsonl', text)]);

    expect(records.map((r) => `${r.line}:${r.message}`)).toEqual(['1:a', '2:b', '4:c', '5:d']);
    expect(report.counts.malformed).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'malformed', source: 'app.jsonl', line: 3 });
    expect(report.problems[0]!.message).toMatch(/^app\.jsonl:3: not valid JSON \(.+\); line skipped$/);
  });

  it('skips a line over maxLineBytes without holding it, then carries on', async () => {
    const long = 'x'.repeat(5000);

    const { records, report } = await ingestAll([memoryInput('long.log', `short\n${long}\nafter\n`, 100)], { maxLineBytes: 1024 });

    expect(records.map((r) => `${r.line}:${r.message}`)).toEqual(['1:short', '3:after']);
    expect(report.problems).toEqual([{
      kind: 'too-long', source: 'long.log', line: 2, message: 'long.log:2: line of 4.9 KiB is over the 1 KiB limit; line skipped',
    }]);
  });

  it('skips a too-long line that arrives inside one chunk', async () => {
    const { records, report } = await ingestAll([memoryInput('long.log', `a\n${'y'.repeat(300)}\nb\n`, 10_000)], { maxLineBytes: 100 });

    expect(records.map((r) => r.message)).toEqual(['a', 'b']);
    expect(report.problems[0]).toMatchObject({ kind: 'too-long', line: 2 });
  });

  it('skips a too-long last line without a newline', async () => {
    const { records, report } = await ingestAll([memoryInput('long.log', `a\n${'z'.repeat(300)}`, 16)], { maxLineBytes: 100 });

    expect(records.map((r) => r.message)).toEqual(['a']);
    expect(report.problems[0]).toMatchObject({ kind: 'too-long', line: 2 });
  });

  it('skips a line over the default 1 MiB limit', async () => {
    const { records, report } = await ingestAll([memoryInput('huge.log', `${'q'.repeat(1024 * 1024 + 1)}\nend\n`, 64 * 1024)]);

    expect(records.map((r) => r.message)).toEqual(['end']);
    expect(report.counts['too-long']).toBe(1);
  });

  it('says plainly that an empty file is empty', async () => {
    const { records, report } = await ingestAll([memoryInput('empty.log', '')]);

    expect(records).toEqual([]);
    expect(report.problems).toEqual([{ kind: 'empty', source: 'empty.log', message: 'empty.log: empty (0 bytes); nothing to read' }]);
  });

  it('reports a file of blank lines as empty', async () => {
    const { report } = await ingestAll([memoryInput('blank.log', '\n\n  \n')]);

    expect(report.problems).toEqual([{ kind: 'empty', source: 'blank.log', message: 'blank.log: only blank lines; no records' }]);
  });

  it('reports binary junk as not a log file, with the reason', async () => {
    const junk = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x41, 0x42]);

    const { records, report } = await ingestAll([memoryInput('a.out', junk)]);

    expect(records).toEqual([]);
    expect(report.problems).toEqual([{ kind: 'binary', source: 'a.out', message: 'a.out: not a log file (58% NUL and control bytes in the first 12 bytes); skipped' }]);
  });

  it('names unsupported compression instead of reading it as text', async () => {
    const { report } = await ingestAll([memoryInput('app.log.bz2', Buffer.from('BZh91AY&SY junk'))]);

    expect(report.problems[0]!.message).toBe('app.log.bz2: not a log file (bzip2-compressed, which is not supported; decompress it first); skipped');
  });

  it('keeps the records read before a read error and reports it as unreadable', async () => {
    const input = failingInput('flaky.log', 'one\ntwo\n', new Error('connection reset'));

    const { records, report } = await ingestAll([input, memoryInput('next.log', 'three\n')]);

    expect(records.map((r) => r.message)).toEqual(['one', 'two', 'three']);
    expect(report.problems).toEqual([{
      kind: 'unreadable', source: 'flaky.log', byteOffset: 8, message: 'flaky.log: reading failed after 8 B (connection reset); records before it were kept',
    }]);
  });

  it('reports an input that cannot be opened and carries on with the next', async () => {
    const broken: InputObject = { name: 'locked.log', open: () => Promise.reject(new Error('EACCES: permission denied')) };

    const { records, report } = await ingestAll([broken, memoryInput('next.log', 'ok\n')]);

    expect(records.map((r) => r.message)).toEqual(['ok']);
    expect(report.sourcesFailed).toBe(1);
    expect(report.problems).toEqual([{ kind: 'unreadable', source: 'locked.log', message: 'locked.log: cannot be read (EACCES: permission denied); skipped' }]);
  });

  it('keeps the elements of a JSON array that is cut off', async () => {
    const { records, report } = await ingestAll([memoryInput('cut.json', '[{"msg":"a"},{"msg":"b"},{"ms')]);

    expect(records.map((r) => r.message)).toEqual(['a', 'b']);
    expect(report.problems[0]).toMatchObject({ kind: 'malformed', source: 'cut.json', line: 3 });
  });

  it('counts every problem but keeps only the first few of each kind', async () => {
    const text = '{"msg":"ok"}\n{"msg":"ok"}\n{"msg": }\n'.repeat(30);

    const { report } = await ingestAll([memoryInput('bad.jsonl', text, 4096)]);

    expect(report.counts.malformed).toBe(30);
    expect(report.problemsOf('malformed')).toHaveLength(20);
  });
});
