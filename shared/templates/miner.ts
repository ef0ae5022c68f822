import { alignTemplates } from './align.ts';
import { hasPlaceholder, WILDCARD } from './placeholders.ts';
import { mergeShape } from './refine.ts';
import { compare, strictSimilarity } from './similarity.ts';
import { skeletonOf } from './skeleton.ts';
import { MINER_STATE_FORMAT, MINER_STATE_VERSION, parseMinerState, type MinerState } from './state.ts';
import { templateIdOf } from './template-id.ts';
import { maskMessage } from './tokenize.ts';

/** Tuning of the miner. The defaults are the one configuration evaluated on all loghub systems. */
export interface MinerOptions {
  /**
   * Drain's tree depth: the tree keys on the token count and then on the first `depth - 3`
   * tokens (5 → two tokens). At least 3.
   */
  depth?: number;
  /** Share of matching positions (0..1) a message needs to join a cluster. */
  similarity?: number;
  /** Children per tree node before new tokens go to the `{*}` child. */
  maxChildren?: number;
  /**
   * How many different constant words one slot must show (everything else alike) before the
   * slot becomes a variable. Below that, `VM Started` and `VM Paused` stay two templates.
   */
  wordVariants?: number;
  /**
   * Masked-message signatures remembered for the fast path (cleared when any template changes);
   * also bounds how many `match()` search results are remembered. 0 turns both off.
   */
  cacheSize?: number;
}

/** The options with every default filled in. */
export type ResolvedMinerOptions = Required<MinerOptions>;

export const DEFAULT_MINER_OPTIONS: ResolvedMinerOptions = {
  depth: 5,
  similarity: 0.8,
  maxChildren: 100,
  wordVariants: 4,
  cacheSize: 100_000,
};

/** The template of a cluster for one token count, and the refined shape of its `{*}` positions. */
interface Variant {
  tokens: string[];
  variable: boolean[];
  shapes: (string | null)[];
}

interface Cluster {
  /** Keyed by token count, in the order the counts were first seen. */
  variants: Map<number, Variant>;
  count: number;
  example: string;
  /** The cluster this one was merged into (itself while it stands alone). */
  parent: number;
  rendered: string | null;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  /** At the leaves: clusters filed here, in order. */
  entries: number[];
}

interface Registration {
  length: number;
  path: string[];
  cluster: number;
}

interface Hit {
  cluster: number;
  inLeaf: boolean;
}

/**
 * A Drain-style online template miner with typed masking.
 *
 * Messages are masked (see `mask.ts`) and routed through a fixed-depth prefix tree (token
 * count, then the first tokens; masked tokens under `{*}`) to a leaf whose clusters are
 * compared position by position (`similarity.ts`). A message that finds no cluster in its leaf
 * is compared with every cluster of its token count (so a variable first word does not split
 * an event), then looked up by its *skeleton* — its constant tokens without variables and
 * units — so `N bytes sent` and `N bytes (X KB) sent` share one cluster, holding one template
 * variant per token count.
 *
 * Constant words: a message never joins a cluster whose template has a different constant
 * word at some position. It opens its own cluster, unless `wordVariants` clusters (counting
 * it) differ from each other in that one slot only; then they are merged and the slot becomes
 * `{*}`. So `VM Started` / `VM Paused` stay apart while user names still generalise.
 *
 * Templates only ever generalise, and clusters can be merged after lines were assigned: the
 * index returned by `add()` stays valid, and `template()`/`templateId()` of a merged index give
 * the merged cluster's current text. Score or report with the text once mining is done.
 *
 * Ids: `templateId()` is a hash of the final template text, so clusters that end with the same
 * text (merged or not) share one id; cluster indexes stay distinct and `count()` is per index.
 *
 * Deterministic: no randomness or clock; the same messages in the same order give the same
 * clusters, templates and ids.
 */
export class TemplateMiner {
  readonly options: ResolvedMinerOptions;
  private readonly clusters: Cluster[] = [];
  private readonly root = new Map<number, TreeNode>();
  private readonly byLength = new Map<number, number[]>();
  private readonly skeletons = new Map<string, number>();
  private readonly registrations: Registration[] = [];
  /** Masked signature → cluster, valid for the current state only (cleared on every change). */
  private readonly cache = new Map<string, number>();
  /**
   * Masked signature → what `match()` found by searching (-1 for none), for signatures `cache`
   * does not hold. `match()` never fills `cache` (that would change later `add()` results), yet a
   * miner loaded with `fromJSON` starts with an empty `cache` and detection matches every record:
   * without this, each record would walk the tree and compare templates. A search depends only
   * on the templates, so this is cleared whenever they change, like `cache`; bounded by `cacheSize`.
   */
  private readonly searched = new Map<string, number>();

  constructor(options: MinerOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** Learns from one message; returns its cluster index (0..clusterCount-1, creation order). */
  add(message: string): number {
    const signature = maskMessage(message);
    const cached = this.cache.get(signature);
    if (cached !== undefined) {
      this.clusters[cached]!.count++;
      return cached;
    }
    const tokens = signature.length === 0 ? [] : signature.split(' ');
    const variable = tokens.map(hasPlaceholder);
    const hit = this.search(tokens, variable);
    let index: number;
    let changed = true;
    if (hit !== null) {
      index = hit.cluster;
      changed = this.absorb(index, tokens, variable);
      if (!hit.inLeaf) this.register(tokens, variable, index);
      changed ||= !hit.inLeaf;
    } else {
      const siblings = this.siblingsOf(tokens, variable);
      if (siblings.length > 0) {
        index = siblings[0]!;
        for (const other of siblings.slice(1)) this.merge(other, index);
        this.absorb(index, tokens, variable);
        this.register(tokens, variable, index);
      } else {
        index = this.create(message, tokens, variable);
      }
    }
    const cluster = this.clusters[index]!;
    cluster.count++;
    if (changed) {
      cluster.rendered = null;
      this.cache.clear();
      this.searched.clear();
    }
    if (this.options.cacheSize > 0) {
      if (this.cache.size >= this.options.cacheSize) this.cache.clear();
      this.cache.set(signature, index);
    }
    return index;
  }

  /** The cluster a message belongs to, or -1 when it matches none. Never changes the miner. */
  match(message: string): number {
    const signature = maskMessage(message);
    // A miner loaded with fromJSON (detection) never fills `cache`: skip its lookup then.
    const cached = (this.cache.size > 0 ? this.cache.get(signature) : undefined) ?? this.searched.get(signature);
    if (cached !== undefined) return cached;
    const tokens = signature.length === 0 ? [] : signature.split(' ');
    const hit = this.search(tokens, tokens.map(hasPlaceholder));
    const found = hit === null ? -1 : hit.cluster;
    if (this.options.cacheSize > 0) {
      if (this.searched.size >= this.options.cacheSize) this.searched.clear();
      this.searched.set(signature, found);
    }
    return found;
  }

  get clusterCount(): number {
    return this.clusters.length;
  }

  /** The current template (final once mining is done) with typed placeholders. */
  template(cluster: number): string {
    const c = this.clusters[this.resolve(this.checked(cluster))]!;
    if (c.rendered === null) {
      const rendered = [...c.variants.values()].map(renderVariant);
      c.rendered = rendered.slice(1).reduce(alignTemplates, rendered[0]!).join(' ');
    }
    return c.rendered;
  }

  /** Hash of the current template text; clusters with the same final template share it. */
  templateId(cluster: number): string {
    return templateIdOf(this.template(cluster));
  }

  /** Messages `add()` assigned to this index (a merged index keeps its own count). */
  count(cluster: number): number {
    return this.clusters[this.checked(cluster)]!.count;
  }

  /** The first message of the cluster index. */
  example(cluster: number): string {
    return this.clusters[this.checked(cluster)]!.example;
  }

  /** Versioned, JSON-safe state; `fromJSON(toJSON())` mines and matches exactly like this miner. */
  toJSON(): MinerState {
    return {
      format: MINER_STATE_FORMAT,
      version: MINER_STATE_VERSION,
      options: { ...this.options },
      clusters: this.clusters.map((c) => ({
        count: c.count,
        example: c.example,
        parent: c.parent,
        variants: [...c.variants.values()].map((v) => ({ tokens: [...v.tokens], shapes: [...v.shapes] })),
      })),
      registrations: this.registrations.map((r) => [r.length, [...r.path], r.cluster]),
      skeletons: [...this.skeletons],
    };
  }

  /** Rebuilds a miner from `toJSON()` output; throws `MinerStateError` naming what is wrong. */
  static fromJSON(state: unknown): TemplateMiner {
    const parsed = parseMinerState(state);
    const miner = new TemplateMiner(parsed.options);
    parsed.clusters.forEach((c, index) => {
      const variants = new Map<number, Variant>();
      for (const v of c.variants) {
        variants.set(v.tokens.length, { tokens: [...v.tokens], variable: v.tokens.map(hasPlaceholder), shapes: [...v.shapes] });
        miner.listByLength(v.tokens.length).push(index);
      }
      miner.clusters.push({ variants, count: c.count, example: c.example, parent: c.parent, rendered: null });
    });
    for (const [length, path, cluster] of parsed.registrations) miner.insertPath(length, path, cluster);
    for (const [skeleton, cluster] of parsed.skeletons) miner.skeletons.set(skeleton, cluster);
    return miner;
  }

  private checked(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.clusters.length) {
      throw new RangeError(`cluster ${index} does not exist (there are ${this.clusters.length})`);
    }
    return index;
  }

  private resolve(index: number): number {
    let i = index;
    while (this.clusters[i]!.parent !== i) i = this.clusters[i]!.parent;
    return i;
  }

  private search(tokens: string[], variable: boolean[]): Hit | null {
    const leaf = this.findLeaf(tokens, variable);
    if (leaf !== null) {
      const best = this.best(leaf.entries, tokens, variable);
      if (best !== -1) return { cluster: best, inLeaf: true };
    }
    // Not in its leaf: a variable first word or a full tree node sent it elsewhere.
    const sameLength = this.byLength.get(tokens.length);
    if (sameLength !== undefined) {
      const best = this.best(sameLength, tokens, variable);
      if (best !== -1) return { cluster: best, inLeaf: false };
    }
    const skeleton = skeletonOf(tokens, variable);
    const cluster = skeleton === null ? undefined : this.skeletons.get(skeleton);
    return cluster === undefined ? null : { cluster: this.resolve(cluster), inLeaf: false };
  }

  /** The first cluster with the best score ≥ the threshold, or -1. */
  private best(candidates: number[], tokens: string[], variable: boolean[]): number {
    let best = -1;
    let bestScore = -1;
    for (const candidate of candidates) {
      const index = this.resolve(candidate);
      const v = this.clusters[index]!.variants.get(tokens.length);
      if (v === undefined) continue;
      const score = strictSimilarity(v.tokens, v.variable, tokens, variable);
      if (score > bestScore) {
        bestScore = score;
        best = index;
      }
    }
    return bestScore >= this.options.similarity ? best : -1;
  }

  /**
   * Clusters that differ from the message in one constant-word slot only (and are otherwise
   * similar enough). When `wordVariants - 1` of them share that slot, returns them (first
   * created first) so the caller merges them with the message; otherwise returns [].
   */
  private siblingsOf(tokens: string[], variable: boolean[]): number[] {
    const candidates = this.byLength.get(tokens.length);
    if (candidates === undefined || this.options.wordVariants < 2) return [];
    const bySlot = new Map<number, number[]>();
    const seen = new Set<number>();
    for (const candidate of candidates) {
      const index = this.resolve(candidate);
      if (seen.has(index)) continue;
      seen.add(index);
      const v = this.clusters[index]!.variants.get(tokens.length)!;
      const c = compare(v.tokens, v.variable, tokens, variable);
      if (c.wordMismatches !== 1 || c.score + 1 / tokens.length < this.options.similarity) continue;
      if (sharedConstants(v, tokens) < MIN_SHARED_CONSTANTS) continue;
      let slot = bySlot.get(c.wordPosition);
      if (slot === undefined) bySlot.set(c.wordPosition, (slot = []));
      slot.push(index);
    }
    let chosen: number[] = [];
    for (const slot of bySlot.values()) {
      if (slot.length + 1 >= this.options.wordVariants && slot.length > chosen.length) chosen = slot;
    }
    return chosen.sort((a, b) => a - b);
  }

  private create(message: string, tokens: string[], variable: boolean[]): number {
    const index = this.clusters.length;
    this.clusters.push({ variants: new Map(), count: 0, example: message, parent: index, rendered: null });
    this.absorb(index, tokens, variable);
    this.register(tokens, variable, index);
    const skeleton = skeletonOf(tokens, variable);
    if (skeleton !== null && !this.skeletons.has(skeleton)) this.skeletons.set(skeleton, index);
    return index;
  }

  /** Generalises the cluster's variant for this token count with a message (or starts one). */
  private absorb(index: number, tokens: string[], variable: boolean[]): boolean {
    const cluster = this.clusters[index]!;
    const variant = cluster.variants.get(tokens.length);
    if (variant === undefined) {
      cluster.variants.set(tokens.length, { tokens: [...tokens], variable: [...variable], shapes: tokens.map(() => null) });
      this.listByLength(tokens.length).push(index);
      return true;
    }
    return mergeInto(variant, tokens);
  }

  /** Folds cluster `from` into `into`: its variants generalise (or join) `into`'s. */
  private merge(from: number, into: number): void {
    const source = this.clusters[from]!;
    const target = this.clusters[into]!;
    for (const [length, variant] of source.variants) {
      const existing = target.variants.get(length);
      if (existing === undefined) {
        target.variants.set(length, { tokens: [...variant.tokens], variable: [...variant.variable], shapes: [...variant.shapes] });
        this.listByLength(length).push(into);
      } else {
        mergeInto(existing, renderVariant(variant));
      }
    }
    source.parent = into;
    source.rendered = null;
    target.rendered = null;
  }

  private findLeaf(tokens: string[], variable: boolean[]): TreeNode | null {
    let node = this.root.get(tokens.length);
    if (node === undefined) return null;
    const prefix = Math.min(this.options.depth - 3, tokens.length);
    for (let i = 0; i < prefix; i++) {
      const key = variable[i] ? WILDCARD : tokens[i]!;
      const next: TreeNode | undefined = node.children.get(key) ?? node.children.get(WILDCARD);
      if (next === undefined) return null;
      node = next;
    }
    return node;
  }

  /** Chooses the tree path of a message (Drain's rules) and files the cluster there. */
  private register(tokens: string[], variable: boolean[], cluster: number): void {
    let node = this.root.get(tokens.length);
    const path: string[] = [];
    const prefix = Math.min(this.options.depth - 3, tokens.length);
    for (let i = 0; i < prefix; i++) {
      let key = variable[i] ? WILDCARD : tokens[i]!;
      if (node !== undefined && !node.children.has(key) && node.children.size >= this.options.maxChildren) key = WILDCARD;
      path.push(key);
      node = node?.children.get(key);
    }
    this.insertPath(tokens.length, path, cluster);
  }

  private insertPath(length: number, path: string[], cluster: number): void {
    let node: TreeNode | undefined = this.root.get(length);
    if (node === undefined) {
      node = { children: new Map(), entries: [] };
      this.root.set(length, node);
    }
    for (const key of path) {
      let next: TreeNode | undefined = node.children.get(key);
      if (next === undefined) {
        next = { children: new Map(), entries: [] };
        node.children.set(key, next);
      }
      node = next;
    }
    if (!node.entries.includes(cluster)) node.entries.push(cluster);
    this.registrations.push({ length, path, cluster });
  }

  private listByLength(length: number): number[] {
    let list = this.byLength.get(length);
    if (list === undefined) {
      list = [];
      this.byLength.set(length, list);
    }
    return list;
  }
}

/**
 * Constant words two templates must share besides the differing slot before that slot may
 * become a variable: in `wait (command 7)` vs `boot (command 7)` the word *is* the event.
 */
const MIN_SHARED_CONSTANTS = 3;

function sharedConstants(variant: Variant, tokens: readonly string[]): number {
  let shared = 0;
  for (let i = 0; i < tokens.length; i++) if (!variant.variable[i] && variant.tokens[i] === tokens[i]) shared++;
  return shared;
}

/** Generalises a variant with one token list of its length; returns whether anything changed. */
function mergeInto(variant: Variant, tokens: readonly string[]): boolean {
  let changed = false;
  for (let i = 0; i < tokens.length; i++) {
    const current = variant.tokens[i]!;
    const token = tokens[i]!;
    if (current === token) continue;
    if (current === WILDCARD) {
      const shape = mergeShape(variant.shapes[i] ?? WILDCARD, token);
      if (shape !== variant.shapes[i]) {
        variant.shapes[i] = shape;
        changed = true;
      }
      continue;
    }
    variant.shapes[i] = mergeShape(current, token);
    variant.tokens[i] = WILDCARD;
    variant.variable[i] = true;
    changed = true;
  }
  return changed;
}

function renderVariant(variant: Variant): string[] {
  return variant.tokens.map((t, i) => (t === WILDCARD ? (variant.shapes[i] ?? WILDCARD) : t));
}

function resolveOptions(options: MinerOptions): ResolvedMinerOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: ResolvedMinerOptions = { ...DEFAULT_MINER_OPTIONS, ...defined };
  const integer = (name: keyof ResolvedMinerOptions, min: number): void => {
    if (!Number.isInteger(resolved[name]) || resolved[name] < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${resolved[name]}`);
  };
  integer('depth', 3);
  integer('maxChildren', 1);
  integer('wordVariants', 1);
  integer('cacheSize', 0);
  if (!(resolved.similarity >= 0 && resolved.similarity <= 1)) throw new RangeError(`similarity must be within 0..1, got ${resolved.similarity}`);
  return resolved;
}
