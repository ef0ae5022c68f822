/**
 * Where the worker's code is: worker.ts next to this file when the CLI runs from source (under
 * tsx, which the worker then registers too), or the bundle's own entry `parallel-worker.mjs` in
 * dist/cli/ when it runs from the esbuild bundle (this code then sits in dist/cli/ or in
 * dist/cli/chunks/).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerEntry { url: URL }

/** The bundle's name for the worker entry: scripts/build.ts builds `cli/parallel/worker.ts` to it. */
export const BUNDLED_WORKER = 'parallel-worker.mjs';

/** The worker's entry, or undefined when the bundle was built without it. */
export function workerEntry(here = import.meta.url): WorkerEntry | undefined {
  if (here.endsWith('.ts')) return { url: fromSource(new URL('./worker.ts', here)) };
  for (const relative of [`./${BUNDLED_WORKER}`, `../${BUNDLED_WORKER}`]) {
    const url = new URL(relative, here);
    if (existsSync(fileURLToPath(url))) return { url };
  }
  return undefined;
}

/**
 * A worker that runs a .ts file: on Node 20 a worker does not get the loader `--import tsx` gave its
 * parent (nor with that in `execArgv`), so a two-line module registers tsx's, then loads the file.
 */
function fromSource(file: URL): URL {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(api)});\nregister();\nawait import(${JSON.stringify(file.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
