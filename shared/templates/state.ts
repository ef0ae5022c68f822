/** Identifies a serialised template miner. */
export const MINER_STATE_FORMAT = 'logsleuth.template-miner';
/** Bumped whenever the state layout or the masking rules change meaning. */
export const MINER_STATE_VERSION = 1;

/** The JSON form of a `TemplateMiner` (a model artifact). */
export interface MinerState {
  format: typeof MINER_STATE_FORMAT;
  version: typeof MINER_STATE_VERSION;
  options: { depth: number; similarity: number; maxChildren: number; wordVariants: number; cacheSize: number };
  clusters: {
    count: number;
    example: string;
    /** The cluster it was merged into; its own index while it stands alone. */
    parent: number;
    /** One template per token count the cluster has seen; `shapes[i]` refines a `{*}` at i. */
    variants: { tokens: string[]; shapes: (string | null)[] }[];
  }[];
  /** Tree filings in order: [token count, path keys, cluster]. */
  registrations: [number, string[], number][];
  /** Skeleton → cluster, for messages whose token count differs. */
  skeletons: [string, number][];
}

/** Thrown by `TemplateMiner.fromJSON` when the state is not one this version can load. */
export class MinerStateError extends Error {
  override name = 'MinerStateError';
}

/** Checks the shape of a state and returns it typed; the error names the first bad field. */
export function parseMinerState(state: unknown): MinerState {
  const fail = (what: string): never => {
    throw new MinerStateError(`template miner state: ${what}`);
  };
  if (!isObject(state)) return fail('expected an object from TemplateMiner.toJSON()');
  if (state.format !== MINER_STATE_FORMAT) return fail(`format must be "${MINER_STATE_FORMAT}", got ${JSON.stringify(state.format)}`);
  if (state.version !== MINER_STATE_VERSION) {
    return fail(`version ${JSON.stringify(state.version)} is not supported (this build reads version ${MINER_STATE_VERSION}); mine again`);
  }
  const options = state.options;
  if (!isObject(options)) return fail('options must be an object');
  for (const key of ['depth', 'similarity', 'maxChildren', 'wordVariants', 'cacheSize']) {
    if (typeof options[key] !== 'number') fail(`options.${key} must be a number`);
  }
  if (!Array.isArray(state.clusters)) return fail('clusters must be an array');
  const clusterCount = state.clusters.length;
  state.clusters.forEach((c: unknown, i) => {
    if (!isObject(c)) return fail(`clusters[${i}] must be an object`);
    if (!isCount(c.count)) fail(`clusters[${i}].count must be a non-negative integer`);
    if (typeof c.example !== 'string') fail(`clusters[${i}].example must be a string`);
    if (!isCount(c.parent) || c.parent >= clusterCount) fail(`clusters[${i}].parent must be an existing cluster index`);
    if (!Array.isArray(c.variants) || c.variants.length === 0) return fail(`clusters[${i}].variants must be a non-empty array`);
    c.variants.forEach((v: unknown, k) => {
      const where = `clusters[${i}].variants[${k}]`;
      if (!isObject(v) || !isStringArray(v.tokens) || !Array.isArray(v.shapes)) return fail(`${where} must hold tokens and shapes arrays`);
      if (v.shapes.length !== v.tokens.length || !v.shapes.every((s) => s === null || typeof s === 'string')) {
        fail(`${where}.shapes must hold one string or null per token`);
      }
    });
  });
  if (!Array.isArray(state.registrations)) return fail('registrations must be an array');
  state.registrations.forEach((r: unknown, i) => {
    if (!Array.isArray(r) || r.length !== 3 || !isCount(r[0]) || !isStringArray(r[1]) || !isCount(r[2]) || r[2] >= clusterCount) {
      fail(`registrations[${i}] must be [token count, path, existing cluster]`);
    }
  });
  if (!Array.isArray(state.skeletons)) return fail('skeletons must be an array');
  state.skeletons.forEach((s: unknown, i) => {
    if (!Array.isArray(s) || s.length !== 2 || typeof s[0] !== 'string' || !isCount(s[1]) || s[1] >= clusterCount) {
      fail(`skeletons[${i}] must be [skeleton, existing cluster]`);
    }
  });
  return state as unknown as MinerState;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((s) => typeof s === 'string');
}
