/**
 * Template-mining accuracy on the 16 loghub-2k systems (one default configuration):
 * `npm run eval:templates` prints GA, PA, FGA, FTA per system and their averages.
 * `--dump DIR` also writes per-system prediction JSONL files for `eval_templates.py`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { averageOf, evaluateLoghub } from './lib/loghub-eval.ts';

const dumpAt = process.argv.indexOf('--dump');
const dumpDir = dumpAt === -1 ? null : process.argv[dumpAt + 1];

const results = await evaluateLoghub();
const pad = (s: string | number, n: number): string => String(s).padStart(n);
const f = (x: number): string => x.toFixed(3);
console.log(`${'system'.padEnd(12)} ${pad('GA', 6)} ${pad('PA', 6)} ${pad('FGA', 6)} ${pad('FTA', 6)} ${pad('pred/gt', 9)}`);
for (const r of results) {
  console.log(`${r.system.padEnd(12)} ${pad(f(r.GA), 6)} ${pad(f(r.PA), 6)} ${pad(f(r.FGA), 6)} ${pad(f(r.FTA), 6)} ${pad(`${r.predTemplates}/${r.gtTemplates}`, 9)}`);
}
console.log(
  `${'average'.padEnd(12)} ${pad(f(averageOf(results, 'GA')), 6)} ${pad(f(averageOf(results, 'PA')), 6)} ${pad(f(averageOf(results, 'FGA')), 6)} ${pad(f(averageOf(results, 'FTA')), 6)}`,
);
if (dumpDir) {
  await mkdir(dumpDir, { recursive: true });
  for (const r of results) {
    const jsonl = r.predictions.map((template, i) => JSON.stringify({ line_no: i + 1, template })).join('\n') + '\n';
    await writeFile(`${dumpDir}/${r.system}.jsonl`, jsonl);
  }
}
