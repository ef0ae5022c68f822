/** `logsleuth templates` end to end: the real command in a child process on files written here. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsleuth, STACK_LINE, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
const path = (name: string) => join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterAll(async () => {
  await cleanup();
});

/** The table's data rows (between the header and the blank line before the summary). */
function tableRows(stdout: string): string[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('count'));
  const end = lines.indexOf('', header);
  return lines.slice(header + 1, end);
}

describe('logsleuth templates', () => {
  it('prints the templates sorted by count and a summary line with records, malformed, templates and MB/s', async () => {
    const lines = [
      ...Array.from({ length: 2 }, (_, i) => `Shutting down worker ${i + 1}`),
      ...Array.from({ length: 7 }, (_, i) => `User ${100 + i * 37} logged in`),
      ...Array.from({ length: 4 }, (_, i) => `Cache flushed in ${3 + i} ms`),
    ];
    await writeFile(path('counts.log'), `${lines.join('\n')}\n`);

    const run = await logsleuth(['templates', path('counts.log')]);

    expect(run.code).toBe(0);
    const rows = tableRows(run.stdout);
    expect(rows.map((row) => Number(row.trim().split(/\s+/)[0]))).toEqual([7, 4, 2]);
    expect(rows[0]).toContain('User {num} logged in');
    expect(rows[1]).toContain('Cache flushed in {num} ms');
    expect(run.stdout).toMatch(/13 records, 0 malformed, 3 templates, .*MB\/s/);
  });

  it('with --jsonl prints one object per record in input order, each with its cluster\'s final template', async () => {
    // The slot only becomes a variable once several different words were seen (after line 1 was assigned).
    const workers = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const lines = [...workers.map((w) => `Worker ${w} started task compile`), 'Disk full on node 7'];
    await writeFile(path('generalise.log'), `${lines.join('\n')}\n`);

    const run = await logsleuth(['templates', path('generalise.log'), '--jsonl']);

    expect(run.code).toBe(0);
    const objects = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; line: number; templateId: string; template: string });
    expect(objects.map((o) => o.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(objects.every((o) => o.source === path('generalise.log'))).toBe(true);
    const workerObjects = objects.slice(0, 6);
    expect(new Set(workerObjects.map((o) => o.templateId)).size).toBe(1);
    expect(new Set(workerObjects.map((o) => o.template)).size).toBe(1);
    expect(objects[0]!.template).toMatch(/^Worker \S+ started task compile$/);
    expect(objects[0]!.template).not.toContain('alpha');
    expect(objects[6]!.templateId).not.toBe(objects[0]!.templateId);
  });

  it('with --format mines the message part of a loghub-style text file and keeps a non-matching first line', async () => {
    const lines = [
      'this line has no header at all',
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      '081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating',
      '081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864',
      '081109 204106 329 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_-6670958622368987959 terminating',
      // Not a header: it continues the event before it, so it is not a record of its own.
      '\tat org.apache.hadoop.dfs.DataNode.run(DataNode.java:2000)',
    ];
    await writeFile(path('hdfs.log'), `${lines.join('\n')}\n`);

    const run = await logsleuth(['templates', path('hdfs.log'), '--format', '<Date> <Time> <Pid> <Level> <Component>: <Content>', '--jsonl']);

    expect(run.code).toBe(0);
    const objects = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; templateId: string; template: string });
    expect(objects).toHaveLength(5);
    const responder = [objects[1]!, objects[2]!, objects[4]!];
    expect(new Set(responder.map((o) => o.templateId)).size).toBe(1);
    // The header (date, time, pid, level, component) is not part of the template.
    expect(responder[0]!.template.startsWith('PacketResponder ')).toBe(true);
    expect(objects[3]!.template.startsWith('BLOCK* NameSystem.addStoredBlock')).toBe(true);
    expect(objects[0]!.template).toBe('this line has no header at all');
    expect(run.stderr).toContain(`${path('hdfs.log')}:1:`);
  });

  it('reports each malformed JSON line with its line number (the first 20, then how many more), analyses the rest and exits 0', async () => {
    const lines = Array.from({ length: 90 }, (_, i) => ((i + 1) % 3 === 0 ? `{"msg": "broken ${i + 1}` : JSON.stringify({ msg: `Job ${i + 1} finished`, level: 'info' })));
    await writeFile(path('malformed.jsonl'), `${lines.join('\n')}\n`);

    const run = await logsleuth(['templates', path('malformed.jsonl')]);

    expect(run.code).toBe(0);
    const problemLines = run.stderr.trim().split('\n');
    const reported = problemLines.filter((l) => l.startsWith(`${path('malformed.jsonl')}:`));
    // Every third line is malformed (3, 6, … 90: 30 of them); the first 20 are shown.
    expect(reported.map((l) => Number(l.slice(path('malformed.jsonl').length + 1).split(':')[0]))).toEqual(Array.from({ length: 20 }, (_, i) => 3 * (i + 1)));
    expect(reported.every((l) => l.split(path('malformed.jsonl')).length === 2)).toBe(true);
    expect(problemLines.some((l) => /… and 10 more malformed/.test(l))).toBe(true);
    expect(run.stdout).toMatch(/60 records, 30 malformed, 1 templates/);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('exits non-zero with a readable line and no stack trace when its only path is missing', async () => {
    const missing = path('does-not-exist.log');

    const run = await logsleuth(['templates', missing]);

    expect(run.code).not.toBe(0);
    const aboutPath = run.stderr.split('\n').filter((l) => l.includes(missing));
    expect(aboutPath).toHaveLength(1);
    expect(aboutPath[0]).toMatch(/no such file/);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stdout).toBe('');
  });

  it('goes on with the readable path, reports the missing one and exits 0', async () => {
    await writeFile(path('good.log'), 'User 1 logged in\nUser 2 logged in\n');
    const missing = path('gone.log');

    const run = await logsleuth(['templates', missing, path('good.log')]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(missing);
    expect(run.stdout).toMatch(/2 records, 0 malformed, 1 templates/);
  });

  it('says a binary file is not a log file and exits non-zero when nothing else was given', async () => {
    const junk = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + (i >> 3)) % 256));
    await writeFile(path('junk.bin'), junk);

    const run = await logsleuth(['templates', path('junk.bin')]);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${path('junk.bin')}: not a log file`);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('says plainly that an empty file holds no records and exits 0', async () => {
    await writeFile(path('empty.log'), '');

    const run = await logsleuth(['templates', path('empty.log')]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${path('empty.log')}: empty`);
    expect(run.stdout).toMatch(/^0 records, 0 malformed, 0 templates/m);
    expect(run.stdout).toContain('no log records');
  });

  it('explains itself with --help', async () => {
    const top = await logsleuth(['--help']);
    const sub = await logsleuth(['templates', '--help']);

    expect(top.code).toBe(0);
    for (const command of ['analyze', 'train', 'detect', 'templates']) expect(top.stdout).toMatch(new RegExp(`^\\s+${command} `, 'm'));
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--jsonl');
    expect(sub.stdout).toContain('--format');
  });
});
