/**
 * Crash tests' helpers: a seeded PRNG for kill points, a child process that can be killed with
 * SIGKILL after a delay, and a comparison form for stored items that leaves out what legitimately
 * differs between two runs of the same work (wall-clock times and lease bookkeeping).
 */
import { spawn } from 'node:child_process';
import { createRandom } from '../../shared/random.ts';

/** The kill points are the same on every run of a test: the product's own seeded PRNG. */
export const seededRandom = createRandom;

export interface ChildRun { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }

/**
 * Runs `command args` to its end, or kills it with SIGKILL as soon as `killWhen` (polled every 10 ms
 * with the ms since the start and the child's pid; it may look at the child's progress) says so.
 */
export function runChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; killWhen?: (elapsedMs: number, pid: number) => boolean | Promise<boolean> } = {}): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  let done = false;
  const { killWhen } = options;
  if (killWhen) {
    void (async () => {
      while (!done) {
        if (await killWhen(Date.now() - started, child.pid!)) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Attributes that hold the wall-clock time of a run or a training (or derive from it), or who held a run's lease. */
const TIME_AND_LEASE = ['startedAt', 'finishedAt', 'trainedAt', 'expiresAt', 'leaseOwner', 'leaseExpiresAt'];
/** GSI1 sort keys that start with a time (runs, models of a source): `<ISO time>#<id>`. */
const TIMED_SORT_KEY = /^\d{4}-\d\d-\d\dT[^#]*#/;

/**
 * Stored items in a form two runs of the same work must agree on: sorted by key, without
 * {@link TIME_AND_LEASE}, and GSI1 sort keys that start with a time cut to the id after it.
 */
export function comparableItems(items: Record<string, unknown>[]): Record<string, unknown>[] {
  return items
    .map((item) => {
      const rest = { ...item };
      for (const name of TIME_AND_LEASE) delete rest[name];
      if (typeof rest.GSI1SK === 'string') rest.GSI1SK = rest.GSI1SK.replace(TIMED_SORT_KEY, '');
      return rest;
    })
    .sort((a, b) => `${a.PK}|${a.SK}`.localeCompare(`${b.PK}|${b.SK}`));
}
