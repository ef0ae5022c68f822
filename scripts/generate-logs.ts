/**
 * Writes the committed sample scenarios under events/logs/ (deterministic: re-running changes nothing).
 *   npx tsx scripts/generate-logs.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { designBaseline, DESIGN_SAMPLE } from './lib/design-logs.ts';
import { generateLogLines, type InjectedIncident } from './lib/microservice-logs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'events', 'logs');
mkdirSync(root, { recursive: true });

const scenarios = [
  { file: 'baseline.jsonl', seed: 1, incidents: [] },
  { file: 'clean.jsonl', seed: 2, incidents: [] },
  { file: 'incident.jsonl', seed: 3, incidents: ['duration-spike', 'cascade-failure', 'new-error-template', 'systemic-shift'] },
] as const;

for (const scenario of scenarios) {
  const injected: InjectedIncident[] = [];
  const lines = [...generateLogLines({ seed: scenario.seed, sessions: 2000, incidents: [...scenario.incidents] }, injected)];
  writeFileSync(join(root, scenario.file), lines.join('\n') + '\n');
  const cascade = injected.find((i) => i.kind === 'cascade-failure');
  if (cascade) {
    // The incident's payment-timeout cascade (session req-003), as a JSON array, on its own.
    const records = cascade.lines.map((line) => JSON.parse(lines[line - 1]!));
    writeFileSync(join(root, 'checkout_cascade.json'), JSON.stringify(records, null, 2) + '\n');
  }
  const summary = injected.map((i) => ({ ...i, lines: i.lines.length > 5 ? `${i.lines.length} lines from ${i.lines[0]}` : i.lines }));
  console.log(`${scenario.file}: ${lines.length} lines`, summary.length ? JSON.stringify(summary) : '');
}

// The design's worked example, exactly, and a baseline in which its database timeout is known and fast.
writeFileSync(join(root, 'sample_logs.json'), JSON.stringify(DESIGN_SAMPLE, null, 2) + '\n');
const sampleBaseline = [...designBaseline(1, 600)];
writeFileSync(join(root, 'sample_baseline.jsonl'), sampleBaseline.join('\n') + '\n');
console.log(`sample_logs.json: ${DESIGN_SAMPLE.length} records; sample_baseline.jsonl: ${sampleBaseline.length} lines`);
