/**
 * JSON as Python's `json.dumps` writes it by default: `NaN`, `Infinity` and `-Infinity` as bare
 * values. JSON has no such numbers, so `JSON.parse` refuses the whole text; a log record should not
 * be lost for one unusable number.
 */

/** Stands in for a non-finite number while parsing; no real value is this string. */
const SENTINEL = '\u0000logsleuth:non-finite\u0000';
const SENTINEL_JSON = JSON.stringify(SENTINEL);
/** A string literal (kept as is) or a bare non-finite number (replaced). */
const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|[+-]?\b(?:NaN|Infinity)\b/g;

/** A value parsed with its non-finite numbers left out, and the keys they were under. */
export interface LenientValue {
  value: unknown;
  /** Object keys (or array indexes) whose value was `NaN` or `±Infinity`, in parse order. */
  dropped: string[];
}

/**
 * Parses JSON text that `JSON.parse` refused, leaving out `NaN` / `Infinity` / `-Infinity` values
 * (an object loses the key, an array gets a hole). `undefined` when the text has none of them or is
 * still not JSON without them. Only for the failure path: it is much slower than `JSON.parse`.
 */
export function parseWithoutNonFinite(text: string): LenientValue | undefined {
  let found = false;
  const replaced = text.replace(STRING_OR_NON_FINITE, (match) => {
    if (match.charCodeAt(0) === 34 /* " */) return match;
    found = true;
    return SENTINEL_JSON;
  });
  if (!found) return undefined;
  const dropped: string[] = [];
  try {
    const value: unknown = JSON.parse(replaced, (key, v: unknown) => {
      if (v !== SENTINEL) return v;
      dropped.push(key);
      return undefined;
    });
    return { value, dropped };
  } catch {
    return undefined;
  }
}

/** `"a", "b"` for a problem message. */
export function describeDropped(dropped: string[]): string {
  const keys = [...new Set(dropped)].map((key) => (key === '' ? 'the value' : `"${key}"`));
  return keys.length > 3 ? `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more` : keys.join(', ');
}
