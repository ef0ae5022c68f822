/**
 * Hostile and awkward options and files (issue 11, cases 7 and 9 to 13): a regex that backtracks,
 * an empty baseline, a FIFO and stdin as input, a store held by `serve`, a 2 KB session id, a
 * mistyped store path. The real command in a child process; every input is made here, at test time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logsleuth, ROOT, STACK_LINE, tempDir, writeSmallScenario } from '../cli/helpers.ts';

const BIN = join(ROOT, 'bin', 'logsleuth.js');
const BASELINE = join(ROOT, 'events/logs/baseline.jsonl');
const INCIDENT = join(ROOT, 'events/logs/incident.jsonl');

let dir: string;
let cleanup: () => Promise<void>;
let small: string;
const path = (name: string) => join(dir, name);
const children = new Set<ChildProcess>();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  small = await writeSmallScenario(dir);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await cleanup();
});

interface Run { code: number | null; stdout: string; stderr: string; timedOut: boolean; ms: number }

/** Runs `logsleuth ...args`, killed after `timeoutMs` (a hang is a failure, not a stuck suite); `stdin` is piped in. */
function run(args: string[], options: { timeoutMs: number; stdin?: string; cwd?: string }): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      done({ code, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

/** Starts `logsleuth serve` and resolves once it listens; the caller stops it by its pid. */
function serve(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${output}`)), 30_000);
    const seen = () => {
      if (/dashboard and API on/.test(output)) {
        clearTimeout(timer);
        done({ child, output: () => output });
      }
    };
    child.stdout!.on('data', (chunk) => ((output += chunk), seen()));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('close', () => {
      clearTimeout(timer);
      children.delete(child);
      fail(new Error(`serve exited: ${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('close', () => done());
    child.kill('SIGTERM');
  });
}

interface Result { runId: string; records: number; anomalies: { type: string; context: { sessionId?: string } }[]; problems: { kind: string; message: string }[]; stored?: { created: boolean }; notStored?: string }

describe('hostile options and files', () => {
  it.concurrent('7: a session regex that backtracks exponentially (--session-regex "(a+)+$" on 50 a then b) finishes at once', async () => {
    const lines = path('aaa.log');
    await writeFile(lines, `${Array.from({ length: 20 }, (_, i) => `${'a'.repeat(50)}b worker ${i} started`).join('\n')}\n`);

    const result = await run(['analyze', lines, '--session-regex', '(a+)+$', '--no-store', '--json'], { timeoutMs: 20_000 });

    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Result).records).toBe(20);
  });

  it.concurrent('7: a header format (--format) on lines it almost matches finishes at once, and still splits the lines it matches', async () => {
    const lines = path('almost.log');
    const almost = `${'a '.repeat(5000)}x`;
    await writeFile(lines, `${Array.from({ length: 5 }, () => almost).join('\n')}\n1 2 3 4 5: worker started\n`);

    const result = await run(['analyze', lines, '--format', '<A> <B> <C> <D> <E>: <Content>', '--no-store', '--json'], { timeoutMs: 20_000 });

    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"format": 1');
  });

  it.concurrent('7: a session regex that needs backtracking (a back-reference) is refused up front with the reason, and group 1 still names the session', async () => {
    const refused = await run(['analyze', small, '--session-regex', '(req)-\\1', '--no-store'], { timeoutMs: 20_000 });
    const grouped = await run(['analyze', small, '--session-regex', 'for user (u-\\d+)', '--no-store', '--json'], { timeoutMs: 60_000 });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--session-regex: .*cannot run in linear time.*back-references and lookaround/);
    expect(refused.stderr).not.toMatch(STACK_LINE);
    expect(grouped.code).toBe(0);
  });

  it.concurrent('9: an empty baseline fails the run (exit 1), and with --json the problem is in the JSON too', async () => {
    const empty = path('empty-baseline.log');
    await writeFile(empty, '');

    const result = await run(['analyze', small, '--baseline', empty, '--no-store', '--json'], { timeoutMs: 60_000 });

    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as Result;
    expect(json.problems).toContainEqual(expect.objectContaining({ kind: 'empty', message: expect.stringMatching(/baseline .* holds no log records/) }));
    expect(json.anomalies).toEqual([]);
    expect(result.stderr).toMatch(/holds no log records/);
  });

  it.concurrent('10: a FIFO as input is read once (spooled), so analyze finishes instead of waiting for ever', async () => {
    const fifo = path('input.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', small, fifo], { stdio: 'ignore' });
    children.add(writer);
    writer.on('close', () => children.delete(writer));
    const lines = (await readFile(small, 'utf8')).trim().split('\n').length;

    const result = await run(['analyze', fifo, '--baseline', BASELINE, '--no-store', '--json'], { timeoutMs: 60_000 });

    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Result).records).toBe(lines);
  });

  it.concurrent('10: "-" reads the logs from standard input (kubectl logs … | logsleuth analyze - --baseline …), and the spool file is removed at exit', async () => {
    const text = await readFile(small, 'utf8');
    const spools = () => execFileSync('sh', ['-c', `ls "${process.env.TMPDIR ?? '/tmp'}" | grep -c logsleuth-spool- || true`]).toString().trim();
    const before = spools();

    const piped = await run(['analyze', '-', '--baseline', BASELINE, '--no-store', '--json'], { timeoutMs: 60_000, stdin: text });
    const selfTrained = await run(['analyze', '-', '--no-store', '--json'], { timeoutMs: 60_000, stdin: text });

    expect(piped.code).toBe(0);
    expect((JSON.parse(piped.stdout) as Result).records).toBe(text.trim().split('\n').length);
    // Trained on the input itself: stdin is read by training and by detection, from one copy.
    expect(selfTrained.code).toBe(0);
    expect((JSON.parse(selfTrained.stdout) as Result).records).toBe(text.trim().split('\n').length);
    expect(spools()).toBe(before);
  });

  it('11: analyze into a store that serve is using fails at once, before the work, saying how to go on', async () => {
    const store = path('store-served');
    expect((await logsleuth(['analyze', small, '--store', store, '--json'], dir)).code).toBe(0);
    const server = await serve(['--store', store]);
    try {
      const result = await run(['analyze', small, '--baseline', BASELINE, '--store', store, '--json'], { timeoutMs: 60_000 });

      expect(result.code).toBe(1);
      expect(result.ms).toBeLessThan(15_000);
      expect(result.stderr).toMatch(/in use by another logsleuth process .*--no-store/);
    } finally {
      await stop(server.child);
    }
  });

  it.concurrent('11: a run that cannot be stored is still printed in full, saying it was not stored and how to store it (exit 1)', async () => {
    const notADirectory = path('store-is-a-file');
    await writeFile(notADirectory, 'not a store');

    const result = await run(['analyze', INCIDENT, '--baseline', BASELINE, '--store', notADirectory, '--json'], { timeoutMs: 90_000 });

    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as Result;
    expect(json.records).toBeGreaterThan(0);
    expect(json.anomalies.length).toBeGreaterThan(0);
    expect(json.notStored).toMatch(/not stored: .*run the same command again/);
    expect(result.stderr).toMatch(/the run was not stored/);
  });

  it.concurrent('12: a 2 KB session id on an anomalous record is stored and read back by id; the run ends with its results', async () => {
    const longId = `req-${'x'.repeat(2048)}`;
    const input = path('long-session.jsonl');
    const panic = (ms: number) => JSON.stringify({ timestamp: `2026-11-20T00:10:00.${ms}Z`, level: 'error', service: 'payment-service', request_id: longId, message: 'Kernel panic in payment ledger shard 7: checksum mismatch' });
    await writeFile(input, `${await readFile(small, 'utf8')}${panic(100)}\n${panic(200)}\n`);
    const store = path('store-long-id');

    const result = await run(['analyze', input, '--baseline', BASELINE, '--store', store, '--json'], { timeoutMs: 90_000 });

    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Result;
    expect(json.stored?.created).toBe(true);
    expect(json.anomalies.some((a) => a.context.sessionId === longId)).toBe(true);
    const shown = await logsleuth(['show', json.runId, '--store', store, '--json'], dir);
    expect(shown.code).toBe(0);
    expect((JSON.parse(shown.stdout) as Result).anomalies.some((a) => a.context.sessionId === longId)).toBe(true);
  });

  it.concurrent('13: serve --store <a path with no store> is an error, and creates nothing; --create starts an empty one', async () => {
    const wrong = path('no-such-store');

    const refused = await run(['serve', '--store', wrong, '--port', '0'], { timeoutMs: 20_000 });

    expect(refused.timedOut).toBe(false);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/there is no result store in .*no-such-store.*--create/);
    expect(existsSync(wrong)).toBe(false);
    const created = await serve(['--store', wrong, '--create']);
    await stop(created.child);
    expect(existsSync(join(wrong, 'dynamodb'))).toBe(true);
  });
});
