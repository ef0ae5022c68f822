/**
 * The skeleton of a masked message: its constant tokens in order, leaving out variables and
 * unit words (`KB`, `sec`, `bytes`…) that travel with numbers. Two messages with the same
 * skeleton but different token counts are one event whose variables took different numbers of
 * tokens (`0 bytes sent` / `1190 bytes (1.16 KB) sent`).
 *
 * `null` when the skeleton is too weak to identify an event: fewer than two constant tokens, or
 * no variable at all (then the token count cannot vary for the same event).
 */
export function skeletonOf(tokens: readonly string[], variable: readonly boolean[]): string | null {
  const kept: string[] = [];
  let dropped = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (variable[i] || isUnitWord(tokens[i]!)) dropped++;
    else kept.push(tokens[i]!);
  }
  return dropped > 0 && kept.length >= 2 ? kept.join(' ') : null;
}

const UNIT_WORD_RE = /^[^A-Za-z0-9]*(?:ms|us|ns|s|sec|secs|seconds|min|mins|minutes|h|hr|hrs|hours|B|KB|kB|KiB|MB|MiB|GB|GiB|TB|TiB|bytes)[^A-Za-z0-9]*$/;

function isUnitWord(token: string): boolean {
  return token.length <= 12 && UNIT_WORD_RE.test(token);
}
