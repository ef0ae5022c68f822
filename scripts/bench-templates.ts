/**
 * Template-miner throughput on synthetic microservice JSON lines (~200 bytes each):
 * `npx tsx scripts/bench-templates.ts [lines]`. Reports lines/s and MB/s for
 * JSON.parse + add(), and for match() on a trained miner. Seeded, so runs are comparable.
 *
 * On real JSON lines: `npx tsx scripts/bench-templates.ts --data FILE [--train FILE] [--lines N] [--rounds R]`
 * holds the first N messages (`message`/`msg`/`log`) in memory and reports µs/message for add()
 * on a fresh miner, and for match() on a miner trained from the --train file, both as trained
 * and loaded with fromJSON (as detection loads a model). Defaults: .bench/microservices-200mb.jsonl,
 * events/logs/baseline.jsonl, 300000 lines, 5 rounds (min and median printed).
 */
import { readFileSync } from 'node:fs';
import { TemplateMiner } from '../shared/templates/index.ts';

const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  const value = at === -1 ? undefined : process.argv[at + 1];
  return value === undefined || value.startsWith('--') ? undefined : value;
};
if (process.argv.includes('--data')) {
  benchOnData(flag('--data') ?? '.bench/microservices-200mb.jsonl', flag('--train') ?? 'events/logs/baseline.jsonl', Number(flag('--lines') ?? 300_000), Number(flag('--rounds') ?? 5));
  process.exit(0);
}

function messagesOf(path: string, limit: number): string[] {
  const out: string[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (out.length >= limit) break;
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    const message = record.message ?? record.msg ?? record.log;
    if (typeof message === 'string') out.push(message);
  }
  return out;
}

function benchOnData(dataPath: string, trainPath: string, limit: number, rounds: number): void {
  const messages = messagesOf(dataPath, limit);
  const training = messagesOf(trainPath, Infinity);
  const chars = messages.reduce((sum, m) => sum + m.length, 0);
  console.log(`${messages.length} messages from ${dataPath} (${(chars / messages.length).toFixed(0)} chars avg); trained on ${training.length} from ${trainPath}`);
  const times: Record<string, number[]> = { 'add (fresh miner)': [], 'match (trained)': [], 'match (fromJSON)': [] };
  const time = (what: string, run: () => void): void => {
    const start = performance.now();
    run();
    times[what]!.push(((performance.now() - start) * 1000) / messages.length);
  };
  for (let round = 0; round < rounds; round++) {
    const fresh = new TemplateMiner();
    time('add (fresh miner)', () => messages.forEach((m) => fresh.add(m)));
    const trained = new TemplateMiner();
    for (const m of training) trained.add(m);
    time('match (trained)', () => messages.forEach((m) => trained.match(m)));
    const loaded = TemplateMiner.fromJSON(trained.toJSON());
    time('match (fromJSON)', () => messages.forEach((m) => loaded.match(m)));
  }
  for (const [what, list] of Object.entries(times)) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`${what.padEnd(18)} ${sorted[0]!.toFixed(3)} µs/message min, ${sorted[sorted.length >> 1]!.toFixed(3)} median`);
  }
}

const total = Number(process.argv[2] ?? 1_000_000);
let seed = 42;
/** mulberry32: small seeded PRNG. */
const rand = (n: number): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
};
const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[rand(16)]).join('');
const ip = (): string => `10.${rand(256)}.${rand(256)}.${rand(256)}`;
const messages: (() => string)[] = [
  () => `GET /api/orders/${rand(10000)} ${[200, 404, 500][rand(3)]} in ${rand(500)}ms user=u-${rand(9999)}`,
  () => `Query SELECT * FROM orders WHERE id = ${rand(100000)} took ${rand(900)} ms`,
  () => `Connection to ${ip()}:5432 refused after ${rand(5)} retries`,
  () => `request ${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)} completed with status ok bytes=${rand(100000)}`,
  () => `cache miss for key session:${hex(16)} ttl=${rand(3600)}s`,
  () => `worker ${rand(16)} processed batch ${rand(1e6)} of ${rand(1e6)} records in ${(rand(10000) / 100).toFixed(2)}s`,
  () => `User ${rand(100000)} logged in from ${ip()}`,
  () => `Payment ${hex(12)} authorised amount=${rand(10000)}.${rand(100)} currency=EUR`,
];
const lines: string[] = [];
let bytes = 0;
for (let i = 0; i < total; i++) {
  const line = JSON.stringify({ ts: `2024-05-0${1 + rand(9)}T12:${10 + rand(50)}:${10 + rand(50)}.${100 + rand(900)}Z`, level: 'info', service: 'orders', host: `ip-10-0-${rand(9)}-${rand(99)}.eu-west-1.compute.internal`, trace: hex(32), msg: messages[rand(messages.length)]!() });
  bytes += line.length + 1;
  lines.push(line);
}

let start = performance.now();
let parsedChars = 0;
for (const line of lines) parsedChars += (JSON.parse(line) as { msg: string }).msg.length;
let seconds = (performance.now() - start) / 1000;
console.log(`JSON.parse only: ${(total / seconds / 1000).toFixed(0)} k lines/s, ${(bytes / seconds / 1e6).toFixed(0)} MB/s (${(parsedChars / total).toFixed(0)} B messages)`);

const miner = new TemplateMiner();
start = performance.now();
for (const line of lines) miner.add((JSON.parse(line) as { msg: string }).msg);
seconds = (performance.now() - start) / 1000;
console.log(`add:   ${total} lines (${(bytes / total).toFixed(0)} B avg) in ${seconds.toFixed(2)} s = ${(total / seconds / 1000).toFixed(0)} k lines/s, ${(bytes / seconds / 1e6).toFixed(0)} MB/s (JSON.parse included); ${miner.clusterCount} clusters`);

const msgs = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
start = performance.now();
let hits = 0;
for (const m of msgs) if (miner.match(m) >= 0) hits++;
seconds = (performance.now() - start) / 1000;
console.log(`match: ${total} messages in ${seconds.toFixed(2)} s = ${(total / seconds / 1000).toFixed(0)} k lines/s (${hits} matched)`);
const cold = TemplateMiner.fromJSON(miner.toJSON());
start = performance.now();
for (const m of msgs) cold.match(m);
seconds = (performance.now() - start) / 1000;
console.log(`match (fresh from JSON, cache cold): ${(total / seconds / 1000).toFixed(0)} k lines/s`);
for (let c = 0; c < miner.clusterCount; c++) console.log(`  ${miner.count(c)}\t${miner.template(c)}`);
