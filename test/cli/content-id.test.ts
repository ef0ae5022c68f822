/**
 * The CLI's run id comes from the inputs' bytes: a file rewritten with the same size but other
 * content is a new run (analysed and stored again, not "already stored"); large inputs are
 * identified by their ends, size and mtime.
 */
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentId } from '../../cli/adapters/content-id.ts';
import type { InputObject } from '../../shared/ingest/input.ts';
import { logsleuth, ROOT, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

/** The same log with one duration changed, keeping every byte count. */
function sameSizeRewrite(text: string): string {
  const changed = text.replace(/("duration_ms":\s*)(\d)/, (_m, key: string, digit: string) => `${key}${digit === '9' ? '8' : '9'}`);
  expect(changed).not.toBe(text);
  expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(text));
  return changed;
}

function fileInput(path: string, size: number, modified: number): InputObject {
  return {
    name: path, size, modified,
    async* open() {
      yield await readFile(path);
    },
  };
}

describe('the CLI run id', () => {
  it('is new for a file rewritten with the same size and other content, which is then stored again', async () => {
    const log = join(dir, 'app.jsonl');
    const store = join(dir, 'store');
    const original = await readFile(join(ROOT, 'events/logs/incident.jsonl'), 'utf8');
    const args = ['analyze', log, '--baseline', join(ROOT, 'events/logs/baseline.jsonl'), '--store', store, '--json'];
    await writeFile(log, original);
    const first = JSON.parse((await logsleuth(args)).stdout);
    const again = JSON.parse((await logsleuth(args)).stdout);

    await writeFile(log, sameSizeRewrite(original));
    const rewritten = JSON.parse((await logsleuth(args)).stdout);

    expect(again.stored).toEqual({ dir: store, runId: first.runId, created: false });
    expect(rewritten.runId).not.toBe(first.runId);
    expect(rewritten.stored).toEqual({ dir: store, runId: rewritten.runId, created: true });
  });

  it('hashes every byte up to the limit, and past it the first and last MiB with size and mtime', async () => {
    const path = join(dir, 'big.log');
    const body = Buffer.alloc(3 * 1024 * 1024, 'a');
    const ids = async (limit: number) => {
      await writeFile(path, body);
      await utimes(path, 1_700_000_000, 1_700_000_000);
      return contentId([fileInput(path, body.length, 1_700_000_000_000)], limit);
    };
    const before = { full: await ids(Infinity), sampled: await ids(1024) };
    body[body.length / 2] = 'b'.charCodeAt(0); // the middle: outside both sampled MiBs
    const middle = { full: await ids(Infinity), sampled: await ids(1024) };
    body[body.length - 1] = 'c'.charCodeAt(0); // the last MiB
    const end = { sampled: await ids(1024) };

    expect(middle.full).not.toBe(before.full);
    expect(middle.sampled).toBe(before.sampled);
    expect(end.sampled).not.toBe(middle.sampled);
  });
});
