import { maskPlainWord, maskRun, maskToken, plainWordMayChange } from './mask.ts';
import { normalizeRoute } from './route.ts';

/**
 * Masks a message in one pass: whitespace-separated tokens, each masked (see `mask.ts`),
 * joined by single spaces. Runs of spaces, tabs and line breaks count as one separator and
 * leading/trailing whitespace is dropped, so a blank message gives `''`.
 *
 * This is the hot path (every record of ingest, training and detection goes through it), so:
 * - tokens are classified while they are scanned, and only tokens that may change are cut out
 *   of the message (`classifyToken`); plain integers become `{num}` without touching a regex;
 * - unchanged tokens are not copied one by one: consecutive unchanged tokens separated by a
 *   single space are one *span* of the message, cut out once (`flush`). A message that masks to
 *   itself comes back as the same string, and a typical one is built from a handful of pieces,
 *   which keeps the later signature lookup (flatten + hash) cheap.
 */
export function maskMessage(message: string): string {
  const n = message.length;
  let out = '';
  let pieces = 0;
  // The pending span of unchanged tokens: message[spanStart, spanEnd), -1 when none.
  let spanStart = -1;
  let spanEnd = -1;
  let i = 0;
  // The token before this one, for the HTTP-method check.
  let previousStart = -1;
  let previousEnd = -1;
  while (i < n) {
    let c = message.charCodeAt(i);
    while (isSpace(c)) {
      if (++i >= n) break;
      c = message.charCodeAt(i);
    }
    if (i >= n) break;
    const start = i;
    // What some / every character of the token is (bits of CHAR_CLASS), from one table look-up each.
    let some = 0;
    let every = DIGIT | SPECIAL | WORD;
    while (i < n) {
      c = message.charCodeAt(i);
      const k = c < 128 ? CHAR_CLASS[c]! : 0;
      if (k === SPACE) break;
      some |= k;
      every &= k;
      i++;
    }
    const masked = message.charCodeAt(start) === 47 /* / */ && isHttpMethod(message, previousStart, previousEnd)
      ? changedOrNull(message.slice(start, i), maskRoute)
      : maskRange(message, start, i, some, every);
    previousStart = start;
    previousEnd = i;
    if (masked === null) {
      // Unchanged: extend the span when exactly one space separates it from this token.
      if (spanStart !== -1 && start === spanEnd + 1 && message.charCodeAt(spanEnd) === 32) {
        spanEnd = i;
        continue;
      }
      if (spanStart !== -1) out = pieces++ === 0 ? message.slice(spanStart, spanEnd) : out + ' ' + message.slice(spanStart, spanEnd);
      spanStart = start;
      spanEnd = i;
      continue;
    }
    if (spanStart !== -1) {
      out = pieces++ === 0 ? message.slice(spanStart, spanEnd) : out + ' ' + message.slice(spanStart, spanEnd);
      spanStart = -1;
    }
    out = pieces++ === 0 ? masked : out + ' ' + masked;
  }
  if (spanStart !== -1) {
    // The whole message (trimmed, single-spaced) is unchanged: `slice` hands back the message itself.
    if (pieces === 0) return spanStart === 0 && spanEnd === n ? message : message.slice(spanStart, spanEnd);
    out = out + ' ' + message.slice(spanStart, spanEnd);
  }
  return out;
}

/**
 * The masked form of the token message[start, end), or `null` when it stays as it is.
 * The counts come from the tokenizer's scan, so the common shapes are decided without a regex
 * and without cutting the token out of the message:
 * - only digits → `{num}`;
 * - no digit and none of `/ \ @` → only a calendar word or a boolean can change
 *   (`plainWordMayChange` looks at the characters in place);
 * - only word characters `[0-9A-Za-z_]` with a digit (`874ms`, `ssh2`, `blk_12`) → no whole-value
 *   shape, wrapper or `key=value` can apply, so the token is one run for `maskRun`;
 * - anything else goes through the full `maskToken`.
 */
function maskRange(message: string, start: number, end: number, some: number, every: number): string | null {
  if ((every & DIGIT) !== 0) return '{num}';
  if ((some & (DIGIT | SPECIAL)) === 0) {
    if (!plainWordMayChange(message, start, end)) return null;
    return changedOrNull(message.slice(start, end), maskPlainWord);
  }
  return changedOrNull(message.slice(start, end), (every & WORD) !== 0 ? maskRun : maskToken);
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'PROPFIND']);

/** `GET`, `"POST` (a quoted request line): the token after it is a route, not a file path. */
function isHttpMethod(message: string, start: number, end: number): boolean {
  if (start < 0) return false;
  const from = message.charCodeAt(start) === 34 /* " */ ? start + 1 : start;
  const length = end - from;
  if (length < 3 || length > 8) return false;
  const first = message.charCodeAt(from);
  return first >= 65 && first <= 90 && HTTP_METHODS.has(message.slice(from, end));
}

/** A route with its ids as placeholders; a trailing quote or comma of the request line stays. */
function maskRoute(token: string): string {
  let end = token.length;
  while (end > 0 && isRouteTail(token.charCodeAt(end - 1))) end--;
  return end === token.length ? normalizeRoute(token) : normalizeRoute(token.slice(0, end)) + token.slice(end);
}

/** `"` `'` `,` `;` `)`: what may close a request line after its route. */
function isRouteTail(c: number): boolean {
  return c === 34 || c === 39 || c === 44 || c === 59 || c === 41;
}

function changedOrNull(token: string, mask: (token: string) => string): string | null {
  const masked = mask(token);
  return masked === token ? null : masked;
}

/** The masked tokens of a message (see `maskMessage`); none for a blank message. */
export function maskedTokens(message: string): string[] {
  const masked = maskMessage(message);
  return masked.length === 0 ? [] : masked.split(' ');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** Character classes of ASCII (anything else is none of them): whitespace separates tokens. */
const SPACE = 1;
/** `0-9`. */
const DIGIT = 2;
/** `/`, `\`, `@`: a path or e-mail may follow. */
const SPECIAL = 4;
/** `[0-9A-Za-z_]`. */
const WORD = 8;

const CHAR_CLASS = buildCharClasses();

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    if (isSpace(c)) table[c] = SPACE;
    else if (c >= 48 && c <= 57) table[c] = DIGIT | WORD;
    else if (c === 47 || c === 92 || c === 64) table[c] = SPECIAL;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) table[c] = WORD;
  }
  return table;
}
