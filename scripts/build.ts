/**
 * Builds what users and AWS run, with esbuild:
 * - the report pages' client (scripts/lib/build-report-client.ts), which the bundles inline;
 * - the CLI, `dist/cli/main.mjs` (ESM, node20), split into chunks so each command's modules load
 *   only when that command runs (cli/main.ts imports them lazily), and its parsing worker
 *   `dist/cli/parallel-worker.mjs`, sharing those chunks;
 * - one self-contained bundle per Lambda, `dist/functions/<name>/index.mjs` (ESM, node22), which
 *   CDK deploys as is (infra/handler-function.ts);
 * - the library, `dist/library/index.mjs` (ESM, node20; `import { train, detect } from 'logsleuth'`),
 *   and, with `npm run build` only (tsc takes a while), its type declarations in `dist/types/`.
 *   npm run build          (`npm ci`/`npm install` run it through `prepare`; the tests run it first)
 * Files are written atomically and only when changed, and stale chunks are removed, so a build
 * never leaves a half-written bundle for a CLI started meanwhile.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { build as esbuild, type BuildOptions, type BuildResult, type OutputFile } from 'esbuild';
import { buildReportClient } from './lib/build-report-client.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const CLI_BUNDLE = join(DIST, 'cli', 'main.mjs');
export const LIBRARY_BUNDLE = join(DIST, 'library', 'index.mjs');
/** The library's type declarations (package.json `exports` → `types`). */
export const LIBRARY_TYPES = join(DIST, 'types', 'library', 'index.d.ts');

/** The Lambdas: every folder of functions/ with a handler.ts (functions/lib has none). */
export function functionNames(): string[] {
  const dir = join(ROOT, 'functions');
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'handler.ts'))).sort();
}

/** Where the bundle of the Lambda `name` is written; CDK deploys this folder. */
export function functionBundle(name: string): string {
  return join(DIST, 'functions', name, 'index.mjs');
}

// ESM bundles need a require() for the CommonJS dependencies they inline. The import is renamed so
// it cannot clash with a bundled module's own `createRequire`.
const REQUIRE_BANNER = "import { createRequire as __logsleuthCreateRequire } from 'node:module'; const require = __logsleuthCreateRequire(import.meta.url);";

const COMMON: BuildOptions = {
  absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'esm', write: false,
  // Maps without the sources: Node needs only the mappings to show .ts lines in stack traces.
  sourcemap: true, sourcesContent: false,
  // The ESM builds of dependencies (the AWS SDK's dist-es) tree-shake far better than their CJS.
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.mjs' }, banner: { js: REQUIRE_BANNER }, logLevel: 'warning',
};

/** The parsing threads' entry (`--workers`): cli/parallel/worker-entry.ts finds it as dist/cli/parallel-worker.mjs. */
const PARALLEL_WORKER = 'cli/parallel/worker.ts';

async function bundleCli(): Promise<OutputFile[]> {
  const entryPoints: Record<string, string> = { main: 'cli/main.ts' };
  // Optional: without it the CLI reads on the main thread (worker-entry.ts finds no worker bundle).
  if (existsSync(join(ROOT, PARALLEL_WORKER))) entryPoints['parallel-worker'] = PARALLEL_WORKER;
  const result = await esbuild({
    ...COMMON, entryPoints, outdir: join(DIST, 'cli'), target: 'node20',
    splitting: true, chunkNames: 'chunks/[name]-[hash]',
    // dynalite's LevelDB store loads a native addon relative to its own files: keep it in node_modules.
    external: ['dynalite'],
  });
  return outputsOf(result);
}

async function bundleFunctions(names: string[]): Promise<OutputFile[]> {
  // One folder per function, each bundle self-contained (no shared chunks), the SDK included so
  // the deployed code runs the versions that were tested.
  const result = await esbuild({
    ...COMMON, entryPoints: Object.fromEntries(names.map((name) => [`${name}/index`, `functions/${name}/handler.ts`])),
    outdir: join(DIST, 'functions'), target: 'node22',
  });
  return outputsOf(result);
}

async function bundleLibrary(): Promise<OutputFile[]> {
  // Chunks, so the AWS SDK behind bedrockExplainer() loads only when it is used.
  const result = await esbuild({
    ...COMMON, entryPoints: { index: 'library/index.ts' }, outdir: join(DIST, 'library'), target: 'node20',
    splitting: true, chunkNames: 'chunks/[name]-[hash]',
  });
  return outputsOf(result);
}

/** The files of a `write: false` build (esbuild types them as optional). */
function outputsOf(result: BuildResult): OutputFile[] {
  if (!result.outputFiles) throw new Error('esbuild returned no output files');
  return result.outputFiles;
}

/** Writes `files` (tmp file + rename, skipping unchanged ones) and removes other files under `dirs`. */
async function writeOutputs(files: OutputFile[], dirs: string[]): Promise<void> {
  const wanted = new Set(files.map((file) => file.path));
  for (const file of files) {
    const current = await readFile(file.path).catch(() => undefined);
    if (current?.equals(file.contents)) continue;
    await mkdir(dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    await rename(temporary, file.path);
  }
  for (const dir of dirs) {
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
      const path = join(entry.parentPath, entry.name);
      // A .tmp file may be another build's write in progress.
      if (entry.isFile() && !wanted.has(path) && !path.endsWith('.tmp')) await rm(path, { force: true });
    }
  }
}

/** Builds the report client, then the CLI, every Lambda and the library into dist/. */
export async function build(): Promise<{ cliFiles: number; functions: string[] }> {
  // First: the CLI and the Lambdas inline the client it generates (shared/report/bundle/client.js).
  await buildReportClient();
  const names = functionNames();
  const [cli, functions, library] = await Promise.all([bundleCli(), bundleFunctions(names), bundleLibrary()]);
  await writeOutputs([...cli, ...functions, ...library], [join(DIST, 'cli'), join(DIST, 'functions'), join(DIST, 'library')]);
  return { cliFiles: cli.length, functions: names };
}

/**
 * The library's declarations: tsc emits them for library/index.ts and everything it imports
 * (tsconfig.library.json), then only the files the public entry reaches are kept, in dist/types/,
 * with the sources' `.ts` import specifiers turned into the `.js` a consumer's resolver expects.
 */
export async function buildTypes(): Promise<void> {
  // One scratch folder per build: two builds at once must not share it.
  const scratch = join(DIST, `.types-build-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.library.json'), '--outDir', scratch], { cwd: ROOT });
  } catch (error) {
    // tsc still writes declarations past type errors: those are `npm run typecheck`'s to report, and
    // failing here would fail `npm ci` (prepare). Without any declarations there is nothing to ship.
    if (!existsSync(join(scratch, 'library', 'index.d.ts'))) throw error;
    process.stderr.write(`warning: type errors while writing the library's declarations:\n${(error as { stdout?: string }).stdout ?? ''}`);
  }
  const files: OutputFile[] = [];
  const pending = [join(scratch, 'library', 'index.d.ts')];
  const seen = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = (await readFile(file, 'utf8')).replace(RELATIVE_SPECIFIER, (_all, lead: string, quote: string, path: string) => {
      pending.push(join(dirname(file!), `${path}.d.ts`));
      return `${lead}${quote}${path}.js${quote}`;
    });
    const contents = Buffer.from(text);
    files.push({ path: join(DIST, 'types', relative(scratch, file)), contents, text, hash: '' });
  }
  await writeOutputs(files, [join(DIST, 'types')]);
  await rm(scratch, { recursive: true, force: true });
}

/** A relative module specifier ending in `.ts` after `from` (import, export) or in `import()`, in a declaration file. */
const RELATIVE_SPECIFIER = /(\bfrom\s+|\bimport\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { cliFiles, functions } = await build();
  await buildTypes();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`built ${relative(ROOT, CLI_BUNDLE)} (${cliFiles} files) dist/functions/{${functions.join(',')}}, ${relative(ROOT, LIBRARY_BUNDLE)} and ${relative(ROOT, LIBRARY_TYPES)} in ${seconds} s\n`);
}
