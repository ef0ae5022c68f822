/**
 * User-supplied regular expressions (`--session-regex`, `--event-start`, header formats, and the
 * same options in a source's cloud config) run on RE2 (the `re2js` port): matching time is linear
 * in the line, so a pattern like `(a+)+$` cannot hang a run on a hostile line, as it does on
 * JavaScript's backtracking engine.
 */
import { RE2JS } from 're2js';
import { UserInputError } from './errors.ts';

/** Thrown when a pattern is not valid, or needs backtracking (back-references, lookaround). */
export class UnsafePatternError extends UserInputError {
  override name = 'UnsafePatternError';

  /** `reason` reads on its own after a field name: "not a valid regular expression (…)". */
  constructor(readonly pattern: string, readonly reason: string) {
    super(`"${pattern}": ${reason}`);
  }
}

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE, u: 0 };

/**
 * A `RegExp` whose matching runs on RE2. It is a real `RegExp` subclass so every place that takes a
 * `RegExp` keeps working through `exec` and `test` (and `String.prototype.match`, which calls
 * `exec`). `source` and `flags` are the pattern as given.
 *
 * Only the flags `i`, `s`, `m` and `u` are accepted: `g` and `y` would need `lastIndex`, which no
 * caller uses (and `split`/`matchAll`, which add them, are refused). The pattern must be valid for both engines, so JavaScript's own syntax check still
 * names the error position; RE2 then refuses what needs backtracking, with the reason.
 *
 * @throws {UnsafePatternError} when the pattern is invalid or uses back-references or lookaround.
 */
export class LinearRegExp extends RegExp {
  readonly #engine: RE2JS;

  constructor(pattern: string, flags = '') {
    try {
      super(pattern, flags);
    } catch (error) {
      throw new UnsafePatternError(pattern, `not a valid regular expression (${(error as Error).message})`);
    }
    let mask = 0;
    for (const flag of flags) {
      const bit = FLAGS[flag];
      if (bit === undefined) throw new UnsafePatternError(pattern, `the flag "${flag}" is not supported (only i, s, m, u)`);
      mask |= bit;
    }
    try {
      this.#engine = RE2JS.compile(RE2JS.translateRegExp(pattern), mask);
    } catch (error) {
      throw new UnsafePatternError(pattern, `cannot run in linear time (${(error as Error).message.replace(/^error parsing regexp: /, '')}): ` +
        'back-references and lookaround are not supported, rewrite it without them');
    }
  }

  /** The first match, as `RegExp.prototype.exec` returns it (index 0, capture groups, `groups`). */
  override exec(input: string): RegExpExecArray | null {
    // The DFA answers "no match" several times faster than a capturing search.
    if (!this.#engine.test(input)) return null;
    return this.#engine.exec(input) as RegExpExecArray | null;
  }

  override test(input: string): boolean {
    return this.#engine.test(input);
  }
}
