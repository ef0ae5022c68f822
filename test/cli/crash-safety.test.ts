/**
 * Crash safety of `analyze` with its embedded store: the command is killed with SIGKILL at seeded
 * points (training, both detection passes, then while storing), then run again to completion. The
 * store must then hold exactly what an uninterrupted run stores, nothing duplicated. Left out of the
 * comparison: wall-clock times (see `comparableItems`).
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TABLE_NAME } from '../../cli/adapters/local-store.ts';
import { comparableItems, runChild, seededRandom } from '../support/kill-points.ts';
import { ROOT, tempDir } from './helpers.ts';

const SEED = 14;
const KILLS = 3;

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

/**
 * Runs analyze, killing it when `kill(elapsed, storing)` says so: `storing` is the ms since the
 * command opened its store (its lock file holds its pid: the detection is over, the writes begin; a
 * lock left by a killed run holds a dead pid, which the command replaces).
 */
async function analyze(store: string, kill?: (elapsedMs: number, storingMs?: number) => boolean) {
  let storingFrom: number | undefined;
  const run = await runChild(process.execPath, [
    join(ROOT, 'bin/logsleuth.js'), 'analyze', join(ROOT, 'events/logs/incident.jsonl'), '--baseline', join(ROOT, 'events/logs/baseline.jsonl'), '--store', store, '--json',
  ], {
    cwd: ROOT,
    killWhen: (elapsed, pid) => {
      if (storingFrom === undefined && lockHolder(store) === pid) storingFrom = elapsed;
      return kill?.(elapsed, storingFrom === undefined ? undefined : elapsed - storingFrom) ?? false;
    },
  });
  return { ...run, storingFrom };
}

function lockHolder(store: string): number | undefined {
  try {
    return Number(readFileSync(join(store, 'lock'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Every item of a store's table, read with an engine of our own on its files (the command has exited). */
async function storedItems(store: string): Promise<Record<string, unknown>[]> {
  const server: Server = dynalite({ path: join(store, 'dynamodb') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    const doc = DynamoDBDocumentClient.from(client);
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: TABLE_NAME, ...(start && { ExclusiveStartKey: start }) }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The store's objects (records too big for an item), by path, with their contents. */
async function storedObjects(store: string): Promise<Record<string, string>> {
  const root = join(store, 'objects');
  const files = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const found: Record<string, string> = {};
  for (const f of files.filter((e) => e.isFile())) {
    const path = join(f.parentPath, f.name);
    found[path.slice(root.length)] = await readFile(path, 'utf8');
  }
  return found;
}

it('stores exactly what an uninterrupted run stores when analyze is killed at seeded points and run again', async () => {
  const clean = await analyze(join(dir, 'clean'));
  expect(clean.code).toBe(0);
  const detectingMs = clean.storingFrom!;
  const storingMs = clean.ms - detectingMs;

  const store = join(dir, 'killed');
  const random = seededRandom(SEED);
  let killed = 0;
  let killedStoring = 0;
  for (let k = 0; k < KILLS; k++) {
    // Seeded points in strata: past start-up, in training and the two detection passes. A run
    // faster than the clean one may reach its writes first: it is killed as they begin instead.
    const at = Math.round(detectingMs * (0.2 + (0.6 * (k + random())) / KILLS));
    if ((await analyze(store, (elapsed, storing) => storing !== undefined || elapsed >= at)).signal === 'SIGKILL') killed++;
  }
  for (let k = 0; k < KILLS; k++) {
    // …and while the run is being written (early in it: a warm run writes faster than the clean one).
    const after = Math.round(storingMs * (0.05 + 0.35 * random()));
    const run = await analyze(store, (_elapsed, storing) => storing !== undefined && storing >= after);
    if (run.signal === 'SIGKILL') killedStoring++;
    if (run.signal !== 'SIGKILL') break;
  }
  const last = await analyze(store);

  expect(killed).toBe(KILLS);
  expect(killedStoring).toBeGreaterThanOrEqual(1);
  expect(last.code).toBe(0);
  expect(JSON.parse(last.stdout).runId).toBe(JSON.parse(clean.stdout).runId);
  const items = await storedItems(store);
  expect(items.filter((i) => i.SK === 'RUN')).toMatchObject([{ status: 'DONE' }]);
  expect(comparableItems(items)).toEqual(comparableItems(await storedItems(join(dir, 'clean'))));
  expect(await storedObjects(store)).toEqual(await storedObjects(join(dir, 'clean')));
}, 60_000);
