/**
 * Where things live in the bucket. Inputs and outputs have disjoint prefixes, so the bucket's
 * notifications (filtered on `baseline/` and `logs/`) can never be triggered by what the pipeline
 * writes (`models/`, `checkpoints/`, `sessions/`, `contexts/`, `rolling/`, `reports/`), nor by
 * `config/`.
 */
import { stableId } from '../../hash.ts';

export const BASELINE_PREFIX = 'baseline/';
export const LOGS_PREFIX = 'logs/';
export const MODELS_PREFIX = 'models/';
export const CHECKPOINTS_PREFIX = 'checkpoints/';
export const SESSIONS_PREFIX = 'sessions/';

/** `config/<source>.json`: how to read a source's logs (see source-config.ts). Not an input: never notified. */
export const CONFIG_PREFIX = 'config/';
export const sourceConfigKey = (source: string): string => `${CONFIG_PREFIX}${source}.json`;

/**
 * Which job queue the bucket notifications send a key to, or undefined for none. The stack
 * filters by prefix only (S3 suffix filters cannot express `app.log.1`, Firehose's extension-less
 * names or `.json.gz`), so everything under `baseline/` and `logs/` is delivered and the stages
 * skip what {@link isLogObjectKey} rejects.
 */
export function notificationTarget(key: string): 'train' | 'detect' | undefined {
  if (key.startsWith(BASELINE_PREFIX)) return 'train';
  if (key.startsWith(LOGS_PREFIX)) return 'detect';
  return undefined;
}

/**
 * Object names (last path segment, compared in lower case) that are clearly not logs, whatever
 * folder they are in: marker files of tools that write to S3, and AWS's own non-log deliveries.
 */
const NOT_LOG_NAMES: ReadonlySet<string> = new Set([
  '_success', // Hadoop/Spark/Glue job markers
  'elbaccesslogtestfile', // written once by ELB when access logging is switched on
  'manifest.json', 'manifest.checksum', // S3 Inventory / batch manifests
  'thumbs.db', 'desktop.ini',
]);

/** Sidecar files next to logs: checksums and signatures of them, not log records. */
const NOT_LOG_SUFFIXES: readonly string[] = ['.md5', '.sha1', '.sha256', '.sha512', '.crc', '.sig', '.asc', '_$folder$'];

/**
 * Whether an object under `baseline/<source>/` or `logs/<source>/` should be read as logs. The rule
 * is "anything, except what is clearly not a log": names are not checked for an extension, because
 * real log names have none or an odd one (`app.log.1`, `APP.LOG`, Firehose's
 * `stream-1-2026-03-02-10-05-00-<uuid>`, CloudFront's `E2ABC.2026-03-02-10.abcd1234.gz`) and the
 * content decides how a file is read anyway (gzip, zip, tar, JSON, text). Skipped: keys outside a
 * source folder, folder markers (`…/`, `…_$folder$`), hidden files (`.DS_Store`, `.keep`),
 * checksum/signature sidecars, job markers (`_SUCCESS`), ELB's `ELBAccessLogTestFile`, CloudTrail
 * digest files (`…_CloudTrail-Digest_…`, hashes of the trail, not events; CloudTrail's own
 * `…_CloudTrail_….json.gz` are logs) and inventory `manifest.json`. Any other `.json` is kept: a
 * JSON array of events is a log.
 */
export function isLogObjectKey(key: string): boolean {
  if (classifyKey(key) === undefined) return false;
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  if (name === '' || name.startsWith('.')) return false;
  if (NOT_LOG_NAMES.has(name)) return false;
  if (NOT_LOG_SUFFIXES.some((suffix) => name.endsWith(suffix))) return false;
  if (name.includes('_cloudtrail-digest_') || key.includes('/CloudTrail-Digest/')) return false;
  return true;
}

/** What an uploaded key is for, or undefined when it is neither a baseline nor a log object. */
export function classifyKey(key: string): { kind: 'baseline' | 'logs'; source: string } | undefined {
  for (const [prefix, kind] of [[BASELINE_PREFIX, 'baseline'], [LOGS_PREFIX, 'logs']] as const) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    // `logs/<source>/<file>`: a key straight under `logs/` names no source.
    if (slash <= 0 || slash === rest.length - 1) return undefined;
    return { kind, source: rest.slice(0, slash) };
  }
  return undefined;
}

/** `models/<source>/<modelId>/model.json` */
export const modelKey = (source: string, modelId: string): string => `${MODELS_PREFIX}${source}/${modelId}/model.json`;
/** `models/<source>/current`: JSON `{ modelId, artifactKey, trainedAt }`. */
export const currentModelKey = (source: string): string => `${MODELS_PREFIX}${source}/current`;
/** One checkpoint per continuation, so a redelivered follow-up still finds its own. */
export const checkpointKey = (runId: string, continuation: number): string => `${CHECKPOINTS_PREFIX}${runId}/${continuation}.json`;
/** Session records too big for a DynamoDB item. Session ids are user data: hashed into the key. */
export const sessionLogsKey = (runId: string, sessionId: string): string => `${SESSIONS_PREFIX}${runId}/${stableId('s', sessionId)}.json`;

/**
 * The run id: the same object version read with the same source config is the same run, however
 * often S3 or SQS deliver the event, and whichever model is current when a delivery arrives. The
 * model is deliberately not part of it: a redelivery after the nightly roll (or a retraining) finds
 * the run its first delivery started, which records the model it started with (`RunRecord.modelId`)
 * and is finished with that model; it cannot start a second run of the same object. `configTag`
 * (see `sourceConfigTag`) is left out when the source has no config; a changed (or fixed) config
 * makes a new run of the same object.
 */
export const runIdFor = (location: string, key: string, etag: string, configTag?: string): string =>
  configTag === undefined ? stableId('r', location, key, etag) : stableId('r', location, key, etag, configTag);
