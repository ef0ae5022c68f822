/**
 * Placeholder vocabulary of the template miner.
 *
 * Typed placeholders name what the masker recognised; `{*}` marks a position the miner
 * generalised because the messages of one cluster differ there.
 */
export const PLACEHOLDERS = [
  '{num}',
  '{hex}',
  '{uuid}',
  '{ip}',
  '{mac}',
  '{host}',
  '{path}',
  '{url}',
  '{email}',
  '{time}',
  '{date}',
  '{id}',
  '{bool}',
] as const;

/** One of the typed placeholders the masker writes. */
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The placeholder of a position where the lines of a cluster differ. */
export const WILDCARD = '{*}';

const OPEN_BRACE = 123; // '{'

/**
 * True when a masked token holds a placeholder (typed or `{*}`).
 * The masker never leaves a literal `{` followed by a placeholder name, so a quick `{` scan
 * followed by a name check is exact.
 */
export function hasPlaceholder(token: string): boolean {
  let at = token.indexOf('{');
  while (at !== -1) {
    if (placeholderLengthAt(token, at) > 0) return true;
    at = token.indexOf('{', at + 1);
  }
  return false;
}

/** Length of the placeholder starting at `at`, or 0 when none starts there. */
export function placeholderLengthAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== OPEN_BRACE) return 0;
  const close = text.indexOf('}', at + 2);
  if (close === -1 || close - at > 7) return 0;
  const candidate = text.slice(at, close + 1);
  return candidate === WILDCARD || (PLACEHOLDERS as readonly string[]).includes(candidate) ? candidate.length : 0;
}
