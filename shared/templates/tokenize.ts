import { maskPlainWord, maskToken } from './mask.ts';

/**
 * Masks a message in one pass: whitespace-separated tokens, each masked (see `mask.ts`),
 * joined by single spaces. Runs of spaces, tabs and line breaks count as one separator and
 * leading/trailing whitespace is dropped, so a blank message gives `''`.
 *
 * This is the hot path: tokens without a digit, `/`, `\`, `@` or `=`-free booleans are copied as
 * they are and plain integers become `{num}` without touching a regex.
 */
export function maskMessage(message: string): string {
  let out = '';
  const n = message.length;
  let i = 0;
  let first = -1;
  while (i < n) {
    let c = message.charCodeAt(i);
    while (isSpace(c)) {
      if (++i >= n) return out;
      c = message.charCodeAt(i);
    }
    const start = i;
    if (first === -1) first = start;
    let digits = 0;
    let special = false;
    while (i < n) {
      c = message.charCodeAt(i);
      if (isSpace(c)) break;
      if (c >= 48 && c <= 57) digits++;
      else if (c === 47 || c === 92 || c === 64) special = true;
      i++;
    }
    const length = i - start;
    let masked: string;
    if (digits === length) masked = '{num}';
    else if (digits === 0 && !special) masked = maskPlainWord(message.slice(start, i));
    else masked = maskToken(message.slice(start, i));
    out = start === first ? masked : out + ' ' + masked;
  }
  return out;
}

/** The masked tokens of a message (see `maskMessage`); none for a blank message. */
export function maskedTokens(message: string): string[] {
  const masked = maskMessage(message);
  return masked.length === 0 ? [] : masked.split(' ');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}
