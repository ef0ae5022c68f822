/**
 * The nightly digest step for one source and one day: the day's digest gets its top anomalies
 * (with explanations) and the report key, and the source's self-contained HTML report of the day
 * goes to `reports/<day>/<source>.html` (written only when its bytes differ).
 */
import { Baseline } from '../../baseline/baseline.ts';
import type { Anomaly } from '../../detect/types.ts';
import type { ModelStore } from '../../model/model-store.ts';
import type { DigestAnomaly, DigestStore, ObjectStore, ResultReader } from '../../ports.ts';
import { renderReport } from '../../report/report.ts';
import type { TemplateCount } from '../detector.ts';
import { daySliceKey, reportKey } from './nightly-layout.ts';

export interface DigestPorts {
  objects: ObjectStore;
  models: ModelStore;
  reader: ResultReader;
  digests: DigestStore;
}

export interface DigestOutcome {
  runs: number;
  topAnomalies: number;
  reportKey: string;
  reportWritten: boolean;
}

export async function writeDayDigest(
  ports: DigestPorts, job: { source: string; day: string; dayStart: number; dayEnd: number; top: number; historyDays: number },
): Promise<DigestOutcome> {
  const { source, day } = job;
  const runs = (await ports.reader.listRuns(source, { from: job.dayStart, to: job.dayEnd - 1 })).sort((a, b) => a.startedAt - b.startedAt || a.runId.localeCompare(b.runId));
  const listed: Anomaly[] = [];
  const candidates: { runId: string; anomaly: Anomaly }[] = [];
  for (const run of runs.filter((r) => r.status === 'DONE')) {
    const page = await ports.reader.pageAnomalies(run.runId, { limit: 200 });
    listed.push(...page.items);
    candidates.push(...page.items.map((anomaly) => ({ runId: run.runId, anomaly })));
  }
  const best = candidates.sort((a, b) => b.anomaly.score - a.anomaly.score || a.anomaly.id.localeCompare(b.anomaly.id)).slice(0, job.top);
  const full: { runId: string; anomaly: Anomaly }[] = [];
  for (const { runId, anomaly } of best) full.push({ runId, anomaly: (await ports.reader.getAnomaly(runId, anomaly.id)) ?? anomaly });
  const key = reportKey(day, source);
  if (runs.length > 0) await ports.digests.putDigestHighlights(day, source, { top: full.map((f) => digestAnomaly(f.anomaly, f.runId)), reportKey: key });

  const digest = await ports.digests.getDigest(day, source);
  const html = renderReport({
    title: `logsleuth nightly report ${day} · ${source}`,
    subtitle: `${day} (UTC) · ${source} · ${runs.length} run(s) · baselines roll over the last ${job.historyDays} day(s)`,
    runs, anomalies: listed,
    top: full.map((f) => f.anomaly),
    templates: (await dayTemplates(ports, source, day)).sort((a, b) => b.count - a.count || a.templateId.localeCompare(b.templateId)).slice(0, 40),
    digests: digest ? [digest] : [],
  });
  const written = (await ports.objects.getText(key)) !== html;
  if (written) await ports.objects.put(key, html, 'text/html; charset=utf-8');
  return { runs: runs.length, topAnomalies: full.length, reportKey: key, reportWritten: written };
}

/** The day's template counts from its stored slice, named by the current model's templates. */
async function dayTemplates(ports: DigestPorts, source: string, day: string): Promise<TemplateCount[]> {
  const text = await ports.objects.getText(daySliceKey(source, day));
  const current = await ports.models.current(source);
  if (text === undefined || !current) return [];
  const slice = Baseline.fromJSON(JSON.parse(text));
  const model = await ports.models.load(source, current.modelId);
  const names = new Map<string, string>();
  for (let c = 0; c < model.miner.clusterCount; c++) names.set(model.miner.templateId(c), model.miner.template(c));
  return slice.templateIds().map((id) => {
    const stats = slice.get(id)!;
    const problems = (stats.levels.WARN ?? 0) + (stats.levels.ERROR ?? 0) + (stats.levels.FATAL ?? 0);
    return { templateId: id, template: `${source}: ${names.get(id) ?? id}`, count: stats.count, problems, isNew: false };
  });
}

function digestAnomaly(anomaly: Anomaly, runId: string): DigestAnomaly {
  const e = anomaly.explanation;
  return {
    runId, anomalyId: anomaly.id, type: anomaly.type, score: anomaly.score, template: anomaly.template,
    ...(anomaly.sessionId !== undefined && { sessionId: anomaly.sessionId }),
    ...(e && { explanation: { method: e.method, summary: e.summary, rootCause: e.rootCause } }),
  };
}
