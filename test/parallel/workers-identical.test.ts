/**
 * `--workers N` must not change the result: `analyze --json` with 2 and 3 workers gives the same
 * bytes as with 1 (apart from the run's duration). The CLI runs from its sources so the workers run
 * cli/parallel/worker.ts itself; tiny chunks make every file many chunks, and `--debug` proves the
 * workers did read them.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../cli/helpers.ts';

const FROM_SOURCE = join(ROOT, 'test', 'parallel', 'cli-from-source.ts');
const BASELINE = join(ROOT, 'events', 'logs', 'baseline.jsonl');
const INCIDENT = join(ROOT, 'events', 'logs', 'incident.jsonl');
const CHUNK_BYTES = '8192';

interface Run { code: number; stdout: string; stderr: string }

function analyze(inputs: string[], workers: number): Promise<Run> {
  const args = ['--import', 'tsx', FROM_SOURCE, 'analyze', ...inputs, '--baseline', BASELINE, '--json', '--no-store', '--debug',
    '--workers', String(workers), '--chunk-size', CHUNK_BYTES];
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The printed JSON without the run's duration, the only field that may differ. */
function withoutTiming(stdout: string): string {
  return stdout.replace(/^ {2}"seconds": [\d.]+,\n/m, '');
}

/** Runs with 1, 2 and 3 workers; returns the JSON of one worker after checking the others equal it. */
async function expectSameWithAnyWorkers(inputs: string[], files: number): Promise<string> {
  const one = await analyze(inputs, 1);
  expect(one.code, one.stderr).toBe(0);
  for (const workers of [2, 3]) {
    const many = await analyze(inputs, workers);
    expect(many.code, many.stderr).toBe(0);
    const said = new RegExp(`debug: detection: ${workers} workers read ${files} JSON-lines file\\(s\\) in (\\d+) chunk\\(s\\)`).exec(many.stderr);
    expect(said, many.stderr).not.toBeNull();
    expect(Number(said![1])).toBeGreaterThan(files * 4);
    expect(withoutTiming(many.stdout)).toBe(withoutTiming(one.stdout));
  }
  return withoutTiming(one.stdout);
}

/**
 * JSON lines with everything that carries state from line to line or makes problems: tracebacks
 * printed between records, an event over the 500-line cap, broken JSON (more than the 20 kept),
 * NaN, NUL bytes, invalid UTF-8, CRLF and blank lines.
 */
function awkwardJsonLines(lines: string[]): Buffer {
  const parts: Buffer[] = [];
  lines.forEach((line, i) => {
    parts.push(Buffer.from(`${line}${i % 97 === 0 ? '\r' : ''}\n`));
    if (i % 50 === 7) parts.push(Buffer.from('Traceback (most recent call last):\n  File "app.py", line 3, in <module>\nValueError: bad\n'));
    if (i % 61 === 3) parts.push(Buffer.from(`{"message": "broken line ${i}", "level": \n`));
    if (i % 333 === 5) parts.push(Buffer.from(`{"message": "ratio NaN ${i}", "ratio": NaN}\n\n`));
    if (i % 401 === 9) parts.push(Buffer.from(`{"message": "nul \u0000 inside ${i}"}\n`));
    if (i % 457 === 11) parts.push(Buffer.concat([Buffer.from('{"message": "bad bytes '), Buffer.from([0xff, 0xfe]), Buffer.from(`${i}"}\n`)]));
    if (i === 1500) parts.push(Buffer.from(Array.from({ length: 620 }, (_, k) => `    at frame${k} (file.js:${k}:1)\n`).join('')));
  });
  return Buffer.concat(parts);
}

/**
 * A few broken lines, all kept in the report, in the last chunks before a cut: they are still being
 * read on the workers when the read error is met, yet must be listed before it.
 */
function brokenNearTheEnd(lines: string[]): Buffer {
  return Buffer.from(lines.map((line, i) => (i >= 850 && i % 10 === 3 ? `${line}\n{"message": "broken line ${i}", "level": \n` : `${line}\n`)).join(''));
}

/** A gzip stream cut in its last few per cent: the file's last line is cut too. */
function cutShort(gzip: Buffer): Buffer {
  return gzip.subarray(0, Math.floor(gzip.length * 0.97));
}

describe('analyze --workers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let awkward: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const incident = await readFile(INCIDENT);
    const lines = incident.toString('utf8').split('\n').filter((line) => line.length > 0).slice(0, 4000);
    awkward = join(dir, 'awkward.jsonl');
    await writeFile(awkward, awkwardJsonLines(lines));
    await writeFile(join(dir, 'incident.jsonl.gz'), gzipSync(incident));
    await writeFile(join(dir, 'cut.jsonl.gz'), cutShort(gzipSync(brokenNearTheEnd(lines.slice(0, 1000)))));
    const many = join(dir, 'many');
    await mkdir(many);
    await writeFile(join(many, 'a-awkward.jsonl'), await readFile(awkward));
    await writeFile(join(many, 'b-incident.jsonl.gz'), gzipSync(incident));
    await writeFile(join(many, 'c-app.log'), 'ERROR request failed\njava.lang.IllegalStateException: boom\n\tat com.acme.Api.call(Api.java:42)\nINFO request ok\n');
    await writeFile(join(many, 'd-tail.jsonl'), lines.slice(0, 300).join('\n'));
  });
  afterAll(async () => cleanup());

  it('finds the same anomalies in the sample incident with 1, 2 and 3 workers', async () => {
    const json = await expectSameWithAnyWorkers([INCIDENT], 1);
    expect(JSON.parse(json).anomalies.length).toBeGreaterThan(0);
  });

  it('reads a gzip file the same with any number of workers', async () => {
    const json = await expectSameWithAnyWorkers([join(dir, 'incident.jsonl.gz')], 1);
    expect(JSON.parse(json).records).toBe(10_153);
  });

  it('folds tracebacks and reports every problem the same with any number of workers', async () => {
    const result = JSON.parse(await expectSameWithAnyWorkers([awkward], 1));
    expect(result.problemCounts).toMatchObject({ malformed: 66, 'long-event': 1, 'nul-byte': 10, 'invalid-utf8': 9, 'bad-number': 12 });
    expect(result.problems.filter((p: { kind: string }) => p.kind === 'malformed')).toHaveLength(20);
  });

  it('puts the damage of a gzip file cut short where reading in one go puts it', async () => {
    const result = JSON.parse(await expectSameWithAnyWorkers([join(dir, 'cut.jsonl.gz')], 1));
    const kinds = result.problems.map((p: { kind: string }) => p.kind);
    // Read in one go: the broken lines before the cut, the cut, then the cut-off last line.
    expect(kinds.slice(-3)).toEqual(['malformed', 'truncated', 'malformed']);
  });

  it('reads several files of several formats the same with any number of workers', async () => {
    const result = JSON.parse(await expectSameWithAnyWorkers([join(dir, 'many')], 3));
    expect(result.inputs.read).toBe(4);
  });
});
