/**
 * The bundles scripts/build.ts makes (test/build/global-setup.ts builds them before the suite):
 * the CLI a user runs through bin/logsleuth.js and the Lambda bundles CDK deploys.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/main.ts';
import { CLI_BUNDLE, functionBundle, functionNames } from '../../scripts/build.ts';
import { importBundleInFreshNode } from '../../scripts/lib/function-bundles.ts';
import { logsleuth, ROOT, type CliRun } from '../cli/helpers.ts';

/** Runs the CLI from its TypeScript sources through tsx, as bin/logsleuth.js runs the bundle. */
function logsleuthFromSources(args: string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'build', 'run-source.ts'), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Chunks a bundle file imports statically (loaded with it), and those it only imports with import(). */
function chunkImports(file: string): { static: string[]; dynamic: string[] } {
  const text = readFileSync(file, 'utf8');
  const resolveAll = (pattern: RegExp) => [...text.matchAll(pattern)].map((m) => join(dirname(file), m[1]!));
  return { static: resolveAll(/(?:from|import)\s*"(\.\.?\/[^"]+\.mjs)"/g), dynamic: resolveAll(/import\(\s*"(\.\.?\/[^"]+\.mjs)"\s*\)/g) };
}

/** Every file loaded together with `file`: its static imports, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const chunk of chunkImports(file).static) staticClosure(chunk, seen);
  return seen;
}

describe('the CLI bundle', () => {
  it('is built where bin/logsleuth.js looks for it, with its source map', () => {
    expect(existsSync(CLI_BUNDLE)).toBe(true);
    expect(existsSync(`${CLI_BUNDLE}.map`)).toBe(true);
  });

  it('answers --help with every command listed', async () => {
    const run = await logsleuth(['--help']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command.name} `, 'm'));
  });

  it('loads no command module to start: each is a chunk imported only when its command runs', () => {
    const startup = staticClosure(CLI_BUNDLE);
    const commandChunks = chunkImports(CLI_BUNDLE).dynamic;
    expect(commandChunks.length).toBeGreaterThanOrEqual(5);
    for (const chunk of commandChunks) expect(startup.has(chunk), chunk).toBe(false);
    // commander and the error formatting, nothing of ingest, detection or the AWS SDK.
    const startupBytes = [...startup].reduce((sum, file) => sum + statSync(file).size, 0);
    expect(startupBytes).toBeLessThan(250_000);
  });

  it('names the TypeScript sources in --debug stack traces (through its source maps)', async () => {
    const run = await logsleuth(['show', 'no-such-run', '--store', join(tmpdir(), `logsleuth-no-store-${process.pid}`), '--debug']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\s+at .*\/cli\/[\w/-]+\.ts:\d+:\d+/m);
  });

  it('finds the same anomalies as the CLI run from its sources', async () => {
    const args = ['analyze', 'events/logs/incident.jsonl', '--baseline', 'events/logs/baseline.jsonl', '--no-store', '--json'];
    const [bundled, sources] = await Promise.all([logsleuth(args), logsleuthFromSources(args)]);
    expect(bundled.code, bundled.stderr).toBe(0);
    expect(sources.code, sources.stderr).toBe(0);
    // Everything but the wall-clock time.
    const { seconds: _bundledSeconds, ...fromBundle } = JSON.parse(bundled.stdout) as Record<string, unknown>;
    const { seconds: _sourceSeconds, ...fromSources } = JSON.parse(sources.stdout) as Record<string, unknown>;
    expect((fromBundle.anomalies as unknown[]).length).toBeGreaterThan(0);
    expect(fromBundle).toEqual(fromSources);
  });
});

describe('the Lambda bundles', () => {
  it('are built for every function, one folder each with its source map', () => {
    expect(functionNames()).toEqual(['api', 'detect', 'explain', 'nightly', 'nightly-source', 'train']);
    for (const name of functionNames()) {
      expect(existsSync(functionBundle(name)), name).toBe(true);
      expect(existsSync(`${functionBundle(name)}.map`), name).toBe(true);
    }
  });

  it.each(['api', 'detect', 'explain', 'nightly', 'nightly-source', 'train'])('%s imports in a fresh node process and exports a handler function', async (name) => {
    const loaded = await importBundleInFreshNode(name);
    expect(loaded.handler).toBe('function');
  });
});
