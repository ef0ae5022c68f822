import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingestAll, jsonLines, makeTar, makeZip, memoryInput } from './helpers.ts';

const bigText = Array.from({ length: 3000 }, (_, i) => `request ${i} handled`).join('\n') + '\n';

describe('ingest: compression and archives', () => {
  it('gunzips by magic bytes even when the name says nothing about gzip', async () => {
    const input = memoryInput('app.log', gzipSync(jsonLines(3)), 5);

    const { records } = await ingestAll([input]);

    expect(records.map((r) => `${r.source}:${r.line}:${r.message}`)).toEqual(['app.log:1:line 1', 'app.log:2:line 2', 'app.log:3:line 3']);
  });

  it('reads concatenated gzip members as one stream', async () => {
    const input = memoryInput('app.log.gz', Buffer.concat([gzipSync('a\n'), gzipSync('b\n')]));

    const { records } = await ingestAll([input]);

    expect(records.map((r) => r.message)).toEqual(['a', 'b']);
  });

  it('reads every regular file of a tar in archive order, named archive!entry', async () => {
    const archive = await makeTar([
      { name: 'logs', content: '', type: 'directory' },
      { name: 'logs/b.log', content: 'b1\nb2\n' },
      { name: 'logs/a.jsonl', content: jsonLines(1) },
    ]);

    const { records } = await ingestAll([memoryInput('bundle.tar', archive, 300)]);

    expect(records.map((r) => `${r.source}:${r.line}:${r.message}`)).toEqual([
      'bundle.tar!logs/b.log:1:b1',
      'bundle.tar!logs/b.log:2:b2',
      'bundle.tar!logs/a.jsonl:1:line 1',
    ]);
  });

  it('reads a gzipped tar (.tar.gz / .tgz)', async () => {
    const archive = gzipSync(await makeTar([{ name: 'x.log', content: 'x1\n' }, { name: 'y.log', content: 'y1\n' }]));

    const { records } = await ingestAll([memoryInput('bundle.tgz', archive, 100)]);

    expect(records.map((r) => `${r.source}:${r.message}`)).toEqual(['bundle.tgz!x.log:x1', 'bundle.tgz!y.log:y1']);
  });

  it('reads a tar entry name longer than 100 characters', async () => {
    const name = `${'deep/'.repeat(30)}app.log`;
    const archive = await makeTar([{ name, content: 'hello\n' }]);

    const { records } = await ingestAll([memoryInput('long.tar', archive, 512)]);

    expect(records.map((r) => r.source)).toEqual([`long.tar!${name}`]);
  });

  it('reads every entry of a zip in order, deflated and stored', async () => {
    const archive = makeZip([
      { name: 'one.log', content: 'first\n' },
      { name: 'dir/', content: '', method: 0 },
      { name: 'dir/two.jsonl', content: jsonLines(2), method: 0 },
    ]);

    const { records, report } = await ingestAll([memoryInput('logs.zip', archive, 9)]);

    expect(records.map((r) => `${r.source}:${r.line}:${r.message}`)).toEqual([
      'logs.zip!one.log:1:first',
      'logs.zip!dir/two.jsonl:1:line 1',
      'logs.zip!dir/two.jsonl:2:line 2',
    ]);
    expect(report.problemCount).toBe(0);
  });

  it('reads zip entries whose sizes come in a data descriptor after the data', async () => {
    const archive = makeZip([
      { name: 'a.log', content: bigText, descriptor: true },
      { name: 'b.log', content: 'last\n', descriptor: true },
    ]);

    const { records, report } = await ingestAll([memoryInput('stream.zip', archive, 1000)]);

    expect(records).toHaveLength(3001);
    expect(records.at(-1)).toEqual({ source: 'stream.zip!b.log', line: 1, message: 'last' });
    expect(report.problemCount).toBe(0);
  });

  it('reads a gzipped file inside a tar, named by the tar entry', async () => {
    const archive = await makeTar([{ name: 'app.log.gz', content: gzipSync('inner\n') }]);

    const { records } = await ingestAll([memoryInput('bundle.tar', archive, 4096)]);

    expect(records).toEqual([{ source: 'bundle.tar!app.log.gz', line: 1, message: 'inner' }]);
  });

  it('reports a zip with no files as empty', async () => {
    const { records, report } = await ingestAll([memoryInput('none.zip', makeZip([]))]);

    expect(records).toEqual([]);
    expect(report.problems).toEqual([{ kind: 'empty', source: 'none.zip', message: 'none.zip: the zip archive holds no files' }]);
  });
});

describe('ingest: damaged compression and archives keep what came before the damage', () => {
  it('keeps the records of a truncated gzip and reports the byte offset', async () => {
    const whole = gzipSync(bigText);
    const cut = whole.subarray(0, Math.floor(whole.length / 2));

    const { records, report } = await ingestAll([memoryInput('app.log.gz', cut, 512)]);

    expect(records.length).toBeGreaterThan(100);
    expect(records[0]!.message).toBe('request 0 handled');
    expect(report.counts.truncated).toBe(1);
    expect(report.problems.find((p) => p.kind === 'truncated')).toMatchObject({
      source: 'app.log.gz',
      byteOffset: cut.length,
      message: `app.log.gz: compressed data ends early at byte ${cut.length} (unexpected end of file); records before it were kept`,
    });
  });

  it('keeps the entries and the partial entry of a truncated tar', async () => {
    const archive = await makeTar([{ name: 'a.log', content: 'a1\n' }, { name: 'b.log', content: bigText }]);
    const cut = archive.subarray(0, 512 * 3 + 1000);

    const { records, report } = await ingestAll([memoryInput('cut.tar', cut, 700)]);

    expect(records[0]).toEqual({ source: 'cut.tar!a.log', line: 1, message: 'a1' });
    expect(records[1]).toEqual({ source: 'cut.tar!b.log', line: 1, message: 'request 0 handled' });
    expect(records.length).toBeGreaterThan(40);
    expect(report.problems.filter((p) => p.kind === 'truncated')).toEqual([{
      kind: 'truncated',
      source: 'cut.tar',
      byteOffset: cut.length,
      message: `cut.tar: the archive ends inside b.log (byte ${cut.length}); entries before it were read`,
    }]);
  });

  it('reports a truncated .tar.gz once, from the gzip layer', async () => {
    const whole = gzipSync(await makeTar([{ name: 'b.log', content: bigText }]));

    const { records, report } = await ingestAll([memoryInput('cut.tgz', whole.subarray(0, whole.length - 30), 400)]);

    expect(records.length).toBeGreaterThan(100);
    expect(report.counts.truncated).toBe(1);
    expect(report.problems[0]!.message).toMatch(/^cut\.tgz: compressed data ends early at byte \d+/);
  });

  it('keeps the entries and the partial entry of a truncated zip', async () => {
    const archive = makeZip([{ name: 'a.log', content: 'a1\n' }, { name: 'b.log', content: bigText, method: 0 }]);
    const cut = archive.subarray(0, 200);

    const { records, report } = await ingestAll([memoryInput('cut.zip', cut, 64)]);

    expect(records[0]).toEqual({ source: 'cut.zip!a.log', line: 1, message: 'a1' });
    expect(records[1]).toEqual({ source: 'cut.zip!b.log', line: 1, message: 'request 0 handled' });
    expect(report.counts.truncated).toBe(1);
    expect(report.problems[0]).toMatchObject({ kind: 'truncated', source: 'cut.zip', byteOffset: 200 });
    expect(report.problems[0]!.message).toBe('cut.zip: the archive ends inside b.log (byte 200); entries before it were read');
  });

  it('reports a zip cut inside deflated data', async () => {
    const archive = makeZip([{ name: 'b.log', content: bigText }]);
    const cut = archive.subarray(0, 2000);

    const { records, report } = await ingestAll([memoryInput('cut.zip', cut, 256)]);

    expect(records.length).toBeGreaterThan(0);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'truncated', message: 'cut.zip: the archive ends inside b.log (byte 2000); entries before it were read' })]);
  });
});
