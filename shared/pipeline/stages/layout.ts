/**
 * Where things live in the bucket. Inputs and outputs have disjoint prefixes, so the bucket's
 * notifications (filtered on `baseline/` and `logs/`) can never be triggered by what the pipeline writes.
 */
import { stableId } from '../../hash.ts';

export const BASELINE_PREFIX = 'baseline/';
export const LOGS_PREFIX = 'logs/';
export const MODELS_PREFIX = 'models/';
export const CHECKPOINTS_PREFIX = 'checkpoints/';
export const SESSIONS_PREFIX = 'sessions/';

/**
 * Suffixes of uploaded inputs that trigger the pipeline (S3 filters take one prefix and one suffix
 * per rule, so the stack makes one rule per prefix × suffix). Lower case only, like S3's filter match.
 */
export const INPUT_SUFFIXES = ['.log', '.jsonl', '.json', '.txt', '.gz', '.tgz', '.zip', '.tar'] as const;

/** Which job a key would be routed to by the bucket notifications, or undefined for none. */
export function notificationTarget(key: string): 'train' | 'detect' | undefined {
  if (!INPUT_SUFFIXES.some((suffix) => key.endsWith(suffix))) return undefined;
  if (key.startsWith(BASELINE_PREFIX)) return 'train';
  if (key.startsWith(LOGS_PREFIX)) return 'detect';
  return undefined;
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
 * The run id: the same object version checked against the same model version is the same run,
 * however often S3 or SQS deliver the event.
 */
export const runIdFor = (location: string, key: string, etag: string, modelId: string): string => stableId('r', location, key, etag, modelId);
