/**
 * The nightly job for one UTC day, per source (same code wherever it is bound; I/O through ports):
 *
 *  1. missed uploads: objects under `logs/<source>/` written in the 24 h before `now` with no run
 *     for that key and ETag are sent to the detection queue (an S3 event lost on the way is caught here);
 *  2. roll the baseline forward: the model is retrained from the uploaded baseline plus the day's logs,
 *     and its statistics become the anchor's (the model trained from the upload) merged with the
 *     statistics of the last `historyDays` days (mergeable baselines). The history is bounded: a day
 *     older than that drops out of the merge, so an old incident or a retired code path stops
 *     shaping "normal" after `historyDays` days; uploading a new baseline starts over from it;
 *  3. the day's digest gets its top anomalies (with explanations) and the report key, and the day's
 *     self-contained HTML report goes to `reports/<day>.html`.
 *
 * Objects are chosen with the same rule as the bucket notifications' handlers ({@link isLogObjectKey})
 * and read as `config/<source>.json` says. A source whose config is invalid, or changed since its
 * model was trained, is not rolled (its outcome says why); its missed uploads are still queued.
 *
 * Idempotent per day: a day already rolled is not rolled again (the pointer lists the days merged),
 * digest highlights and the report are recomputed from the same data into the same values, and the
 * report is only written when its bytes differ. Running twice for the same day changes nothing.
 */
import { Baseline } from '../../baseline/baseline.ts';
import type { Anomaly } from '../../detect/types.ts';
import { ingest } from '../../ingest/ingest.ts';
import type { LogRecord } from '../../ingest/record.ts';
import { IngestReport } from '../../ingest/report.ts';
import { sealModel, type Model } from '../../model/model.ts';
import type { DigestAnomaly, DigestStore, JobQueue, ModelRegistry, ObjectInfo, ObjectStore, ResultReader, RunRecord } from '../../ports.ts';
import { renderReport } from '../../report/report.ts';
import type { TemplateCount } from '../detector.ts';
import { trainModelWithSlice } from '../train.ts';
import { BASELINE_PREFIX, isLogObjectKey, LOGS_PREFIX, MODELS_PREFIX } from './layout.ts';
import type { ModelStore } from './model-store.ts';
import { loadSourceConfig, settingsOf } from './source-config.ts';

export const ROLLING_PREFIX = 'rolling/';
export const REPORTS_PREFIX = 'reports/';
/** `rolling/<source>/days/<day>.json`: one day's template statistics (a Baseline). */
export const daySliceKey = (source: string, day: string): string => `${ROLLING_PREFIX}${source}/days/${day}.json`;
/** `reports/<day>.html` */
export const reportKey = (day: string): string => `${REPORTS_PREFIX}${day}.html`;

const DAY_MS = 86_400_000;

export interface NightlyPorts {
  objects: ObjectStore;
  models: ModelStore;
  /** The day's runs and anomalies. */
  reader: ResultReader;
  digests: DigestStore;
  /** Where rolled-forward models are recorded. */
  modelRegistry: ModelRegistry;
  /** Where missed uploads go: the detection job queue (one message per object key). */
  missed: JobQueue<{ key: string }>;
}

export interface NightlyJob {
  /** The UTC day to summarise and roll (YYYY-MM-DD). */
  day: string;
  /** Epoch ms now: the 24 h window for missed uploads ends here; rolled models are dated with it. */
  now: number;
  /** Days of statistics merged on top of the anchor (default 7). */
  historyDays?: number;
  /** Top anomalies per source in the digest and the report (default 10). */
  top?: number;
}

export interface SourceOutcome {
  source: string;
  missed: string[];
  roll:
    | { status: 'ROLLED'; modelId: string; days: string[] }
    | { status: 'UNCHANGED' | 'NO_MODEL' | 'NO_LOGS'; modelId?: string }
    /** Not rolled: `config/<source>.json` is invalid, or differs from the one the model was trained with. */
    | { status: 'INVALID_CONFIG' | 'CONFIG_CHANGED'; modelId: string; reason: string };
  runs: number;
  topAnomalies: number;
}

export interface NightlyOutcome {
  day: string;
  sources: SourceOutcome[];
  reportKey: string;
  reportWritten: boolean;
}

/** Runs the nightly job for `job.day`. Transient failures are thrown (the scheduler's retry repeats it harmlessly). */
export async function runNightly(ports: NightlyPorts, job: NightlyJob): Promise<NightlyOutcome> {
  const historyDays = job.historyDays ?? 7;
  const topN = job.top ?? 10;
  const dayStart = Date.parse(`${job.day}T00:00:00.000Z`);
  if (Number.isNaN(dayStart)) throw new Error(`not a day: ${job.day} (expected YYYY-MM-DD)`);
  const dayEnd = dayStart + DAY_MS;

  const modelSources = (await ports.objects.list(MODELS_PREFIX)).filter((o) => o.key.endsWith('/current')).map((o) => o.key.slice(MODELS_PREFIX.length, -'/current'.length));
  const digestSources = (await ports.digests.listDigests(job.day)).map((d) => d.source);
  const sources = [...new Set([...modelSources, ...digestSources])].sort();

  const outcomes: SourceOutcome[] = [];
  const allRuns: RunRecord[] = [];
  const listedAnomalies: Anomaly[] = [];
  const topAnomalies: Anomaly[] = [];
  const templates: TemplateCount[] = [];
  for (const source of sources) {
    const logs = (await ports.objects.list(`${LOGS_PREFIX}${source}/`)).filter((o) => o.size > 0 && isLogObjectKey(o.key));
    const missed = await enqueueMissed(ports, source, logs, job.now);
    const roll = await rollForward(ports, source, logs.filter((o) => o.lastModified !== undefined && o.lastModified >= dayStart && o.lastModified < dayEnd), job.day, job.now, historyDays);

    const runs = (await ports.reader.listRuns(source, { from: dayStart, to: dayEnd - 1 })).sort((a, b) => a.startedAt - b.startedAt || a.runId.localeCompare(b.runId));
    const candidates: { runId: string; anomaly: Anomaly }[] = [];
    for (const run of runs.filter((r) => r.status === 'DONE')) {
      const page = await ports.reader.pageAnomalies(run.runId, { limit: 200 });
      listedAnomalies.push(...page.items);
      candidates.push(...page.items.map((anomaly) => ({ runId: run.runId, anomaly })));
    }
    const best = candidates.sort((a, b) => b.anomaly.score - a.anomaly.score || a.anomaly.id.localeCompare(b.anomaly.id)).slice(0, topN);
    const full: { runId: string; anomaly: Anomaly }[] = [];
    for (const { runId, anomaly } of best) full.push({ runId, anomaly: (await ports.reader.getAnomaly(runId, anomaly.id)) ?? anomaly });
    if (runs.length > 0) await ports.digests.putDigestHighlights(job.day, source, { top: full.map((f) => digestAnomaly(f.anomaly, f.runId)), reportKey: reportKey(job.day) });
    allRuns.push(...runs);
    topAnomalies.push(...full.map((f) => f.anomaly));
    templates.push(...await dayTemplates(ports, source, job.day));
    outcomes.push({ source, missed, roll, runs: runs.length, topAnomalies: full.length });
  }

  const html = renderReport({
    title: `logsleuth nightly report ${job.day}`,
    subtitle: `${job.day} (UTC) · ${sources.length} source(s) · ${allRuns.length} run(s) · baselines roll over the last ${historyDays} day(s)`,
    runs: allRuns, anomalies: listedAnomalies,
    top: topAnomalies.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, Math.max(topN, 10)),
    templates: templates.sort((a, b) => b.count - a.count || a.templateId.localeCompare(b.templateId)).slice(0, 40),
    digests: await ports.digests.listDigests(job.day),
  });
  const key = reportKey(job.day);
  const written = (await ports.objects.getText(key)) !== html;
  if (written) await ports.objects.put(key, html, 'text/html; charset=utf-8');
  return { day: job.day, sources: outcomes, reportKey: key, reportWritten: written };
}

/** Objects of the last 24 h without a run for their key and ETag → the detection queue. */
async function enqueueMissed(ports: NightlyPorts, source: string, logs: ObjectInfo[], now: number): Promise<string[]> {
  const recent = logs.filter((o) => o.lastModified !== undefined && o.lastModified > now - DAY_MS && o.lastModified <= now);
  if (recent.length === 0) return [];
  // A run starts after its object was written: runs since the window's start cover every recent object.
  const runs = await ports.reader.listRuns(source, { from: Math.min(...recent.map((o) => o.lastModified!)) - 60_000 });
  const seen = new Set(runs.map((r) => `${r.input.key}\u0000${r.input.etag}`));
  const missed = recent.filter((o) => !seen.has(`${o.key}\u0000${o.etag}`)).map((o) => o.key);
  if (missed.length > 0) await ports.missed.send(missed.map((key) => ({ key })));
  return missed;
}

async function rollForward(ports: NightlyPorts, source: string, dayLogs: ObjectInfo[], day: string, now: number, historyDays: number): Promise<SourceOutcome['roll']> {
  const current = await ports.models.current(source);
  if (!current) return { status: 'NO_MODEL' };
  const rolled = current.rolled ?? { anchorModelId: current.modelId, days: [] };
  if (rolled.days.includes(day)) return { status: 'UNCHANGED', modelId: current.modelId };
  if (dayLogs.length === 0) return { status: 'NO_LOGS', modelId: current.modelId };
  const config = await loadSourceConfig(ports.objects, source);
  if (!config.ok) return { status: 'INVALID_CONFIG', modelId: current.modelId, reason: config.error.message };
  // Statistics of records parsed another way would not line up with the anchor's: retraining from
  // the baseline upload starts the history over with the new config.
  if (config.tag !== current.configTag) {
    return { status: 'CONFIG_CHANGED', modelId: current.modelId, reason: `${config.key} changed after model ${current.modelId} was trained: upload the baseline to baseline/${source}/ again to retrain with it` };
  }
  const settings = settingsOf(config);

  // Retrain on the uploaded baseline followed by the day's logs; the day's records also form the slice.
  const anchorInputs = current.trainedFrom.filter((o) => o.key.startsWith(`${BASELINE_PREFIX}${source}/`)).map((o) => ports.objects.input(o.key));
  const dayInputs = dayLogs.map((o) => ports.objects.input(o.key, o.etag));
  let inDay = false;
  async function* records(): AsyncGenerator<LogRecord[]> {
    yield* ingest(anchorInputs, settings.ingest, new IngestReport());
    // trainModel consumes each batch before asking for the next, so the flag is exact per record.
    inDay = true;
    yield* ingest(dayInputs, settings.ingest, new IngestReport());
  }
  const { model: trained, slice } = await trainModelWithSlice(records(), { slice: () => inDay, ...(settings.sessionRegex && { sessionRegex: settings.sessionRegex }) });
  const failure = [...anchorInputs, ...dayInputs].find((i) => i.transientFailure)?.transientFailure;
  if (failure) throw failure;
  await ports.objects.put(daySliceKey(source, day), JSON.stringify(slice.toJSON()), 'application/json');

  const days = [...new Set([...rolled.days, day])].sort().slice(-historyDays);
  const anchor = await ports.models.load(source, rolled.anchorModelId);
  const baseline = Baseline.fromJSON(anchor.baseline.toJSON());
  for (const d of days) {
    const text = d === day ? JSON.stringify(slice.toJSON()) : await ports.objects.getText(daySliceKey(source, d));
    // A slice that is gone (deleted by hand) is skipped: the merge covers the days that remain.
    if (text !== undefined) baseline.merge(Baseline.fromJSON(JSON.parse(text)));
  }
  const { id: _id, ...rest } = trained;
  const model: Model = sealModel({ ...rest, baseline });
  const artifactKey = await ports.models.save(source, model);
  await ports.modelRegistry.recordModel({
    source, modelId: model.id, trainedAt: now, artifactKey, trainedFrom: [...current.trainedFrom, ...dayLogs.map((o) => ({ key: o.key, etag: o.etag }))],
    records: model.training.records, sessions: model.training.sessions, templates: model.vocabulary.length,
  });
  await ports.models.setCurrent(source, {
    modelId: model.id, artifactKey, trainedAt: now, trainedFrom: current.trainedFrom, rolled: { anchorModelId: rolled.anchorModelId, days },
    ...(current.configTag !== undefined && { configTag: current.configTag }),
  });
  return { status: 'ROLLED', modelId: model.id, days };
}

/** The day's template counts from its stored slice, named by the current model's templates. */
async function dayTemplates(ports: NightlyPorts, source: string, day: string): Promise<TemplateCount[]> {
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
