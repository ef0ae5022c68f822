import { placeholderLengthAt, WILDCARD } from './placeholders.ts';

/**
 * How well a template of the same length accepts a message.
 *
 * A position matches when the tokens are equal, when the template has `{*}` (the cluster
 * already saw different values there), or when both sides are masked variables of the same shape (`{num}` facing
 * `{hex}`). Stock Drain scores a wildcard facing a masked token as a mismatch, which makes
 * heavily masked lines open duplicate clusters; crediting it keeps one cluster per template.
 *
 * A constant word facing a different constant word (`Started` / `Paused`) is a *word
 * mismatch*: the miner does not merge across it directly (see `TemplateMiner`), it only
 * records where it is.
 */
export interface Comparison {
  /** Matching positions / length. */
  score: number;
  /** Number of word mismatches. */
  wordMismatches: number;
  /** Position of the first word mismatch, -1 when none. */
  wordPosition: number;
}

export function compare(
  template: readonly string[],
  templateVariable: readonly boolean[],
  tokens: readonly string[],
  tokenVariable: readonly boolean[],
): Comparison {
  const n = tokens.length;
  let matches = 0;
  let wordMismatches = 0;
  let wordPosition = -1;
  for (let i = 0; i < n; i++) {
    const t = template[i]!;
    if (t === tokens[i] || t === WILDCARD || (templateVariable[i] && tokenVariable[i] && sameConstantPart(t, tokens[i]!))) {
      matches++;
    } else if (!templateVariable[i] && !tokenVariable[i]) {
      if (wordMismatches++ === 0) wordPosition = i;
    }
  }
  return { score: n === 0 ? 1 : matches / n, wordMismatches, wordPosition };
}

/**
 * The score of `compare`, or -1 when there is a word mismatch: the hot-path check of whether a
 * message joins a cluster. Stops at the first word mismatch.
 */
export function strictSimilarity(
  template: readonly string[],
  templateVariable: readonly boolean[],
  tokens: readonly string[],
  tokenVariable: readonly boolean[],
): number {
  const n = tokens.length;
  if (n === 0) return 1;
  let matches = 0;
  for (let i = 0; i < n; i++) {
    const t = template[i]!;
    if (t === tokens[i] || t === WILDCARD || (templateVariable[i] && tokenVariable[i] && sameConstantPart(t, tokens[i]!))) matches++;
    else if (!templateVariable[i] && !tokenVariable[i]) return -1;
  }
  return matches / n;
}

/**
 * True when two masked tokens are equal once their placeholders are removed:
 * `{num}` / `{hex}`, `uid={num}` / `uid={hex}`; not `setLightsOn({bool})` / `ready={bool}`.
 */
export function sameConstantPart(a: string, b: string): boolean {
  return stripPlaceholders(a) === stripPlaceholders(b);
}

function stripPlaceholders(token: string): string {
  let out = '';
  let i = 0;
  while (i < token.length) {
    const length = placeholderLengthAt(token, i);
    if (length > 0) i += length;
    else out += token[i++];
  }
  return out;
}
