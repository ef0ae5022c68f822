/**
 * The embedded store in-process: the cloud adapter over dynalite on a LevelDB directory, with a
 * directory for what S3 holds in the cloud.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryObjectStore } from '../../../cli/adapters/dir-object-store.ts';
import { openLocalStore } from '../../../cli/adapters/local-store.ts';
import type { SessionRecord } from '../../../shared/ports.ts';
import { tempDir } from '../helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterAll(async () => {
  await cleanup();
});

describe('openLocalStore', () => {
  it('keeps runs and oversized sessions across restarts, and releases the store on close', async () => {
    const storeDir = join(dir, 'store');
    const run = { runId: 'r1', source: 'local', modelId: 'm1', startedAt: Date.UTC(2024, 0, 1), input: { location: dir, key: 'a.log', etag: 'e', size: 1 } };
    const logs = Array.from({ length: 3000 }, (_, i) => ({ source: 'a.log', line: i + 1, message: `record ${i} ${'x'.repeat(150)}`, anomalous: i === 7 }));
    const session: SessionRecord = { runId: 'r1', sessionId: 'big', totalLogsInSession: logs.length, truncated: false, logs, anomalyIds: ['a1'] };

    const first = await openLocalStore(storeDir);
    expect((await first.results.runs.startRun(run)).created).toBe(true);
    await first.results.findings.putSessions(run, [session]);
    await first.close();
    await first.close();
    expect(existsSync(join(storeDir, 'lock'))).toBe(false);
    // Over an item's limit: the records went to the objects directory.
    expect(await readdir(join(storeDir, 'objects'), { recursive: true })).not.toEqual([]);

    const second = await openLocalStore(storeDir);
    try {
      expect((await second.results.runs.startRun(run)).created).toBe(false);
      expect(await second.results.reader.getSession('r1', 'big')).toEqual(session);
      expect(await second.results.reader.listSources()).toEqual(['local']);
    } finally {
      await second.close();
    }
  });
});

describe('DirectoryObjectStore', () => {
  it('puts, reads, heads and lists by prefix, and refuses keys outside its directory', async () => {
    const store = new DirectoryObjectStore(join(dir, 'objects'));

    await store.put('sessions/r1/a.json', '[1]');
    await store.put('sessions/r2/b.json', '[2]');
    await store.put('contexts/r1/c.json', '[3]');

    expect(await store.getText('sessions/r1/a.json')).toBe('[1]');
    expect(await store.getText('sessions/r1/missing.json')).toBeUndefined();
    expect(await store.head('sessions/r2/b.json')).toMatchObject({ key: 'sessions/r2/b.json', size: 3 });
    expect((await store.list('sessions/')).map((o) => o.key)).toEqual(['sessions/r1/a.json', 'sessions/r2/b.json']);
    await expect(store.put('../escape.json', 'x')).rejects.toThrow(/outside/);
  });
});
