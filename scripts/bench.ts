/**
 * Speed and memory benchmark (figures, not a test).
 *   npm run bench -- [--mb 200] [--phases ceiling,ingest,mine,detect,startup,lambda-init]
 * Generates seeded microservice JSON lines into .bench/ once, then runs each phase in its own
 * process so every peak RSS is that phase's own.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { Command } from 'commander';
import { generateLogLines } from './lib/microservice-logs.ts';
import { runPhase, PHASES, type PhaseResult } from './lib/bench-phases.ts';
import { isStartupPhase, printStartupTable, runStartupPhases, STARTUP_PHASES } from './lib/bench-startup.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function ensureData(megabytes: number): Promise<string> {
  const dir = join(root, '.bench');
  const file = join(dir, `microservices-${megabytes}mb.jsonl`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`generating ${megabytes} MB of seeded JSON lines in ${file} ...\n`);
  const out = createWriteStream(file + '.tmp');
  const target = megabytes * 1024 * 1024;
  let written = 0;
  // Each chunk is an independent scenario with its own seed, so the data is varied but reproducible.
  for (let seed = 1; written < target; seed++) {
    let chunk = '';
    for (const line of generateLogLines({ seed, sessions: 5000, startTime: Date.UTC(2026, 10, 1) + seed * 3_600_000 })) {
      chunk += line + '\n';
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(file + '.tmp', file);
  return file;
}

async function main() {
  const program = new Command()
    .option('--mb <n>', 'size of the generated input in MB', '200')
    .option('--file <path>', 'benchmark this file instead of generated data')
    .option('--phases <list>', `comma-separated phases (${[...PHASES, ...STARTUP_PHASES].join(',')})`, [...PHASES, ...STARTUP_PHASES].join(','))
    .option('--phase <name>', 'internal: run one phase in this process and print its JSON result')
    .parse();
  const opts = program.opts<{ mb: string; file?: string; phases: string; phase?: string }>();

  if (opts.phase) {
    const result = await runPhase(opts.phase, opts.file!);
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  // Start-up phases measure the built bundles and need no input data; they get their own table.
  const phases = opts.phases.split(',');
  const startupResults = await runStartupPhases(phases.filter(isStartupPhase));
  const dataPhases = phases.filter((phase) => !isStartupPhase(phase));
  if (dataPhases.length === 0) return printStartupTable(startupResults);
  const file = opts.file ?? (await ensureData(Number(opts.mb)));
  const bytes = statSync(file).size;
  console.log(`input: ${file} (${(bytes / 1e6).toFixed(1)} MB), node ${process.version}, one process per phase`);
  const results: PhaseResult[] = [];
  for (const phase of dataPhases) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--phase', phase, '--file', file], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24,
    });
    if (child.status !== 0) throw new Error(`phase ${phase} failed (exit ${child.status})`);
    results.push(JSON.parse(child.stdout.trim().split('\n').pop()!));
  }
  const ceiling = results.find((r) => r.phase === 'ceiling');
  console.log('\n| phase | MB/s | lines/s | peak RSS MB | vs ceiling |');
  console.log('|---|---|---|---|---|');
  for (const r of results) {
    const mbps = r.bytes / 1e6 / r.seconds;
    const ratio = ceiling ? (mbps / (ceiling.bytes / 1e6 / ceiling.seconds)).toFixed(2) : '-';
    console.log(`| ${r.phase} | ${mbps.toFixed(1)} | ${Math.round(r.lines / r.seconds).toLocaleString('en')} | ${(r.maxRssKb / 1024).toFixed(0)} | ${ratio} |`);
    if (r.note) console.log(`  ${r.phase}: ${r.note}`);
  }
  printStartupTable(startupResults);
}

await main();
