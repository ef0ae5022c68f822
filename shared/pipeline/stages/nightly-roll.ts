/**
 * The nightly roll step for one source and one day: the model that was current on that day is
 * retrained from its uploaded baseline plus the day's logs, incidents left out (roll-exclusion.ts),
 * and its statistics become the anchor's (the model trained from the upload) merged with the
 * statistics of the last `historyDays` rolled days (mergeable baselines). The history is bounded:
 * a day older than that drops out of the merge; uploading a new baseline starts over from it.
 *
 * Only the day's objects with a DONE run are rolled (their findings say what to leave out); the
 * others are named in the outcome (`unvetted`) and stay out.
 *
 * Past days: the base is the pointer current at the end of `day` (model-history.ts). When that is
 * still the current pointer, the rolled model becomes current; otherwise (a past day rebuilt after
 * later rolls or a retraining) the rolled model is saved and recorded, `rolling/<source>/rebuilt/<day>.json`
 * names it, and `current` is left alone.
 */
import { Baseline } from '../../baseline/baseline.ts';
import { sessionIdFromMessage } from '../../detect/session-id.ts';
import { ingest } from '../../ingest/ingest.ts';
import type { LogRecord } from '../../ingest/record.ts';
import { IngestReport } from '../../ingest/report.ts';
import type { CurrentModel, ModelStore } from '../../model/model-store.ts';
import { sealModel, type Model } from '../../model/model.ts';
import type { ModelRegistry, ObjectInfo, ObjectStore, ResultReader, SourceObject } from '../../ports.ts';
import { trainModelWithSlice } from '../train.ts';
import { BASELINE_PREFIX } from './layout.ts';
import { pointerAt, pointerHistory, recordPointer } from './model-history.ts';
import { daySliceKey, rebuiltDayKey } from './nightly-layout.ts';
import { emptyExclusionCounts, exclusionForObject, type ExclusionCounts, type RecordExclusion } from './roll-exclusion.ts';
import { loadSourceConfig, settingsOf } from './source-config.ts';

export interface RollPorts {
  objects: ObjectStore;
  models: ModelStore;
  reader: ResultReader;
  modelRegistry: ModelRegistry;
}

export interface RollDay {
  source: string;
  day: string;
  dayStart: number;
  dayEnd: number;
  /** The source's log objects written during the day. */
  dayLogs: ObjectInfo[];
  now: number;
  historyDays: number;
}

export type RollOutcome =
  | {
    status: 'ROLLED'; modelId: string; days: string[];
    /** The model the day was rolled from (the one current on that day). */
    baseModelId: string;
    /** False for a past day: the rolled model was kept but did not become current. */
    madeCurrent: boolean;
    excluded: ExclusionCounts;
    /** Objects of the day left out because no DONE run vetted them. */
    unvetted: string[];
  }
  | { status: 'UNCHANGED' | 'NO_MODEL' | 'NO_LOGS'; modelId?: string }
  /** Not rolled: `config/<source>.json` is invalid, or differs from the one the model was trained with. */
  | { status: 'INVALID_CONFIG' | 'CONFIG_CHANGED'; modelId: string; reason: string };

export async function rollDay(ports: RollPorts, job: RollDay): Promise<RollOutcome> {
  const { source, day } = job;
  const current = await ports.models.current(source);
  if (!current) return { status: 'NO_MODEL' };
  const history = await pointerHistory(ports.objects, source);
  // A day is rolled after it began: only pointers set since then can name it.
  for (const pointer of [current, ...await Promise.all(history.filter((h) => h.at >= job.dayStart).map((h) => h.read()))]) {
    if (pointer?.rolled?.days.includes(day)) return { status: 'UNCHANGED', modelId: pointer.modelId };
  }
  const rebuilt = await ports.objects.getText(rebuiltDayKey(source, day));
  if (rebuilt !== undefined) return { status: 'UNCHANGED', modelId: (JSON.parse(rebuilt) as CurrentModel).modelId };
  const base = await pointerAt(history, current, job.dayEnd - 1);
  if (!base) return { status: 'NO_MODEL' };
  const madeCurrent = base.modelId === current.modelId && base.trainedAt === current.trainedAt;
  if (job.dayLogs.length === 0) return { status: 'NO_LOGS', modelId: base.modelId };
  const config = await loadSourceConfig(ports.objects, source);
  if (!config.ok) return { status: 'INVALID_CONFIG', modelId: base.modelId, reason: config.error.message };
  // Statistics of records parsed another way would not line up with the anchor's: retraining from
  // the baseline upload starts the history over with the new config.
  if (config.tag !== base.configTag) {
    return { status: 'CONFIG_CHANGED', modelId: base.modelId, reason: `${config.key} changed after model ${base.modelId} was trained: upload the baseline to baseline/${source}/ again to retrain with it` };
  }
  const settings = settingsOf(config);

  // Only what detection vetted rolls, minus what it found: runs of the day's objects (late ones too).
  const runs = (await ports.reader.listRuns(source, { from: job.dayStart, to: job.now })).filter((r) => r.status === 'DONE');
  const excluded = emptyExclusionCounts();
  const dayParts: { input: SourceObject; exclude: RecordExclusion }[] = [];
  const unvetted: string[] = [];
  for (const o of job.dayLogs) {
    const own = runs.filter((r) => r.input.key === o.key && r.input.etag === o.etag);
    if (own.length === 0) unvetted.push(o.key);
    else dayParts.push({ input: ports.objects.input(o.key, o.etag), exclude: await exclusionForObject(ports.reader, ports.models, own, excluded) });
  }
  if (dayParts.length === 0) return { status: 'NO_LOGS', modelId: base.modelId };

  const anchorInputs = base.trainedFrom.filter((o) => o.key.startsWith(`${BASELINE_PREFIX}${source}/`)).map((o) => ports.objects.input(o.key));
  const fillSession = settings.sessionRegex ? sessionIdFromMessage(settings.sessionRegex) : undefined;
  let inDay = false;
  async function* records(): AsyncGenerator<LogRecord[]> {
    yield* ingest(anchorInputs, settings.ingest, new IngestReport());
    // trainModel consumes each batch before asking for the next, so the flag is exact per record.
    inDay = true;
    for (const { input, exclude } of dayParts) {
      for await (const batch of ingest([input], settings.ingest, new IngestReport())) {
        const kept = batch.filter((record) => {
          fillSession?.(record);
          return !exclude(record);
        });
        if (kept.length > 0) yield kept;
      }
    }
  }
  const { model: trained, slice } = await trainModelWithSlice(records(), { slice: () => inDay, ...(settings.sessionRegex && { sessionRegex: settings.sessionRegex }) });
  const failure = [...anchorInputs, ...dayParts.map((p) => p.input)].find((i) => i.transientFailure)?.transientFailure;
  if (failure) throw failure;
  await ports.objects.put(daySliceKey(source, day), JSON.stringify(slice.toJSON()), 'application/json');

  const rolled = base.rolled ?? { anchorModelId: base.modelId, days: [] };
  const days = [...new Set([...rolled.days, day])].sort().slice(-job.historyDays);
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
  const vetted = job.dayLogs.filter((o) => !unvetted.includes(o.key));
  await ports.modelRegistry.recordModel({
    source, modelId: model.id, trainedAt: job.now, artifactKey, trainedFrom: [...base.trainedFrom, ...vetted.map((o) => ({ key: o.key, etag: o.etag }))],
    records: model.training.records, sessions: model.training.sessions, templates: model.vocabulary.length,
  });
  const pointer: CurrentModel = {
    modelId: model.id, artifactKey, trainedAt: job.now, trainedFrom: base.trainedFrom, rolled: { anchorModelId: rolled.anchorModelId, days },
    ...(base.configTag !== undefined && { configTag: base.configTag }),
  };
  if (madeCurrent) {
    await ports.models.setCurrent(source, pointer);
    await recordPointer(ports.objects, source, pointer, job.now);
  } else {
    await ports.objects.put(rebuiltDayKey(source, day), JSON.stringify(pointer), 'application/json');
  }
  return { status: 'ROLLED', modelId: model.id, days, baseModelId: base.modelId, madeCurrent, excluded, unvetted };
}
