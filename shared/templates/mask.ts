/**
 * Masks the variable parts of log tokens with typed placeholders, keeping the punctuation
 * around and between them: `10.1.2.3:50010` → `{ip}:{num}`, `(TID 3).` → `(TID {num}).`,
 * `uid=0` → `uid={num}`, `874ms` → `{num}ms`, `16K` → `{num}`.
 *
 * Rules are generic (what any log carries), applied in this order to one token:
 * 1. a token without a digit, `/`, `\`, `@` or a `true`/`false` is returned as is (the fast path);
 * 2. wrapper punctuation (`([{<"'` before, `)]}>"',;.:!?` after) is set aside;
 * 3. whole-value shapes: URL, Windows/Unix path, e-mail, UUID, IPv4[:port], MAC, ISO date-time,
 *    host name with a well-known top-level domain;
 * 4. `key=value`: the key is kept and the value is masked by rules 3 and 6;
 * 5. month and weekday abbreviations (`Jun`, `Fri,`) become `{date}`;
 * 6. inside the token, run by run: `0x` hex, plain and signed numbers with decimals (`-2`, `3.0`,
 *    `1.2.3`), numbers with a unit (`874ms`, `16K`, `3.5s`), underscore ids (`job_1_2`,
 *    `blk_-17`), hex ids of ≥ 6 characters holding both a digit and a letter, `true`/`false`.
 * A literal `{num}` already in a log line is indistinguishable from a placeholder; that is accepted.
 */

const URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;
const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IPV4_RE = /^\/?(?:\d{1,3}\.){3}\d{1,3}(:\d{1,5})?$/;
const MAC_RE = /^[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5}$/;
const ISO_TIME_RE = /^\d{4}-\d{2}-\d{2}[T_]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
/** Host names are recognised only with a well-known top-level domain, so `org.apache.Foo` stays. */
const HOST_RE =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|edu|gov|mil|io|local|internal|lan|corp|localdomain|(?:ac|co|com|edu|gov|net|org)\.[a-z]{2})(:\d{1,5})?$/;
/** The units of {@link UNITS} that measure time. */
const TIME_UNITS = new Set(['ms', 'us', 'ns', 's', 'sec', 'secs', 'm', 'min', 'mins', 'h', 'hr', 'hrs', 'd']);
/** Unit words after a number (`874ms`, `16K`); a set rather than a regex because it is asked per token. */
const UNITS = new Set(['ms', 'us', 'ns', 's', 'sec', 'secs', 'm', 'min', 'mins', 'h', 'hr', 'hrs', 'd', 'b', 'B', 'k', 'K', 'KB', 'kB', 'KiB', 'M', 'MB', 'MiB', 'G', 'GB', 'GiB', 'T', 'TB', 'TiB', 'bytes']);

/** Month and weekday abbreviations, as in `Fri Jun 17 07:07:00 2005` (case-sensitive). */
const CALENDAR_WORDS = new Set(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].flatMap(
    (word) => [word, `${word},`],
  ),
);

/** `([{<"'`: wrapper punctuation before a value. */
function isLeadingWrapper(c: number): boolean {
  return c === 40 || c === 91 || c === 123 || c === 60 || c === 34 || c === 39;
}

/** `)]}>"',;.:!?`: wrapper punctuation after a value. */
function isTrailingWrapper(c: number): boolean {
  return c === 41 || c === 93 || c === 125 || c === 62 || c === 34 || c === 39 || c === 44 || c === 59 || c === 46 || c === 58 || c === 33 || c === 63;
}

/** Masks one whitespace-free token. */
export function maskToken(token: string): string {
  if (!needsMasking(token)) return maskPlainWord(token);
  return maskWithWrappers(token);
}

function maskWithWrappers(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && isLeadingWrapper(token.charCodeAt(start))) start++;
  while (end > start && isTrailingWrapper(token.charCodeAt(end - 1))) end--;
  if (start === end) return token;
  // Most tokens carry no wrapper: mask them without cutting and re-joining.
  if (start === 0 && end === token.length) return maskCore(token);
  return token.slice(0, start) + maskCore(token.slice(start, end)) + token.slice(end);
}

/**
 * Masks a token known to hold no digit, `/`, `\\` or `@` (the tokenizer's fast path):
 * only calendar words and booleans can change.
 */
export function maskPlainWord(token: string): string {
  const n = token.length;
  if ((n === 3 || n === 4) && CALENDAR_WORDS.has(token)) return '{date}';
  if (n >= 4 && (token.includes('true') || token.includes('false'))) return maskWithWrappers(token);
  return token;
}

/**
 * Whether `maskPlainWord` could change message[start, end), looked at in place so the tokenizer
 * cuts out only the words that may change: a word shaped like a calendar word (`Abc`, `Abc,`),
 * or a word holding `true`/`false`.
 */
export function plainWordMayChange(message: string, start: number, end: number): boolean {
  const n = end - start;
  // Calendar words are `Xyz` or `Xyz,`.
  if ((n === 3 || (n === 4 && message.charCodeAt(start + 3) === 44)) && isUpper(message.charCodeAt(start))) {
    if (isLower(message.charCodeAt(start + 1)) && isLower(message.charCodeAt(start + 2))) return true;
  }
  return n >= 4 && holdsBoolean(message, start, end);
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** True when message[start, end) contains `true` or `false`. */
function holdsBoolean(message: string, start: number, end: number): boolean {
  for (let k = start; k + 4 <= end; k++) {
    const c = message.charCodeAt(k);
    if (c === 116 /* t */ && message.startsWith('rue', k + 1)) return true;
    if (c === 102 /* f */ && k + 5 <= end && message.startsWith('alse', k + 1)) return true;
  }
  return false;
}

/** The fast pre-check: only tokens with a digit, a path/e-mail character or a boolean can change. */
function needsMasking(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    // 0-9, '/', '\', '@'
    if ((c >= 48 && c <= 57) || c === 47 || c === 92 || c === 64) return true;
  }
  return false;
}

function maskCore(core: string): string {
  const whole = maskWhole(core);
  if (whole !== null) return whole;
  const eq = core.indexOf('=');
  if (eq > 0 && eq < core.length - 1) {
    const value = core.slice(eq + 1);
    const maskedValue = maskWhole(value) ?? maskRuns(value);
    return maskRuns(core.slice(0, eq)) + '=' + maskedValue;
  }
  return maskRuns(core);
}

/** Whole-value shapes; `null` when the core is none of them. */
function maskWhole(core: string): string | null {
  const first = core.charCodeAt(0);
  if (core.length > 6 && core.includes('://') && URL_RE.test(core)) return '{url}';
  // Each regex below runs only after a character check that every string it matches passes.
  if (first === 47 /* / */ || first === 126 /* ~ */ || first === 46 /* . */) {
    // IPV4_RE: `/` must be followed by a digit.
    if (first === 47 && isDigit(core.charCodeAt(1)) && IPV4_RE.test(core)) return ipPlaceholder(core);
    if (isUnixPath(core)) return '{path}';
  }
  if (isWindowsPathStart(core)) return '{path}';
  if (core.includes('@')) return EMAIL_RE.test(core) ? '{email}' : null;
  if (core.length === 36 && core.charCodeAt(8) === 45 && UUID_RE.test(core)) return '{uuid}';
  const dot = core.indexOf('.');
  if (first >= 48 && first <= 57 && core.length >= 7) {
    if (dot !== -1 && dot <= 3 && IPV4_RE.test(core)) return ipPlaceholder(core);
    if (core.length >= 16 && core.charCodeAt(4) === 45 && ISO_TIME_RE.test(core)) return '{time}';
  }
  if (core.length === 17 && isMacSeparator(core.charCodeAt(2)) && MAC_RE.test(core)) return '{mac}';
  if (dot !== -1 && core.length >= 4 && !(first >= 48 && first <= 57 && isAllDigits(core, 0, core.length, true)) && isHostAlphabet(core)) {
    // Only the port group of HOST_RE can hold a colon.
    if (HOST_RE.test(core)) return core.includes(':') ? '{host}:{num}' : '{host}';
  }
  return null;
}

/** An address IPV4_RE matched; only its port group can hold a colon (`test` needs no match array). */
function ipPlaceholder(core: string): string {
  return core.includes(':') ? '{ip}:{num}' : '{ip}';
}

/** The former `^(?:[A-Za-z]:\\|\\\\)` without a regex: `C:\…` or `\\…` (checked on every token). */
function isWindowsPathStart(core: string): boolean {
  const first = core.charCodeAt(0);
  if (first === 92) return core.charCodeAt(1) === 92;
  return ((first >= 65 && first <= 90) || (first >= 97 && first <= 122)) && core.charCodeAt(1) === 58 && core.charCodeAt(2) === 92;
}

function isMacSeparator(c: number): boolean {
  return c === 58 /* : */ || c === 45 /* - */;
}

/** HOST_RE matches only `[a-z0-9.:-]`; checking that first skips the regex for `org.Foo`-like names. */
function isHostAlphabet(core: string): boolean {
  for (let k = 0; k < core.length; k++) {
    const c = core.charCodeAt(k);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 58)) return false;
  }
  return true;
}

function isUnixPath(core: string): boolean {
  if (core.startsWith('./') || core.startsWith('../') || core.startsWith('~/')) return true;
  if (core.charCodeAt(0) !== 47 || core.length < 2) return false;
  // `/` followed by a name character: `/usr/lib`, `/tmp`; not `//` comments or a lone `/`.
  const second = core.charCodeAt(1);
  return second !== 47 && second !== 32;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isHexLetter(c: number): boolean {
  return (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Masks run by run, keeping every punctuation character. */
function maskRuns(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      out += text[i];
      i++;
      continue;
    }
    let j = i;
    while (j < n && isWordChar(text.charCodeAt(j))) j++;
    // `blk_-17`: an underscore id whose number carries a sign.
    while (j < n - 1 && text.charCodeAt(j - 1) === 95 && text.charCodeAt(j) === 45 && isDigit(text.charCodeAt(j + 1))) {
      j++;
      while (j < n && isWordChar(text.charCodeAt(j))) j++;
    }
    // Decimals and dotted versions: `3.0`, `1.2.3`, `3.5s`.
    if (isDigit(c)) {
      while (j < n - 1 && text.charCodeAt(j) === 46 && isDigit(text.charCodeAt(j + 1)) && isAllDigits(text, i, j, true)) {
        j++;
        while (j < n && isWordChar(text.charCodeAt(j))) j++;
      }
    }
    const masked = maskRun(text.slice(i, j));
    if (masked === '{num}' && out.endsWith('-') && isSignPosition(out)) out = out.slice(0, -1);
    out += masked;
    i = j;
  }
  return out;
}

/** True when text[from, to) holds only digits (and dots when `dots`). */
function isAllDigits(text: string, from: number, to: number, dots: boolean): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (!isDigit(c) && !(dots && c === 46)) return false;
  }
  return true;
}

/** A `-` right before a number is a sign when nothing word-like precedes it: `-1`, `=-1`, `(-2`. */
function isSignPosition(out: string): boolean {
  if (out.length === 1) return true;
  const before = out.charCodeAt(out.length - 2);
  return !isWordChar(before) && before !== 125 /* } */;
}

/**
 * Masks one run of word characters (plus the dots and signs `maskRuns` lets into it). The
 * tokenizer also calls it directly for a token made only of word characters, which is a single
 * run: no whole-value shape, wrapper or `key=value` applies to such a token.
 */
export function maskRun(run: string): string {
  const n = run.length;
  let digits = 0;
  let hexLetters = 0;
  let otherLetters = 0;
  let underscore = false;
  for (let k = 0; k < n; k++) {
    const c = run.charCodeAt(k);
    if (isDigit(c) || c === 46) digits += c === 46 ? 0 : 1;
    else if (isHexLetter(c)) hexLetters++;
    else if (c === 95) underscore = true;
    else if (c !== 45) otherLetters++;
  }
  if (digits === 0) return run === 'true' || run === 'false' ? '{bool}' : run;
  if (digits + countDots(run) === n) return '{num}';
  if (underscore) return isUnderscoreId(run) ? '{id}' : run;
  if (run.length > 2 && run.charCodeAt(0) === 48 && (run.charCodeAt(1) === 120 || run.charCodeAt(1) === 88)) {
    if (otherLetters <= 1) return '{hex}';
  }
  if (otherLetters === 0 && hexLetters > 0 && n >= 6) return '{hex}';
  if (isDigit(run.charCodeAt(0))) {
    let k = 0;
    while (k < n && (isDigit(run.charCodeAt(k)) || run.charCodeAt(k) === 46)) k++;
    const unit = run.slice(k);
    // A time unit stays (`874ms` → `{num}ms`: the template says what it measures, and mixed units
    // generalise like any differing token); sizes do not (`16K` → `{num}`), as in the loghub ground truth.
    if (k < n && UNITS.has(unit)) return TIME_UNITS.has(unit) ? `{num}${unit}` : '{num}';
  }
  return run;
}

function countDots(run: string): number {
  let dots = 0;
  for (let k = 0; k < run.length; k++) if (run.charCodeAt(k) === 46) dots++;
  return dots;
}

/** `job_1445_0020`, `blk_-17`, `attempt_1_2_m_3`: some underscore-separated part is a number. */
function isUnderscoreId(run: string): boolean {
  let start = 0;
  while (start <= run.length) {
    let end = run.indexOf('_', start);
    if (end === -1) end = run.length;
    if (isSignedInteger(run, start, end)) return true;
    start = end + 1;
  }
  return false;
}

/** run[start, end) is `-?\d+`. */
function isSignedInteger(run: string, start: number, end: number): boolean {
  const from = run.charCodeAt(start) === 45 ? start + 1 : start;
  return from < end && isAllDigits(run, from, end, false);
}
