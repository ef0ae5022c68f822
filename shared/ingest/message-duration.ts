/**
 * Durations written into the message (`took 12 ms`, `in 0.24s`, `time: 0.2477`, `Duration: 102.25 ms`,
 * `elapsed=1.5s`, `(5000 ms)`), for records whose format has no duration field. The number stays in
 * the message, so the template miner still turns it into a placeholder.
 */

// A keyword, then a number with an optional unit; or a bare `(N unit)` / `N ms` group. The unit
// decides the scale; without one only `time:`-style keys count (seconds: OpenStack, uWSGI, Python).
const KEYWORD = /\b(took|in|after|duration|elapsed|latency|time|response[ _]time|request[ _]time|rt)\b\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(ms|msec|millis(?:econds?)?|s|sec(?:onds?)?|us|µs|micros(?:econds?)?|ns|m|min(?:utes?)?)?(?![\w.])/gi;
const BARE_UNIT = /\(\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds|µs|us)\s*\)/i;

const UNIT_MS: Record<string, number> = {
  ms: 1, msec: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  us: 0.001, 'µs': 0.001, micros: 0.001, microsecond: 0.001, microseconds: 0.001,
  ns: 1e-6, m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
};

/** Keywords that name a duration on their own, so a unitless number after them is read as seconds. */
const UNITLESS_SECONDS = new Set(['time', 'response time', 'response_time', 'request time', 'request_time', 'rt']);

/**
 * The first duration in a message, in ms, or `undefined`. Needs a unit, except after a `time`-like
 * key where the number is seconds (`time: 0.2477`). `in 3 ms` counts; `in 3 files` does not.
 */
export function durationFromMessage(message: string): number | undefined {
  if (!mayHoldDuration(message)) return undefined;
  KEYWORD.lastIndex = 0;
  for (let keyed = KEYWORD.exec(message); keyed !== null; keyed = KEYWORD.exec(message)) {
    const value = Number(keyed[2]);
    const unit = keyed[3]?.toLowerCase();
    if (unit !== undefined) return round(value * (UNIT_MS[unit] ?? 1));
    if (UNITLESS_SECONDS.has(keyed[1]!.toLowerCase()) && /[:=]/.test(keyed[0])) return round(value * 1000);
  }
  const bare = BARE_UNIT.exec(message);
  if (bare) return round(Number(bare[1]) * (UNIT_MS[bare[2]!.toLowerCase()] ?? 1));
  return undefined;
}

/**
 * The cheap pre-check that keeps the regexes off most messages (this runs for every record without a
 * duration field): a number followed by a unit letter (`12 ms`, `0.24s`, `250us`, `5 min`), or a
 * number right after `:`/`=` (`time: 0.2477`, `rt=0.1`).
 */
function mayHoldDuration(message: string): boolean {
  const n = message.length;
  for (let i = 0; i < n; i++) {
    const c = message.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    // The start of a number: was it right after `:` or `=` (maybe with one space)?
    const before = i > 0 ? message.charCodeAt(i - 1) : 0;
    const before2 = i > 1 ? message.charCodeAt(i - 2) : 0;
    if (before === 58 || before === 61 || (before === 32 && (before2 === 58 || before2 === 61))) return true;
    // Skip to the end of the number, then past one optional space, and look for a unit letter.
    let j = i + 1;
    while (j < n) {
      const d = message.charCodeAt(j);
      if ((d >= 48 && d <= 57) || d === 46) j++;
      else break;
    }
    if (j < n && message.charCodeAt(j) === 32) j++;
    const u = j < n ? message.charCodeAt(j) | 32 : 0;
    // m(s/in), s(ec), u(s), n(s), µ(s)
    if (u === 109 || u === 115 || u === 117 || u === 110 || message.charCodeAt(j) === 0xb5) return true;
    i = j;
  }
  return false;
}

/** Float noise (`0.24 * 1000 = 240.00000000000003`) would show in reports. */
function round(ms: number): number {
  return Math.round(ms * 1e6) / 1e6;
}
