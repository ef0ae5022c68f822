/**
 * The CLI's model directory: the bucket's layout (models/<source>/…) through the same
 * ObjectModelStore the Lambdas use, and the directories written before it (a bare model.json).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryModelStore, loadModelFromPath, saveModelToDirectory } from '../../../cli/adapters/dir-model-store.ts';
import type { LogRecord } from '../../../shared/ingest/record.ts';
import { modelToJSON, type Model } from '../../../shared/model/model.ts';
import { currentModelKey, modelKey } from '../../../shared/model/model-store.ts';
import { trainModel } from '../../../shared/pipeline/train.ts';
import { tempDir } from '../helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
let model: Model;
const trainedFrom = [{ key: 'baseline.log', etag: 'e1' }];

/** A small model: 40 sessions of the same three records. */
async function* baseline(): AsyncIterable<LogRecord[]> {
  const records: LogRecord[] = [];
  for (let s = 0; s < 40; s++) {
    for (const [i, message] of ['request started', `cache lookup took ${s % 7} ms`, 'request done'].entries()) {
      records.push({ source: 'baseline.log', line: s * 3 + i + 1, message, sessionId: `req-${s}`, timestamp: Date.UTC(2026, 0, 1) + s * 1000 + i, level: 'INFO' });
    }
  }
  yield records;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  model = await trainModel(baseline(), { seed: 42 });
});

afterAll(async () => {
  await cleanup();
});

describe('the model directory', () => {
  it('is laid out like the bucket: the artifact under models/<source>/<id>/ and a current pointer', async () => {
    const modelDir = join(dir, 'saved');

    const path = await saveModelToDirectory(modelDir, 'checkout', model, { trainedAt: 5, trainedFrom });

    expect(path).toBe(join(modelDir, modelKey('checkout', model.id)));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(modelToJSON(model))));
    expect(JSON.parse(await readFile(join(modelDir, currentModelKey('checkout')), 'utf8'))).toEqual({ modelId: model.id, artifactKey: modelKey('checkout', model.id), trainedAt: 5, trainedFrom });
    expect(existsSync(join(modelDir, 'model.json'))).toBe(false);
  });

  it('loads the current model of the source asked for, or of its only source', async () => {
    const modelDir = join(dir, 'one-source');
    await saveModelToDirectory(modelDir, 'checkout', model, { trainedAt: 5, trainedFrom });

    const asked = await loadModelFromPath(modelDir, 'checkout');
    const only = await loadModelFromPath(modelDir, 'local');

    expect(asked.model.id).toBe(model.id);
    expect(asked.source).toBe('checkout');
    expect(only.source).toBe('checkout');
    expect(only.path).toBe(join(modelDir, modelKey('checkout', model.id)));
  });

  it('loads a model directory written by the bucket adapter (a synced models/ tree)', async () => {
    const modelDir = join(dir, 'synced');
    const store = directoryModelStore(modelDir);
    const artifactKey = await store.save('api', model);
    await store.setCurrent('api', { modelId: model.id, artifactKey, trainedAt: 1, trainedFrom });

    expect((await loadModelFromPath(modelDir, 'api')).model.id).toBe(model.id);
  });

  it('asks for --source when the directory holds several sources and none is the one given', async () => {
    const modelDir = join(dir, 'two-sources');
    await saveModelToDirectory(modelDir, 'api', model, { trainedAt: 1, trainedFrom });
    await saveModelToDirectory(modelDir, 'web', model, { trainedAt: 1, trainedFrom });

    await expect(loadModelFromPath(modelDir, 'local')).rejects.toThrow(/holds models of the sources api, web but not of "local": pick one with --source/);
    expect((await loadModelFromPath(modelDir, 'web')).source).toBe('web');
  });

  it('still loads an old model directory (a bare model.json), and a model.json given itself', async () => {
    const modelDir = join(dir, 'old-layout');
    await mkdir(modelDir, { recursive: true });
    await writeFile(join(modelDir, 'model.json'), JSON.stringify(modelToJSON(model)));

    const fromDir = await loadModelFromPath(modelDir, 'local');
    const fromFile = await loadModelFromPath(join(modelDir, 'model.json'), 'local');

    expect(fromDir.model.id).toBe(model.id);
    expect(fromDir.path).toBe(join(modelDir, 'model.json'));
    expect(fromDir.source).toBeUndefined();
    expect(fromFile.model.id).toBe(model.id);
  });

  it('says to train first when there is no model, and names the file when one is damaged', async () => {
    const damaged = join(dir, 'damaged');
    await mkdir(damaged, { recursive: true });
    await writeFile(join(damaged, 'model.json'), '{"format":"logsleuth-model","ver');

    await expect(loadModelFromPath(join(dir, 'nothing-here'), 'local')).rejects.toThrow(/^no model at .*nothing-here: train one first with `logsleuth train <baseline logs> --out /);
    await expect(loadModelFromPath(damaged, 'local')).rejects.toThrow(`${join(damaged, 'model.json')} is not valid JSON (damaged, or not a model): train the model again`);
  });

  it('names the artifact when a pointer names a model that is not there', async () => {
    const modelDir = join(dir, 'dangling');
    await directoryModelStore(modelDir).setCurrent('api', { modelId: 'm-gone', artifactKey: modelKey('api', 'm-gone'), trainedAt: 1, trainedFrom });

    await expect(loadModelFromPath(modelDir, 'api')).rejects.toThrow(`model m-gone of source "api" is missing (${join(modelDir, modelKey('api', 'm-gone'))})`);
  });
});
