/**
 * Injected-incident runs: one clean baseline per generator, and per incident one input of the same
 * generator (another seed) with that incident alone, detected with the CLI's defaults.
 * Used by `scripts/eval-incidents.ts` and `test/eval/incidents.test.ts`.
 */
import { detectOn, table, trainOn } from './eval-harness.ts';
import { INCIDENT_KINDS, injectIncident, scoreIncident, type IncidentKind, type IncidentScore, type IncidentTargets } from './incidents.ts';
import { generateJobQueueLines } from './job-queue-logs.ts';
import { generateLogLines } from './microservice-logs.ts';

/** A generator to inject into: clean lines for a seed, and where its incidents go. */
export interface IncidentCorpus {
  name: string;
  generate: (seed: number) => string[];
  seeds: { baseline: number; input: number };
  targets: IncidentTargets;
}

const JAVA_STACK = [
  '\tat com.shop.ledger.LedgerClient.post(LedgerClient.java:214)',
  '\tat com.shop.orders.OrderService.settle(OrderService.java:97)',
  '\tat com.shop.orders.OrderController.create(OrderController.java:51)',
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  '\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)',
];
const NODE_STACK = [
  "    at resizeImage (/app/src/resize.js:88:17)",
  '    at processThumbnail (/app/src/jobs/thumbnail.js:41:11)',
  '    at async Worker.run (/app/src/worker.js:120:7)',
];

/** The microservice generator and the job-queue generator, each with its own steps as targets. */
export function incidentCorpora(size: { sessions: number; jobs: number }): IncidentCorpus[] {
  return [
    {
      name: 'microservice',
      generate: (seed) => [...generateLogLines({ seed, sessions: size.sessions })],
      seeds: { baseline: 1, input: 2 },
      targets: {
        spikeStep: 'Charged card ending',
        errorAfter: 'Created order',
        errorMessage: (n) => `Ledger posting failed for order ${n}: java.lang.IllegalStateException: ledger partition closed`,
        errorStack: JAVA_STACK,
        burstStep: 'Charged card ending',
        repeatStep: 'units of SKU',
        slowStep: 'Fetched order',
      },
    },
    {
      name: 'job-queue',
      generate: (seed) => generateJobQueueLines({ seed, jobs: size.jobs }),
      seeds: { baseline: 101, input: 202 },
      targets: {
        spikeStep: 'Upserted',
        errorAfter: 'Downloaded source',
        errorMessage: (n) => `Thumbnail worker crashed on image ${n}: TypeError: Cannot read properties of undefined (reading 'width')`,
        errorStack: NODE_STACK,
        burstStep: 'Stored object',
        repeatStep: 'Saved sync cursor',
        slowStep: 'Fetched page',
      },
    },
  ];
}

export interface IncidentResult extends IncidentScore {
  corpus: string;
  kind: IncidentKind;
  /** The first three findings, `TYPE template`, for a look at what outranked the incident. */
  top: string[];
}

/** Every incident kind on one corpus: the baseline is trained once. */
export async function runIncidents(corpus: IncidentCorpus, kinds: readonly IncidentKind[] = INCIDENT_KINDS): Promise<IncidentResult[]> {
  const model = await trainOn({ name: 'baseline.jsonl', text: `${corpus.generate(corpus.seeds.baseline).join('\n')}\n` });
  const clean = corpus.generate(corpus.seeds.input);
  const results: IncidentResult[] = [];
  for (const kind of kinds) {
    const { lines, injected } = injectIncident(clean, kind, corpus.targets);
    const result = await detectOn(model, { name: `${kind}.jsonl`, text: `${lines.join('\n')}\n` });
    results.push({
      corpus: corpus.name,
      kind,
      ...scoreIncident(result.anomalies, injected),
      top: result.anomalies.slice(0, 3).map((a) => `${a.type} ${a.template}`),
    });
  }
  return results;
}

/** One row per incident and a totals line: recall, in top 3, group precision (findings about it / all findings). */
export function formatIncidentTable(results: readonly IncidentResult[]): string {
  const rows = results.map((r) => [
    r.corpus, r.kind, r.found ? 'yes' : 'NO', r.rank ?? '-', r.firstType ?? '-', `${r.about}/${r.findings}`,
    r.findings === 0 ? '-' : (r.about / r.findings).toFixed(2),
  ]);
  const found = results.filter((r) => r.found).length;
  const top3 = results.filter((r) => r.rank !== null && r.rank <= 3).length;
  const about = results.reduce((s, r) => s + r.about, 0);
  const findings = results.reduce((s, r) => s + r.findings, 0);
  return table(['corpus', 'incident', 'found', 'rank', 'first finding', 'about/all', 'precision'], rows) +
    `\ntotal: recall ${found}/${results.length}, in top 3 ${top3}/${results.length}, group precision ${about}/${findings}` +
    ` (${findings === 0 ? '-' : (about / findings).toFixed(2)}), mean per incident ${(results.reduce((s, r) => s + (r.findings === 0 ? 0 : r.about / r.findings), 0) / results.length).toFixed(2)}\n`;
}
