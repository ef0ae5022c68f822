/**
 * What the nightly roll-forward leaves out of a day's logs, so an incident never becomes "normal":
 *
 *  - anomalous sessions: the sessions of SESSION_OUTLIER findings and of every finding whose
 *    context is its FULL_SESSION;
 *  - the records of NEW_TEMPLATE findings: records whose message matches no template of the model
 *    that ran the detection (that is what made them new), when the run reported new templates;
 *  - the records of ERROR_BURST findings: records of the bursting templates (all of that day's);
 *  - the windows of TEMPLATE_OUTLIER findings: the records their WINDOW context spans, or
 *    ±{@link OUTLIER_RADIUS} lines around each example when the context holds no records.
 *
 * Built per object from the day's stored runs (DONE ones) and their anomalies; read through the
 * {@link ResultReader} port, the detection models through the {@link ModelStore}.
 */
import type { Anomaly } from '../../detect/types.ts';
import type { LogRecord } from '../../ingest/record.ts';
import type { Model } from '../../model/model.ts';
import type { ModelStore } from '../../model/model-store.ts';
import type { ResultReader, RunRecord } from '../../ports.ts';

/** Lines on each side of a TEMPLATE_OUTLIER example whose context carries no records. */
export const OUTLIER_RADIUS = 50;

/** Says whether one record of one object stays out of the rolled baseline. */
export type RecordExclusion = (record: LogRecord) => boolean;

/** How many records each rule left out (a record counts under the first rule that matched). */
export interface ExclusionCounts {
  sessions: number;
  newTemplates: number;
  errorBursts: number;
  outlierWindows: number;
}

/** What one object's runs say to leave out. */
interface ObjectRules {
  sessions: Set<string>;
  /** Per detection model (the run's): its bursting template ids, and whether its unknown templates go. */
  byModel: { model: Model; burstTemplates: Set<string>; dropUnknown: boolean }[];
  /** Record source name → inclusive line ranges. */
  windows: Map<string, [number, number][]>;
}

export const emptyExclusionCounts = (): ExclusionCounts => ({ sessions: 0, newTemplates: 0, errorBursts: 0, outlierWindows: 0 });

/**
 * The exclusion for one object's records from `runs` (that object's DONE runs of the day). The
 * returned function also counts what it left out into `counts`.
 */
export async function exclusionForObject(
  reader: ResultReader, models: ModelStore, runs: RunRecord[], counts: ExclusionCounts,
): Promise<RecordExclusion> {
  const rules: ObjectRules = { sessions: new Set(), byModel: [], windows: new Map() };
  for (const run of runs) {
    const anomalies = await allAnomalies(reader, run.runId);
    for (const anomaly of anomalies) await addRule(rules, reader, run.runId, anomaly);
    const burstTemplates = new Set(anomalies.filter((a) => a.type === 'ERROR_BURST').map((a) => a.templateId));
    const dropUnknown = anomalies.some((a) => a.type === 'NEW_TEMPLATE');
    // Template ids are the detection model's: records are matched against that model.
    if (dropUnknown || burstTemplates.size > 0) rules.byModel.push({ model: await models.load(run.source, run.modelId), burstTemplates, dropUnknown });
  }
  return (record) => {
    if (record.sessionId !== undefined && rules.sessions.has(record.sessionId)) return count(counts, 'sessions');
    const ranges = rules.windows.get(record.source);
    if (ranges?.some(([from, to]) => record.line >= from && record.line <= to)) return count(counts, 'outlierWindows');
    for (const { model, burstTemplates, dropUnknown } of rules.byModel) {
      const cluster = model.miner.match(record.message);
      if (cluster < 0 && dropUnknown) return count(counts, 'newTemplates');
      if (cluster >= 0 && burstTemplates.has(model.miner.templateId(cluster))) return count(counts, 'errorBursts');
    }
    return false;
  };
}

function count(counts: ExclusionCounts, rule: keyof ExclusionCounts): true {
  counts[rule]++;
  return true;
}

async function allAnomalies(reader: ResultReader, runId: string): Promise<Anomaly[]> {
  const out: Anomaly[] = [];
  let after: string | undefined;
  do {
    const page = await reader.pageAnomalies(runId, { limit: 200, ...(after !== undefined && { after }) });
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

async function addRule(rules: ObjectRules, reader: ResultReader, runId: string, anomaly: Anomaly): Promise<void> {
  const session = anomaly.context.contextType === 'FULL_SESSION' ? anomaly.context.sessionId ?? anomaly.sessionId : undefined;
  if (session !== undefined) rules.sessions.add(session);
  if (anomaly.type === 'SESSION_OUTLIER' && anomaly.sessionId !== undefined) rules.sessions.add(anomaly.sessionId);
  if (anomaly.type !== 'TEMPLATE_OUTLIER') return;
  // Listings may leave context records out: the full anomaly has them.
  const full = anomaly.context.logs.length > 0 ? anomaly : (await reader.getAnomaly(runId, anomaly.id)) ?? anomaly;
  const logs = full.context.contextType === 'WINDOW' ? full.context.logs : [];
  if (logs.length > 0) {
    for (const source of new Set(logs.map((l) => l.source))) {
      const lines = logs.filter((l) => l.source === source).map((l) => l.line);
      addWindow(rules, source, Math.min(...lines), Math.max(...lines));
    }
    return;
  }
  const examples = full.examples ?? (full.source !== null && full.line !== null ? [{ source: full.source, line: full.line }] : []);
  for (const e of examples) addWindow(rules, e.source, e.line - OUTLIER_RADIUS, e.line + OUTLIER_RADIUS);
}

function addWindow(rules: ObjectRules, source: string, from: number, to: number): void {
  rules.windows.set(source, [...(rules.windows.get(source) ?? []), [from, to]]);
}
