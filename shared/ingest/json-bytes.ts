/** Byte-level pieces the JSON scanners share (`json-array.ts`, `json-values.ts`): they find where values end without parsing them. */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;

export function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Where a string scan stopped: at its closing quote, or at the chunk's end (maybe right after a backslash). */
export interface StringScan { at: number; closed: boolean; escaped: boolean }

/**
 * Scans on inside a JSON string from `i` (the byte at `i` is escaped when `escaped`), jumping from
 * quote to quote with the native search: strings are most of a log payload's bytes.
 */
export function scanString(chunk: Uint8Array, i: number, n: number, escaped: boolean): StringScan {
  let from = escaped ? i + 1 : i;
  for (;;) {
    const q = from < n ? chunk.indexOf(QUOTE, from) : -1;
    if (q === -1 || q >= n) return { at: n, closed: false, escaped: from <= n && backslashRun(chunk, n, from) % 2 === 1 };
    // No escape is pending at `from`, so the backslashes right before the quote decide.
    if (backslashRun(chunk, q, from) % 2 === 0) return { at: q, closed: true, escaped: false };
    from = q + 1;
  }
}

/** How many backslashes come right before `end`, not looking before `from`. */
function backslashRun(chunk: Uint8Array, end: number, from: number): number {
  let run = 0;
  while (end - run - 1 >= from && chunk[end - run - 1] === BACKSLASH) run++;
  return run;
}
