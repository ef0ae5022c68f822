import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileInput, fsInputs } from '../../../cli/adapters/fs-input.ts';
import { IngestReport } from '../../../shared/ingest/report.ts';
import { ingestAll } from '../../shared/ingest/helpers.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logsleuth-fs-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function names(paths: string[], report = new IngestReport()): Promise<string[]> {
  const found: string[] = [];
  for await (const input of fsInputs(paths, report)) found.push(input.name);
  return found;
}

describe('fsInputs', () => {
  it('walks directories recursively in sorted order', async () => {
    await mkdir(join(dir, 'b'));
    await mkdir(join(dir, 'a'));
    await writeFile(join(dir, 'b', '2.log'), 'x\n');
    await writeFile(join(dir, 'b', '10.log'), 'x\n');
    await writeFile(join(dir, 'a', 'z.log'), 'x\n');
    await writeFile(join(dir, 'top.log'), 'x\n');

    const found = await names([dir]);

    expect(found.map((name) => name.slice(dir.length + 1))).toEqual(['a/z.log', 'b/10.log', 'b/2.log', 'top.log']);
  });

  it('keeps the order of the paths it is given', async () => {
    await writeFile(join(dir, 'b.log'), 'x\n');
    await writeFile(join(dir, 'a.log'), 'x\n');

    const found = await names([join(dir, 'b.log'), join(dir, 'a.log')]);

    expect(found).toEqual([join(dir, 'b.log'), join(dir, 'a.log')]);
  });

  it('reports a missing path and goes on with the next', async () => {
    await writeFile(join(dir, 'a.log'), 'x\n');
    const report = new IngestReport();
    const missing = join(dir, 'nope.log');

    const found = await names([missing, join(dir, 'a.log')], report);

    expect(found).toEqual([join(dir, 'a.log')]);
    expect(report.sourcesFailed).toBe(1);
    expect(report.problems).toEqual([{ kind: 'missing', source: missing, message: `${missing}: no such file or directory; check the path` }]);
  });

  it('reports a path that cannot be resolved as unreadable', async () => {
    const loop = join(dir, 'loop');
    await symlink(loop, loop);
    const report = new IngestReport();

    await names([loop], report);

    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unreadable', source: loop })]);
    expect(report.problems[0]!.message).toMatch(/^.+loop: cannot be read \(ELOOP.*\); skipped$/);
  });

  it('does not walk a directory twice through a symlink cycle', async () => {
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'a.log'), 'x\n');
    await symlink(join(dir, 'logs'), join(dir, 'logs', 'again'));

    const found = await names([join(dir, 'logs')]);

    expect(found).toEqual([join(dir, 'logs', 'a.log')]);
  });

  it('streams a file in chunks of the configured size', async () => {
    const path = join(dir, 'a.log');
    await writeFile(path, 'x'.repeat(10));
    const sizes: number[] = [];

    for await (const chunk of await fileInput(path, 10, 4).open()) sizes.push(chunk.length);

    expect(sizes).toEqual([4, 4, 2]);
  });

  it('feeds ingest end to end: sources are the paths, gzip is read by content', async () => {
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs', 'a.jsonl'), '{"msg":"from a","request_id":"r1"}\n');
    await writeFile(join(dir, 'logs', 'b.log'), gzipSync('from b\n'));
    const report = new IngestReport();

    const { records } = await ingestAll(fsInputs([join(dir, 'logs'), join(dir, 'missing')], report), {}, report);

    expect(records).toEqual([
      { source: join(dir, 'logs', 'a.jsonl'), line: 1, message: 'from a', sessionId: 'r1' },
      { source: join(dir, 'logs', 'b.log'), line: 1, message: 'from b' },
    ]);
    expect(report.counts.missing).toBe(1);
    expect(report.sourcesRead).toBe(2);
  });
});
