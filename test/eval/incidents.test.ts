/**
 * Issue 10, "Measure it": every injected incident is still found, within the top 3 findings, on the
 * microservice generator and on the independent job-queue generator. See scripts/lib/incidents.ts
 * for what is injected and when a finding counts as about the incident.
 */
import { describe, expect, it } from 'vitest';
import { incidentCorpora, runIncidents, type IncidentResult } from '../../scripts/lib/incident-runs.ts';
import { INCIDENT_KINDS } from '../../scripts/lib/incidents.ts';

const TOP = 3;
const corpora = incidentCorpora({ sessions: 2000, jobs: 2000 });

describe.each(corpora.map((corpus) => ({ corpus, name: corpus.name })))('injected incidents on $name', ({ corpus }) => {
  // One baseline model per corpus; each incident gets its own input.
  let results: Promise<IncidentResult[]> | undefined;
  const resultFor = async (kind: string) => (await (results ??= runIncidents(corpus))).find((r) => r.kind === kind)!;

  it.each(INCIDENT_KINDS)(`finds %s within the top ${TOP}`, async (kind) => {
    const result = await resultFor(kind);

    expect(result.rank, JSON.stringify({ rank: result.rank, about: result.about, findings: result.findings, top: result.top }, null, 1)).not.toBeNull();
    expect(result.rank!).toBeLessThanOrEqual(TOP);
  });
});
