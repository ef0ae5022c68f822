/**
 * Field splitting for the space-separated AWS access logs (ALB, Classic ELB, S3), where some
 * fields are `"quoted"` (they may contain spaces) and S3 wraps its time in `[brackets]`.
 * Hand-written rather than a regex: one pass of `indexOf`, no backtracking on odd input.
 */

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;

/**
 * Splits `line` on single spaces. A field that starts with `"` runs to the next `"` that is followed
 * by a space or the end of the line (a quote inside a value, escaped `\"` or not, does not end it);
 * its value is the text between the quotes, with `\"` unescaped. A field that starts with `[` runs to
 * the next `]` followed by a space or the end, without the brackets.
 * Returns `undefined` when a quote or bracket is never closed (a cut-off line or another format).
 * `limit` stops after that many fields (the rest is not split).
 */
export function splitFields(line: string, limit = Number.POSITIVE_INFINITY): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n && out.length < limit) {
    const c = line.charCodeAt(i);
    if (c === QUOTE || c === OPEN_BRACKET) {
      const close = c === QUOTE ? '"' : ']';
      let from = i + 1;
      let end = -1;
      for (;;) {
        const k = line.indexOf(close, from);
        if (k === -1) return undefined;
        const after = k + 1 === n || line.charCodeAt(k + 1) === SPACE;
        if (after && !(c === QUOTE && escaped(line, k, i + 1))) {
          end = k;
          break;
        }
        from = k + 1;
      }
      const raw = line.slice(i + 1, end);
      out.push(c === QUOTE && raw.includes('\\"') ? raw.replaceAll('\\"', '"') : raw);
      i = end + 2;
    } else {
      const k = line.indexOf(' ', i);
      if (k === -1) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, k));
      i = k + 1;
    }
  }
  return out;
}

/** Whether the character at `at` is escaped by an odd run of backslashes (not looking before `start`). */
function escaped(line: string, at: number, start: number): boolean {
  let count = 0;
  for (let j = at - 1; j >= start && line.charCodeAt(j) === BACKSLASH; j--) count++;
  return count % 2 === 1;
}

/** The value, or `undefined` for AWS's "no value" marker `-` and for an empty string. */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value === '-' || value === '' ? undefined : value;
}

/**
 * Collects `names[i] → values[i]` for the values that are present (not `-`, not empty), skipping
 * names in `omit` (fields already mapped to a record property). Values past `names` are ignored.
 */
export function namedFields(
  names: readonly string[],
  values: readonly string[],
  omit: ReadonlySet<string> = new Set(),
): Record<string, string> {
  const fields: Record<string, string> = {};
  const count = Math.min(names.length, values.length);
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    const value = present(values[i]);
    if (value !== undefined && !omit.has(name)) fields[name] = value;
  }
  return fields;
}

/** A number written the way AWS logs write them (`0.000073`, `-1`, `42`), or `undefined`. */
export function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.length === 0 || value.length > 24) return undefined;
  const c = value.charCodeAt(0);
  // Number('') is 0 and Number(' 1') is 1: only accept text that starts like a number.
  if (!(c === 45 /* - */ || (c >= 48 && c <= 57))) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds (with fractions) → milliseconds, rounded to the microsecond so `0.1 + 0.2` noise stays out. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1000;
}

/**
 * The duration of an ELB request: the sum of its three processing times (seconds) in ms, or
 * `undefined` when any of them is `-1` (the load balancer could not dispatch the request or the
 * target closed the connection before responding) or is not a number.
 */
export function elbDurationMs(request: string, target: string, response: string): number | undefined {
  const a = toNumber(request);
  const b = toNumber(target);
  const c = toNumber(response);
  if (a === undefined || b === undefined || c === undefined || a < 0 || b < 0 || c < 0) return undefined;
  return secondsToMs(a + b + c);
}

/** `ip:port` (IPv4 or IPv6 host) as written by ELB, or `-`: cheap shape check. */
export function isHostPortOrDash(value: string): boolean {
  if (value === '-') return true;
  const colon = value.lastIndexOf(':');
  return colon > 0 && isDigits(value.slice(colon + 1));
}

/** A three-digit HTTP status, or `-`. */
export function isStatusOrDash(value: string): boolean {
  return value === '-' || (value.length === 3 && isDigits(value));
}

/** Non-empty and only ASCII digits. */
export function isDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const d = value.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return true;
}
