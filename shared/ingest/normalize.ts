import type { Level } from './record.ts';

/*
 * Value normalisers shared by the JSON and plain-text paths.
 * All of them are pure and deterministic: no local time zone, no wall clock.
 */

const LEVEL_WORDS: Record<string, Level> = {
  trace: 'TRACE', verbose: 'TRACE', finest: 'TRACE', finer: 'TRACE', t: 'TRACE', v: 'TRACE',
  debug: 'DEBUG', dbg: 'DEBUG', fine: 'DEBUG', config: 'DEBUG', d: 'DEBUG',
  info: 'INFO', information: 'INFO', informational: 'INFO', notice: 'INFO', i: 'INFO',
  warn: 'WARN', warning: 'WARN', w: 'WARN',
  error: 'ERROR', err: 'ERROR', severe: 'ERROR', e: 'ERROR',
  fatal: 'FATAL', critical: 'FATAL', crit: 'FATAL', alert: 'FATAL', emerg: 'FATAL',
  emergency: 'FATAL', panic: 'FATAL', f: 'FATAL',
};

// Level strings repeat endlessly, so the lowercase + lookup happens once per distinct spelling.
// Capped so a file with junk in its level field cannot grow it without bound.
const levelCache = new Map<string, Level | null>();
const LEVEL_CACHE_MAX = 1024;

/**
 * Maps a level value to a {@link Level}.
 * Numbers are pino/bunyan levels (10 TRACE … 60 FATAL, in-between values round up);
 * strings are matched case-insensitively (`warning`, `err`, `critical`, `W`, `30` …).
 * Returns `undefined` for anything it does not recognise.
 */
export function normalizeLevel(value: unknown): Level | undefined {
  if (typeof value === 'string') {
    const cached = levelCache.get(value);
    if (cached !== undefined) return cached ?? undefined;
    const trimmed = value.trim();
    const level = /^\d+$/.test(trimmed)
      ? numericLevel(Number(trimmed))
      : LEVEL_WORDS[trimmed.toLowerCase()];
    if (levelCache.size < LEVEL_CACHE_MAX) levelCache.set(value, level ?? null);
    return level;
  }
  if (typeof value === 'number') return numericLevel(value);
  return undefined;
}

function numericLevel(n: number): Level | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n <= 10) return 'TRACE';
  if (n <= 20) return 'DEBUG';
  if (n <= 30) return 'INFO';
  if (n <= 40) return 'WARN';
  if (n <= 50) return 'ERROR';
  return 'FATAL';
}

/**
 * Converts an epoch number to milliseconds, guessing the unit from the magnitude:
 * below 1e11 it is seconds (1e11 s is the year 5138), below 1e14 milliseconds,
 * below 1e17 microseconds, else nanoseconds.
 */
export function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  const abs = Math.abs(n);
  if (abs < 1e11) return Math.round(n * 1000);
  if (abs < 1e14) return Math.round(n);
  if (abs < 1e17) return Math.round(n / 1000);
  return Math.round(n / 1e6);
}

/**
 * Parses a timestamp value to epoch milliseconds.
 * - numbers and numeric strings: epoch seconds / ms / µs / ns (see {@link epochToMs});
 * - ISO-8601-like strings `YYYY-MM-DD[T| ]HH:MM[:SS[.,fraction]][Z|±HH[:MM]]` (also `/` as date separator);
 *   a string without a zone is read as UTC, never as the machine's local time;
 * - other strings only when they name their zone (`GMT`, `UTC`, `+0000`), via `Date.parse`.
 * Returns `undefined` when the value cannot be read that way.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const iso = parseIsoMs(value);
  if (iso !== undefined) return iso;
  const trimmed = value.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(trimmed)) return epochToMs(Number(trimmed));
  if (/(?:\b(?:GMT|UTC)|[+-]\d\d:?\d\d)$/.test(trimmed)) {
    const parsed = Date.parse(trimmed);
    if (Number.isFinite(parsed)) return parsed;
  }
  return undefined;
}

function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

let lastDatePrefix: string | undefined;
let lastDays = 0;

/** Hand-rolled because `Date.parse` is several times slower and reads zone-less strings as local time. */
function parseIsoMs(s: string): number | undefined {
  const n = s.length;
  if (n < 10) return undefined;
  const year = digits(s, 0, 4);
  const sep = s.charCodeAt(4);
  if (year < 0 || (sep !== 45 /* - */ && sep !== 47 /* / */) || s.charCodeAt(7) !== sep) return undefined;
  // Consecutive records nearly always share the date: reuse its day number.
  let days: number;
  if (lastDatePrefix !== undefined && s.startsWith(lastDatePrefix)) {
    days = lastDays;
  } else {
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
    days = daysFromCivil(year, month, day);
    lastDatePrefix = s.slice(0, 10);
    lastDays = days;
  }
  let hour = 0, minute = 0, second = 0, ms = 0, offset = 0;
  let i = 10;
  const t = s.charCodeAt(i);
  if (i < n && (t === 84 /* T */ || t === 116 /* t */ || t === 32)) {
    hour = digits(s, i + 1, 2);
    minute = digits(s, i + 4, 2);
    if (hour < 0 || hour > 24 || minute < 0 || minute > 59 || s.charCodeAt(i + 3) !== 58) return undefined;
    i += 6;
    if (s.charCodeAt(i) === 58 /* : */) {
      second = digits(s, i + 1, 2);
      if (second < 0 || second > 60) return undefined;
      i += 3;
      const f = s.charCodeAt(i);
      if (f === 46 /* . */ || f === 44 /* , */) {
        i++;
        let scale = 100;
        const from = i;
        while (i < n) {
          const c = s.charCodeAt(i) - 48;
          if (c < 0 || c > 9) break;
          ms += c * scale;
          scale /= 10;
          i++;
        }
        if (i === from) return undefined;
        ms = Math.floor(ms);
      }
    }
    if (s.charCodeAt(i) === 32 && i + 1 < n) i++;
    const z = s.charCodeAt(i);
    if (z === 90 /* Z */ || z === 122 /* z */) {
      i++;
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      const oh = digits(s, i + 1, 2);
      if (oh < 0) return undefined;
      i += 3;
      if (s.charCodeAt(i) === 58) i++;
      let om = 0;
      if (i + 2 <= n) {
        om = digits(s, i, 2);
        if (om < 0) return undefined;
        i += 2;
      }
      offset = (z === 43 ? 1 : -1) * (oh * 60 + om);
    } else if (s.startsWith('UTC', i) || s.startsWith('GMT', i)) {
      i += 3;
    }
  }
  if (i !== n) return undefined;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms - offset * 60_000;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; cheaper than `Date.UTC`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Reads a duration in milliseconds: a number (times `factor`, the unit of the field it came from),
 * a numeric string, or a string with a unit (`250ms`, `1.5s`, `30us`, `2m`) which wins over `factor`.
 */
export function parseDurationMs(value: unknown, factor: number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? scale(value, factor) : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?\s*$/.exec(value);
  if (!match) return undefined;
  const n = Number(match[1]);
  switch (match[2]) {
    case undefined: return scale(n, factor);
    case 'ns': return n / 1e6;
    case 'us': case 'µs': return n / 1000;
    case 'ms': return n;
    case 's': return n * 1000;
    case 'm': return n * 60_000;
    default: return n * 3_600_000;
  }
}

/** The unit factor (to ms) a duration field name implies: `*_us` → 0.001, `*_s` → 1000, otherwise ms. */
export function durationFactor(fieldName: string): number {
  const name = fieldName.toLowerCase();
  if (name.endsWith('ms') || name.endsWith('millis') || name.endsWith('milliseconds')) return 1;
  if (name.endsWith('us') || name.endsWith('µs') || name.endsWith('micros') || name.endsWith('microseconds')) return 0.001;
  if (name.endsWith('ns') || name.endsWith('nanos') || name.endsWith('nanoseconds')) return 1e-6;
  if (/(?:_s|_sec|_secs|seconds)$/.test(name)) return 1000;
  return 1;
}

/** `5100 µs × 0.001` is 5.1000000000000005 ms; dividing by the whole inverse gives exactly 5.1. */
function scale(value: number, factor: number): number {
  return factor < 1 ? value / Math.round(1 / factor) : value * factor;
}
