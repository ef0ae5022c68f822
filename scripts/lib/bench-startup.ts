/**
 * Start-up benchmark phases (`npm run bench -- --phases startup,lambda-init`), measured on the
 * bundles, built first from the current sources:
 * - `startup`: `node bin/logsleuth.js --help` in a fresh process, N times: median wall seconds
 *   (spawn included, what a user waits) and the largest peak RSS;
 * - `lambda-init`: per Lambda bundle, fresh processes that import it as a cold start does
 *   (scripts/lib/function-bundles.ts): median import time and wall time, largest peak RSS.
 * Each measured process is a child of its own, so its RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, functionNames, ROOT } from '../build.ts';
import { importBundleInFreshNode, OWN_PEAK_RSS_KB } from './function-bundles.ts';

export const STARTUP_PHASES = ['startup', 'lambda-init'] as const;

/** One line of the start-up table. */
export interface StartupResult {
  phase: string;
  /** What was started (`logsleuth --help`, or the function's name). */
  subject: string;
  runs: number;
  medianWallSeconds: number;
  /** Median CPU time (user + system) of the measured process: less disturbed by other load than wall time. */
  medianCpuSeconds: number;
  /** Median time of the bundle's import() alone (lambda-init only). */
  medianImportSeconds?: number;
  maxRssKb: number;
}

export function isStartupPhase(phase: string): boolean {
  return (STARTUP_PHASES as readonly string[]).includes(phase);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// Preloaded into the measured CLI process: reports its peak RSS (KB) and CPU time (µs) on fd 3 as it exits.
const REPORT_USAGE_ON_EXIT = `data:text/javascript,import { readFileSync, writeSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeSync(3, JSON.stringify({ maxRssKb: ${OWN_PEAK_RSS_KB}, cpuMicros: u.userCPUTime + u.systemCPUTime })); });`;

/** `node bin/logsleuth.js --help`, `runs` times. */
function cliStartup(runs: number): StartupResult[] {
  const walls: number[] = [];
  const cpus: number[] = [];
  let maxRssKb = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--import', REPORT_USAGE_ON_EXIT, join(ROOT, 'bin', 'logsleuth.js'), '--help'], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'pipe'], encoding: 'utf8',
    });
    walls.push((performance.now() - started) / 1000);
    if (child.status !== 0) throw new Error(`logsleuth --help exited with ${child.status}`);
    const usage = JSON.parse(String(child.output[3])) as { maxRssKb: number; cpuMicros: number };
    maxRssKb = Math.max(maxRssKb, usage.maxRssKb);
    cpus.push(usage.cpuMicros / 1e6);
  }
  return [{ phase: 'startup', subject: 'logsleuth --help', runs, medianWallSeconds: median(walls), medianCpuSeconds: median(cpus), maxRssKb }];
}

/** Each Lambda bundle imported in `runs` fresh processes. */
async function lambdaInit(runs: number): Promise<StartupResult[]> {
  const results: StartupResult[] = [];
  for (const name of functionNames()) {
    const walls: number[] = [];
    const imports: number[] = [];
    const cpus: number[] = [];
    let maxRssKb = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const loaded = await importBundleInFreshNode(name);
      walls.push((performance.now() - started) / 1000);
      imports.push(loaded.importMs / 1000);
      cpus.push(loaded.cpuMicros / 1e6);
      maxRssKb = Math.max(maxRssKb, loaded.maxRssKb);
    }
    results.push({ phase: 'lambda-init', subject: name, runs, medianWallSeconds: median(walls), medianCpuSeconds: median(cpus), medianImportSeconds: median(imports), maxRssKb });
  }
  return results;
}

/** Builds the bundles from the current sources (never measure a stale one), then runs each phase, `runs` processes per subject. */
export async function runStartupPhases(phases: string[], runs = 10): Promise<StartupResult[]> {
  if (phases.length === 0) return [];
  await build();
  const results: StartupResult[] = [];
  for (const phase of phases) {
    if (phase === 'startup') results.push(...cliStartup(runs));
    else if (phase === 'lambda-init') results.push(...(await lambdaInit(runs)));
    else throw new Error(`unknown start-up phase ${phase}`);
  }
  return results;
}

/** The start-up table, printed after the throughput table. */
export function printStartupTable(results: StartupResult[]): void {
  if (results.length === 0) return;
  console.log('\n| start-up | subject | runs | median wall s | median CPU s | median import s | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const importSeconds = r.medianImportSeconds === undefined ? '-' : r.medianImportSeconds.toFixed(3);
    console.log(`| ${r.phase} | ${r.subject} | ${r.runs} | ${r.medianWallSeconds.toFixed(3)} | ${r.medianCpuSeconds.toFixed(3)} | ${importSeconds} | ${(r.maxRssKb / 1024).toFixed(0)} |`);
  }
}
