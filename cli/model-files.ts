/** Local model store: a model directory holding `model.json`. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../shared/errors.ts';
import { modelFromJSON, modelToJSON, type Model } from '../shared/model/model.ts';

export const MODEL_FILE = 'model.json';

export async function saveModel(dir: string, model: Model): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, MODEL_FILE);
  // Write then rename, so a crash never leaves half a model behind.
  await writeFile(`${path}.tmp`, JSON.stringify(modelToJSON(model)));
  await rename(`${path}.tmp`, path);
  return path;
}

export async function loadModel(dir: string): Promise<Model> {
  const path = dir.endsWith('.json') ? dir : join(dir, MODEL_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ModelError(`no model at ${path}: train one first with \`logsleuth train <baseline logs> --out ${dir}\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelError(`${path} is not valid JSON (damaged or not a model): train the model again`);
  }
  return modelFromJSON(json);
}
