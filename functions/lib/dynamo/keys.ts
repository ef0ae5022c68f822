/**
 * The results table's item keys (single-table design, docs/data-model.md): every PK/SK/GSI string
 * the adapters write or query is built here, and {@link strip} takes them off again on read.
 */
import type { AnomalyType } from '../../../shared/detect/types.ts';
import { stableId } from '../../../shared/hash.ts';

export type Item = Record<string, unknown>;

export const ANOMALY_TYPES: AnomalyType[] = ['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER'];
/** Attributes that are keys or bookkeeping, not part of the record a port returns. */
const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'expiresAt', 'entity', 'logsKey', 'spillKey', 'verdictKey', 'runIds', 'logsInSession', 'leaseOwner', 'leaseExpiresAt'];

export const isoTime = (ms: number): string => new Date(ms).toISOString();
/** The UTC day (`yyyy-mm-dd`) of an epoch ms. */
export const dayOf = (ms: number): string => isoTime(ms).slice(0, 10);

export const runPk = (runId: string): string => `RUN#${runId}`;
/** The run item itself. */
export const runKey = (runId: string) => ({ PK: runPk(runId), SK: 'RUN' });
/** GSI1 partition of a source's runs (sorted by start time, then id). */
export const runsOfSourcePk = (source: string): string => `SOURCE#${source}#RUNS`;
export const runsOfSourceSk = (run: { startedAt: number; runId: string }): string => `${isoTime(run.startedAt)}#${run.runId}`;
/** GSI1 sort-key bounds for runs started within [from, to] epoch ms (open ends when absent). */
export function startedWithin(from?: number, to?: number): { from: string; to: string } {
  return { from: from !== undefined ? isoTime(from) : '0', to: to !== undefined ? `${isoTime(to)}~` : '~' };
}

export const anomalySk = (anomalyId: string): string => `ANOMALY#${anomalyId}`;
/** GSI1 partition of a run's anomalies, by score. */
export const anomaliesPk = (runId: string): string => `${runPk(runId)}#ANOMALIES`;
/** GSI2 partition of a run's anomalies of one type, by score. */
export const anomaliesOfTypePk = (runId: string, type: AnomalyType): string => `${runPk(runId)}#TYPE#${type}`;
/** Sorts ascending = highest score first; the id breaks ties deterministically. */
export const scoreKey = (score: number, id: string): string => `${String(1000 - Math.round(score * 1000)).padStart(4, '0')}#${id}`;
/** Score keys sort ascending from the best; "score >= min" is "key below the first key of the next lower score". */
export const minScoreBound = (minScore: number): string => String(1000 - Math.round(minScore * 1000) + 1).padStart(4, '0');
/** Where the large attributes of an oversized anomaly item go in the object store (table.ts `spill`). */
export const anomalySpillKey = (runId: string, anomalyId: string): string => `contexts/${runId}/${anomalyId}.item.json`;
/** Where the large attributes of an oversized session item go (hashed: a session id is user data of any length). */
export const sessionSpillKey = (runId: string, sessionId: string): string => `sessions/${runId}/${stableId('s', sessionId)}.item.json`;
/**
 * Where a large explainer verdict goes. Named by its content: a duplicate delivery whose verdict the
 * item's condition refuses must not overwrite the object the stored verdict points to.
 */
export const verdictKey = (runId: string, anomalyId: string, content: string): string => `contexts/${runId}/${anomalyId}.verdict.${stableId('v', content)}.json`;

/**
 * Session ids longer than this many UTF-8 bytes are hashed in keys. A session id is whatever the log
 * says (one of 2 KB was seen) and sort keys hold at most 1024 bytes; the item keeps the whole id.
 */
export const MAX_SESSION_ID_KEY_BYTES = 256;

/**
 * A session's sort key: `SESSION#<id>`, or `SESSION#~<hash of the id>` when the id is over
 * {@link MAX_SESSION_ID_KEY_BYTES}. The id itself is always kept in the item's `sessionId`, so reads
 * by id work either way (and tell two ids with one hash apart).
 */
export function sessionSk(sessionId: string): string {
  return Buffer.byteLength(sessionId) <= MAX_SESSION_ID_KEY_BYTES ? `SESSION#${sessionId}` : `SESSION#~${stableId('h', sessionId)}`;
}

/**
 * The sort key earlier versions gave a session id of 257 to 504 bytes (whole, while the key fit in
 * 512 bytes), for reading items they stored; undefined when it is the same as {@link sessionSk}'s.
 */
export function earlierSessionSk(sessionId: string): string | undefined {
  const key = `SESSION#${sessionId}`;
  return Buffer.byteLength(key) <= 512 && key !== sessionSk(sessionId) ? key : undefined;
}

export const modelKey = (source: string, modelId: string) => ({ PK: `SOURCE#${source}`, SK: `MODEL#${modelId}` });
/** GSI1 partition of a source's models (sorted by training time, then id). */
export const modelsOfSourcePk = (source: string): string => `SOURCE#${source}#MODELS`;
export const modelsOfSourceSk = (model: { trainedAt: number; modelId: string }): string => `${isoTime(model.trainedAt)}#${model.modelId}`;

export const digestPk = (day: string): string => `DIGEST#${day}`;
export const digestKey = (day: string, source: string) => ({ PK: digestPk(day), SK: `SOURCE#${source}` });

export const cachedExplanationKey = (signature: string) => ({ PK: `EXPLAIN#${signature}`, SK: 'CACHE' });

/** Drops undefined values (DynamoDB rejects them) by a JSON round trip: stored items equal what JSON would say. */
export function plain<T>(value: T): Item {
  return JSON.parse(JSON.stringify(value)) as Item;
}

/** The stored record without its keys and bookkeeping attributes. */
export function strip(item: Item): Item {
  const rest = { ...item };
  for (const name of KEY_ATTRIBUTES) delete rest[name];
  return rest;
}
