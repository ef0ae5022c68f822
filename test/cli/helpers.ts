/**
 * Runs the real `logsleuth` command (node bin/logsleuth.js) in a child process, as a user would,
 * and hands back its exit code and both streams.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateLogLines } from '../../scripts/lib/microservice-logs.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'logsleuth.js');

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs `logsleuth ...args` in `cwd` (default: the repository root); never rejects. */
export function logsleuth(args: string[], cwd = ROOT): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** A fresh temporary directory and its cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'logsleuth-cli-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a small generated scenario (~1 000 lines, seed 21) where the committed 10 000-line ones are not needed; returns its path. */
export async function writeSmallScenario(dir: string): Promise<string> {
  const path = join(dir, 'small.jsonl');
  await writeFile(path, `${[...generateLogLines({ seed: 21, sessions: 200 })].join('\n')}\n`);
  return path;
}

/** A stack trace line ("    at fn (file:1:2)"): a person should never see one without --debug. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+|\(native\))\)?$/m;
