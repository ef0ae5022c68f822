/**
 * The embedded result store: `analyze` keeps its run through the cloud's DynamoDB result-store
 * adapter (dynalite in the CLI process), `runs` and `show` read it back. The real command in a child
 * process, each test with its own `--store` directory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { logsleuth, ROOT, STACK_LINE, tempDir, writeSmallScenario } from './helpers.ts';

const BASELINE = join(ROOT, 'events/logs/baseline.jsonl');
const INCIDENT = join(ROOT, 'events/logs/incident.jsonl');

let dir: string;
let cleanup: () => Promise<void>;
let small: string;
const path = (name: string) => join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  small = await writeSmallScenario(dir);
});

afterAll(async () => {
  await cleanup();
});

interface Stored { runId: string; anomalies: { id: string; type: string; score: number; context: { contextType: string; sessionId?: string; logs: { line: number }[] }; explanation?: { summary: string } }[]; stored?: { dir: string; runId: string; created: boolean } }
interface Shown {
  run: { runId: string; status: string; source: string; counts: { records: number; anomalies: number }; input: { key: string } };
  anomalies: Stored['anomalies'];
}

/** Runs the command and fails with its stderr when it did not exit 0, or took too long to exit. */
async function ok(args: string[], cwd?: string): Promise<string> {
  const started = Date.now();
  const run = await logsleuth(args, cwd);
  if (run.code !== 0) throw new Error(`logsleuth ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  // The embedded engine is stopped at the end: nothing keeps the process alive.
  if (Date.now() - started > 45_000) throw new Error(`logsleuth ${args.join(' ')} took ${Date.now() - started} ms to exit`);
  return run.stdout;
}

describe('analyze keeps its runs in the embedded store', () => {
  it.concurrent('stores the run with its anomalies and sessions, lists it, shows it with FULL_SESSION context, and stores nothing twice', async ({ expect }) => {
    const store = path('store-incident');
    const args = ['analyze', INCIDENT, '--baseline', BASELINE, '--store', store, '--json'];

    const first = JSON.parse(await ok(args)) as Stored;
    expect(first.stored).toEqual({ dir: store, runId: first.runId, created: true });
    expect(existsSync(join(store, 'dynamodb'))).toBe(true);

    const listed = await ok(['runs', '--store', store]);
    expect(listed).toContain(first.runId);
    expect(listed).toMatch(/DONE/);
    expect(listed).toContain(INCIDENT);

    const shown = JSON.parse(await ok(['show', first.runId, '--store', store, '--json'])) as Shown;
    expect(shown.run).toMatchObject({ runId: first.runId, status: 'DONE', source: 'local' });
    // Ranked as analyze ranked them, each complete: context records and explanation included.
    expect(shown.anomalies).toEqual(first.anomalies);
    const inSession = shown.anomalies.filter((a) => a.context.contextType === 'FULL_SESSION');
    expect(inSession.length).toBeGreaterThan(0);
    for (const a of inSession) expect(a.context.logs.length).toBeGreaterThan(0);

    const human = await ok(['show', first.runId, '--store', store]);
    expect(human).toContain(`run ${first.runId}: DONE`);
    expect(human).toMatch(/session req-003: 4 records/);
    expect(human).toMatch(/explanation \(heuristic/);

    // The same input with the same model: the same run, nothing stored again.
    const second = JSON.parse(await ok(args)) as Stored;
    expect(second.stored).toEqual({ dir: store, runId: first.runId, created: false });
    expect(second.anomalies.map((a) => a.id)).toEqual(first.anomalies.map((a) => a.id));
    const again = JSON.parse(await ok(['runs', '--store', store, '--json'])) as Shown['run'][];
    expect(again.map((r) => r.runId)).toEqual([first.runId]);
    expect(again[0]!.counts.anomalies).toBe(first.anomalies.length);
    const shownAgain = JSON.parse(await ok(['show', first.runId, '--store', store, '--json'])) as Shown;
    expect(shownAgain).toEqual(shown);
  });

  it.concurrent('stores into .logsleuth/ in the current directory by default, detect too; --no-store keeps nothing', async ({ expect }) => {
    const cwd = path('project');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(cwd, { recursive: true });

    const skipped = JSON.parse(await ok(['analyze', small, '--no-store', '--json'], cwd)) as Stored;
    expect(skipped.stored).toBeUndefined();
    expect(existsSync(join(cwd, '.logsleuth'))).toBe(false);

    await ok(['train', small, '--out', 'model'], cwd);
    const out = await ok(['detect', small, '--model', 'model', '--source', 'shop'], cwd);
    const runId = /stored as run (\S+) in /.exec(out)?.[1];
    expect(runId).toBeDefined();
    expect(existsSync(join(cwd, '.logsleuth', 'dynamodb'))).toBe(true);

    expect(await ok(['runs'], cwd)).toMatch(new RegExp(`${runId!}\\s+DONE\\s.*\\sshop\\s`));
  });

  it.concurrent('lets two commands share a store: the second waits for the first, and the run is stored once', async ({ expect }) => {
    const store = path('store-shared');
    const args = ['analyze', small, '--store', store, '--json'];

    const [a, b] = (await Promise.all([ok(args), ok(args)])).map((out) => JSON.parse(out) as Stored);

    expect(a!.runId).toBe(b!.runId);
    expect([a!.stored!.created, b!.stored!.created].sort()).toEqual([false, true]);
    const runs = JSON.parse(await ok(['runs', '--store', store, '--json'])) as Shown['run'][];
    expect(runs.map((r) => r.runId)).toEqual([a!.runId]);
  });

  it.concurrent('says so, readably and non-zero, for an unknown run id and for an empty store', async ({ expect }) => {
    const store = path('store-unknown');
    await ok(['analyze', small, '--store', store, '--top', '0']);

    const unknown = await logsleuth(['show', 'r-no-such-run', '--store', store]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^logsleuth: no run r-no-such-run in .*`logsleuth runs` lists the stored runs$/)]);
    expect(unknown.stderr).not.toMatch(STACK_LINE);
    expect(await ok(['runs', '--store', store, '--source', 'other'])).toMatch(/no runs of source "other" yet/);

    const empty = path('store-empty');
    expect((await ok(['runs', '--store', empty])).trim()).toBe('no runs yet: run `logsleuth analyze <logs>` first');
    const none = await logsleuth(['show', 'r-any', '--store', empty]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/no runs yet/);
    // Reading does not create a store.
    expect(existsSync(empty)).toBe(false);
  });
});

describe('no input at all', () => {
  it.concurrent('prints one line per problem, nothing more, stores nothing and exits non-zero', async ({ expect }) => {
    const store = path('store-nothing');
    const missing = path('missing.jsonl');
    const alsoMissing = path('also-missing.jsonl');

    const run = await logsleuth(['analyze', missing, alsoMissing, '--store', store]);

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([`${missing}: no such file or directory; check the path`, `${alsoMissing}: no such file or directory; check the path`]);
    expect(existsSync(store)).toBe(false);
  });

  it.concurrent('says which baseline could not be read, once', async ({ expect }) => {
    const missing = path('no-baseline.jsonl');

    const run = await logsleuth(['analyze', small, '--baseline', missing, '--no-store']);

    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([`baseline: ${missing}: no such file or directory; check the path`]);
  });
});
