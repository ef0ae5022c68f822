/**
 * Hostile input, part 3 (issue 11, cases 14–16): what the CLI prints for people and how the local
 * server behaves. Every input is written here at test time; the real command runs in a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { logsleuth, ROOT, tempDir, writeSmallScenario } from '../cli/helpers.ts';

const BIN = join(ROOT, 'bin', 'logsleuth.js');

let dir: string;
let cleanup: () => Promise<void>;
const path = (name: string) => join(dir, name);
/** A result store with one run, which each `serve` test copies (serve reads an existing store). */
let storeWithRun: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  storeWithRun = path('store-with-run');
  const stored = await logsleuth(['analyze', await writeSmallScenario(dir), '--store', storeWithRun]);
  if (stored.code !== 0) throw new Error(`analyze could not make a store: ${stored.stderr}`);
});

/** A copy of {@link storeWithRun} of its own, so one test's server never holds another's store. */
async function storeCopy(name: string): Promise<string> {
  await cp(storeWithRun, path(name), { recursive: true });
  return path(name);
}

afterAll(async () => {
  await cleanup();
});

/** Any C0 control but newline, DEL, or a C1 control: what must never reach a terminal from the logs. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('log content cannot drive the terminal (case 14)', () => {
  it('shows escape sequences from messages, session ids, file names and problems escaped in analyze, show, templates and formats, and keeps them in --json', async ({ expect }) => {
    // Arrange: a baseline, and an input named with an OSC title sequence whose new records carry SGR,
    // OSC, C1 CSI and BEL in the message, the session id and the service, plus a malformed line.
    const baseline = await writeSmallScenario(dir);
    const hostile = path('evil\u001b]0;pwned\u0007.jsonl');
    const normal = (await readFile(baseline, 'utf8')).split('\n').filter(Boolean).slice(0, 300);
    const evil = Array.from({ length: 3 }, (_, i) => JSON.stringify({
      timestamp: `2026-11-20T01:00:0${i}.000Z`, level: 'ERROR', service: 'evil\u001b[2Jsvc', request_id: `req-\u001b[31mred${i}`,
      message: `\u001b[31mCRITICAL\u001b[0m disk \u009b2J wiped \u001b]0;owned\u0007 by\ttab ${i}`,
    }));
    // First, so that `formats` shows them among the first records of the file.
    await writeFile(hostile, `${[...evil, '{"message": "\u001b[5mbroken', ...normal].join('\n')}\n`);
    const store = path('store-14');

    // Act
    const analyzed = await logsleuth(['analyze', hostile, '--baseline', baseline, '--store', store, '--top', '3']);
    const json = await logsleuth(['analyze', hostile, '--baseline', baseline, '--no-store', '--json']);
    const runId = /stored as run (r[0-9a-f]{20})/.exec(analyzed.stdout)?.[1];
    const shown = await logsleuth(['show', runId ?? 'r00000000000000000000', '--store', store]);
    const templates = await logsleuth(['templates', hostile, '--limit', '1000']);
    const formats = await logsleuth(['formats', hostile]);

    // Assert: nothing raw on either stream of any human output; the escapes are there to read.
    for (const [name, run] of Object.entries({ analyzed, shown, templates, formats })) {
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      expect(RAW_CONTROL.test(run.stdout), `${name} stdout: ${JSON.stringify(run.stdout)}`).toBe(false);
      expect(RAW_CONTROL.test(run.stderr), `${name} stderr: ${JSON.stringify(run.stderr)}`).toBe(false);
      expect(run.stdout).toContain('\\x1b[31mCRITICAL');
    }
    expect(analyzed.stdout).toContain('\\u009b2J');
    expect(analyzed.stdout).toContain('req-\\x1b[31mred');
    expect(analyzed.stderr).toContain('evil\\x1b]0;pwned\\x07.jsonl');
    // --json is unchanged: JSON escaping already makes it safe, and the text comes back as it was.
    const result = JSON.parse(json.stdout) as { anomalies: { context: { logs: { message: string }[] } }[] };
    const messages = result.anomalies.flatMap((a) => a.context.logs.map((l) => l.message));
    expect(messages).toContain('\u001b[31mCRITICAL\u001b[0m disk \u009b2J wiped \u001b]0;owned\u0007 by\ttab 0');
  });
});

/** A running `serve`: its process, the port it listens on, and everything it printed. */
interface Served { child: ChildProcess; port: number; output: () => string }

/** Starts `command args…` (serve on a free port) and resolves once it prints where it listens. */
function startServe(command: string, args: string[], options: { detached?: boolean } = {}): Promise<Served> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        done({ child, port: Number(port), output: () => output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => fail(new Error(`serve exited ${code}: ${output}`)));
  });
}

/** GET `path` on 127.0.0.1:`port` with this Host header; resolves to the status and the body. */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** True when something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** Polls until nothing listens on `port`, for at most `ms`; resolves to whether it closed. */
async function closesWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await listening(port))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !(await listening(port));
}

describe('serve only answers its own loopback names (case 15)', () => {
  it('answers localhost, 127.0.0.1 and [::1] on its port and refuses any other Host with a 403 in the API error shape', async ({ expect }) => {
    const served = await startServe(process.execPath, [BIN, 'serve', '--store', await storeCopy('store-15'), '--port', '0']);
    try {
      const { port } = served;
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        expect((await get(port, '/sources', host)).status, host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, `localhost.evil.example:${port}`, `127.0.0.1:${port + 1}`, 'localhost']) {
        const refused = await get(port, '/sources', host);
        expect(refused.status, host).toBe(403);
        expect(JSON.parse(refused.body)).toMatchObject({ error: { message: expect.stringContaining('Host') } });
      }
    } finally {
      served.child.kill('SIGKILL');
    }
  });
});

describe('stopping serve stops its listener (case 16)', () => {
  it('closes the port within a few seconds of SIGTERM to the node process the user started', async ({ expect }) => {
    const served = await startServe(process.execPath, [BIN, 'serve', '--store', await storeCopy('store-16a'), '--port', '0']);
    const exited = new Promise<string>((done) => served.child.once('exit', (code, signal) => done(`code ${code}, signal ${signal}`)));
    try {
      served.child.kill('SIGTERM');
      expect(await closesWithin(served.port, 5_000)).toBe(true);
      expect(await exited).toBe('code 0, signal null');
    } finally {
      served.child.kill('SIGKILL');
    }
  });

  it('closes the port within a few seconds of SIGTERM to npx when started as `npx logsleuth serve`', async ({ expect }) => {
    // npx runs `sh -c logsleuth …`, which runs node: SIGTERM goes to npx alone, as a process manager sends it.
    // Its own process group, so whatever is left can be killed by the group's id afterwards.
    const served = await startServe('npx', ['logsleuth', 'serve', '--store', await storeCopy('store-16b'), '--port', '0'], { detached: true });
    try {
      served.child.kill('SIGTERM');
      expect(await closesWithin(served.port, 5_000), served.output()).toBe(true);
    } finally {
      try {
        process.kill(-served.child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already: everything stopped.
      }
    }
  }, 60_000);
});
