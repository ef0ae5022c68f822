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

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** 1-12 for an English month abbreviation (`May`, `may`, `MAY`), -1 otherwise. */
function monthFromAbbreviation(s: string, at: number): number {
  const month = MONTHS[s.slice(at, at + 3).toLowerCase()];
  return month ?? -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses an Apache/Nginx Common Log Format time, `17/May/2015:10:05:03 +0000` (`%t` without its
 * brackets, brackets tolerated), to epoch milliseconds. The zone is `±hhmm`; a time without a zone
 * is read as UTC. An optional fraction after the seconds (`:03.123`) is kept to the millisecond.
 * Returns `undefined` for anything else (a wrong month name, day 32, a missing field).
 */
export function parseClfTimestamp(value: string): number | undefined {
  let s = value;
  if (s.charCodeAt(0) === 91 /* [ */ && s.charCodeAt(s.length - 1) === 93 /* ] */) s = s.slice(1, -1);
  // dd/Mon/yyyy:HH:MM:SS is 20 characters at fixed positions.
  if (s.length < 20 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(11) !== 58
    || s.charCodeAt(14) !== 58 || s.charCodeAt(17) !== 58) return undefined;
  const day = digits(s, 0, 2);
  const month = monthFromAbbreviation(s, 3);
  const year = digits(s, 7, 4);
  const hour = digits(s, 12, 2);
  const minute = digits(s, 15, 2);
  const second = digits(s, 18, 2);
  if (month < 0 || year < 0 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  let i = 20;
  let ms = 0;
  if (s.charCodeAt(i) === 46 /* . */ || s.charCodeAt(i) === 44 /* , */) {
    const from = ++i;
    let scale = 100;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      ms += (s.charCodeAt(i) - 48) * scale;
      scale /= 10;
      i++;
    }
    if (i === from) return undefined;
    ms = Math.floor(ms);
  }
  let offset = 0;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 32 || i + 6 !== s.length) return undefined;
    const sign = s.charCodeAt(i + 1);
    const oh = digits(s, i + 2, 2);
    const om = digits(s, i + 4, 2);
    if ((sign !== 43 && sign !== 45) || oh < 0 || om < 0 || om > 59) return undefined;
    offset = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  }
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms
    - offset * 60_000;
}

/** The parts of an RFC 3164 timestamp, before a year is chosen. */
export interface SyslogTime {
  month: number;
  day: number;
  /** Milliseconds since midnight. */
  timeOfDay: number;
}

/**
 * Reads an RFC 3164 timestamp `Mmm dd hh:mm:ss` (day space-padded or not, `Dec  2` / `Dec 2` /
 * `Dec 02`; an optional `.fraction` after the seconds as syslog-ng and some relays write it).
 * The text must be exactly the timestamp. Returns `undefined` when it is not one.
 */
export function parseSyslogTime(text: string): SyslogTime | undefined {
  const month = monthFromAbbreviation(text, 0);
  if (month < 0 || text.charCodeAt(3) !== 32) return undefined;
  let i = 4;
  if (text.charCodeAt(i) === 32) i++;
  let day = digits(text, i, 2);
  if (day >= 0) i += 2;
  else {
    day = digits(text, i, 1);
    i += 1;
  }
  if (day < 1 || day > 31 || text.charCodeAt(i) !== 32) return undefined;
  const hour = digits(text, i + 1, 2);
  const minute = digits(text, i + 4, 2);
  const second = digits(text, i + 7, 2);
  if (text.charCodeAt(i + 3) !== 58 || text.charCodeAt(i + 6) !== 58) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  i += 9;
  let ms = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    const from = ++i;
    let scale = 100;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      ms += (text.charCodeAt(i) - 48) * scale;
      scale /= 10;
      i++;
    }
    if (i === from) return undefined;
    ms = Math.floor(ms);
  }
  if (i !== text.length) return undefined;
  return { month, day, timeOfDay: hour * 3_600_000 + minute * 60_000 + second * 1000 + ms };
}

/** Epoch ms of a syslog time in `year` (UTC), or `undefined` when the date does not exist that year (Feb 29). */
export function syslogTimeInYear(time: SyslogTime, year: number): number | undefined {
  if (time.day > daysInMonth(year, time.month)) return undefined;
  return daysFromCivil(year, time.month, time.day) * 86_400_000 + time.timeOfDay;
}

/** How far after the reference time a year-less timestamp may fall and still be in the reference's year. */
export const SYSLOG_FUTURE_SLACK_MS = 31 * 86_400_000;

/**
 * Parses an RFC 3164 timestamp (`Dec  2 07:19:01`, read as UTC) to epoch milliseconds, choosing the
 * year it does not say from `referenceTime` (epoch ms the file was last written, e.g. its mtime):
 * the reference's year, unless that would put the record more than ~1 month
 * ({@link SYSLOG_FUTURE_SLACK_MS}) after the reference — a file cannot hold lines written after it
 * was last modified, bar clock skew — in which case the previous year. So a file modified on
 * 2025-01-10 reads `Dec 31 23:59:59` as 2024-12-31 and `Jan  1 00:00:01` as 2025-01-01.
 * Feb 29 goes to the nearest earlier leap year that fits.
 *
 * Without `referenceTime` the year is unknown and this returns `undefined`: a guessed year (1970,
 * or the year the tool runs) would put made-up dates into timelines and would not be deterministic.
 * Callers keep the raw text instead. A rollover inside one file whose reference is off (lines of
 * Dec 31 then Jan 1 in a file stamped mid-December) needs the previous line: see the syslog preset.
 */
export function parseSyslogTimestamp(text: string, referenceTime?: number): number | undefined {
  if (referenceTime === undefined || !Number.isFinite(referenceTime)) return undefined;
  const time = parseSyslogTime(text);
  return time && syslogTimeNear(time, referenceTime);
}

/** The syslog time in the latest year that puts it no more than the slack after `referenceTime`. */
export function syslogTimeNear(time: SyslogTime, referenceTime: number): number | undefined {
  const limit = referenceTime + SYSLOG_FUTURE_SLACK_MS;
  let year = new Date(referenceTime).getUTCFullYear();
  // At most 8 years back: enough to find a leap year for Feb 29.
  for (let tries = 0; tries < 9; tries++, year--) {
    const ms = syslogTimeInYear(time, year);
    if (ms !== undefined && ms <= limit) return ms;
  }
  return undefined;
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
