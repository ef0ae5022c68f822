/**
 * Injected incidents (issue 10, "Measure it"): for each incident, a clean input of the same generator
 * with that one incident; prints whether it was found (recall), how many findings are about it
 * against all findings (group precision), and the rank of its first finding. Findings are "about"
 * it when they point at an injected line, one of its sessions or its template (scripts/lib/incidents.ts).
 *
 *   npm run eval:incidents -- [--sessions N] [--jobs N] [--verbose]
 */
import { parseArgs } from 'node:util';
import { formatIncidentTable, incidentCorpora, runIncidents, type IncidentResult } from './lib/incident-runs.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '2000' },
    jobs: { type: 'string', default: '2000' },
    verbose: { type: 'boolean', default: false },
  },
});
const size = { sessions: Number(values.sessions), jobs: Number(values.jobs) };

process.stdout.write(`incidents: microservice ${size.sessions} sessions, job-queue ${size.jobs} jobs per file; one incident per run; CLI defaults\n\n`);
const results: IncidentResult[] = [];
for (const corpus of incidentCorpora(size)) {
  for (const result of await runIncidents(corpus)) {
    results.push(result);
    process.stderr.write(`${result.corpus} ${result.kind}: rank ${result.rank ?? '-'}\n`);
    if (values.verbose) for (const t of result.top) process.stdout.write(`  ${result.corpus} ${result.kind} top: ${t}\n`);
  }
}
process.stdout.write(formatIncidentTable(results));
