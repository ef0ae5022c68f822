import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ingestAll, jsonLines, makeTar, memoryInput } from '../shared/ingest/helpers.ts';

/** fs-input's chunk size: the CLI reads files 256 KiB at a time. */
const FILE_CHUNK = 256 * 1024;

/** A 60-byte line (59 characters and the newline). */
function line60(i: number): string {
  return `${JSON.stringify({ msg: `entry ${String(i).padStart(5, '0')}`, pad: 'x'.repeat(29) })}\n`;
}

describe('hostile input: ingest loses nothing a person could read', () => {
  it('reads every entry of a zip with 10,000 small deflated entries', async () => {
    expect(line60(1)).toHaveLength(60);
    const files: Record<string, Uint8Array> = {};
    for (let i = 1; i <= 10_000; i++) files[`logs/f${String(i).padStart(5, '0')}.log`] = Buffer.from(line60(i));
    const zip = zipSync(files, { level: 6 });

    const { records, report } = await ingestAll([memoryInput('many.zip', zip, FILE_CHUNK)]);

    expect(records).toHaveLength(10_000);
    expect(records.at(-1)).toMatchObject({ source: 'many.zip!logs/f10000.log', message: 'entry 10000' });
    expect(report.problemCount).toBe(0);
  });

  it('keeps JSON lines with a NUL byte in a string in the first 4 KiB, replaced and counted one by one', async () => {
    const lines = jsonLines(200).split('\n');
    for (const at of [1, 5, 9, 13]) lines[at] = `{"msg":"line ${at + 1} with a \u0000 in it"}`;
    const text = lines.join('\n');

    const { records, report } = await ingestAll([memoryInput('nul.jsonl', text, 4096)]);

    expect(records).toHaveLength(200);
    expect(records[1]!.message).toBe('line 2 with a \uFFFD in it');
    expect(report.counts['nul-byte']).toBe(4);
    expect(report.problemsOf('nul-byte').map((p) => p.line)).toEqual([2, 6, 10, 14]);
    expect(report.counts.binary).toBe(0);
  });

  it('reads the elements after a bad element of a top-level JSON array', async () => {
    const elements = Array.from({ length: 10 }, (_, i) => JSON.stringify({ msg: `event ${i + 1}` }));
    elements[4] = '{"msg": "event 5", oops}';
    const input = memoryInput('events.json', `[\n  ${elements.join(',\n  ')}\n]\n`);

    const { records, report } = await ingestAll([input]);

    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(records.at(-1)!.message).toBe('event 10');
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'malformed', source: 'events.json', line: 5 })]);
  });

  it('keeps records with NaN and Infinity values, leaving the values out and counting them', async () => {
    const jsonl = '{"msg":"ok","duration_ms":1}\n{"msg":"slow","duration_ms":NaN}\n{"msg":"fast, not NaN","duration_ms":-Infinity}\n';
    const array = '[{"msg":"a","ratio":Infinity},{"msg":"b","ratio":0.5}]';

    const { records, report } = await ingestAll([memoryInput('py.jsonl', jsonl), memoryInput('py.json', array)]);

    expect(records.map((r) => r.message)).toEqual(['ok', 'slow', 'fast, not NaN', 'a', 'b']);
    expect(records[0]!.durationMs).toBe(1);
    expect(records[2]!.durationMs).toBeUndefined();
    expect(report.counts['bad-number']).toBe(3);
    expect(report.problemsOf('bad-number').map((p) => [p.source, p.line])).toEqual([['py.jsonl', 2], ['py.jsonl', 3], ['py.json', 1]]);
    expect(report.counts.malformed).toBe(0);
  });

  it('counts a .tgz as one level of nesting, so a .tgz inside three zips is read', async () => {
    const tgz = gzipSync(await makeTar([{ name: 'app.log', content: jsonLines(3) }]));
    let archive: Uint8Array = tgz;
    let name = 'logs.tgz';
    for (const level of [3, 2, 1]) {
      archive = zipSync({ [name]: archive });
      name = `level${level}.zip`;
    }

    const { records, report } = await ingestAll([memoryInput('outer.zip', archive, 4096)]);

    expect(records.map((r) => r.source)).toEqual(Array(3).fill('outer.zip!level2.zip!level3.zip!logs.tgz!app.log'));
    expect(report.counts.binary).toBe(0);
  });

  it('decodes UTF-16 text with a byte order mark, little- and big-endian', async () => {
    const text = '{"msg":"héllo 世界","level":"warn"}\n{"msg":"second"}\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();

    const { records, report } = await ingestAll([memoryInput('le.jsonl', le), memoryInput('be.jsonl', be)]);

    expect(records.map((r) => [r.source, r.message])).toEqual([
      ['le.jsonl', 'héllo 世界'], ['le.jsonl', 'second'], ['be.jsonl', 'héllo 世界'], ['be.jsonl', 'second'],
    ]);
    expect(report.problemCount).toBe(0);
  });

  it('says so when a header format leaves <Content> empty on most lines', async () => {
    const text = Array.from({ length: 10 }, (_, i) => `2024-05-01 10:00:0${i} INFO `).join('\n');

    const { records, report } = await ingestAll([memoryInput('app.log', text)], { format: '<Date> <Time> <Level> <Content>' });

    expect(records).toHaveLength(10);
    expect(report.notes).toEqual([expect.stringMatching(/^app\.log: <Content> came out empty on 10 of 10 lines/)]);
  });
});
