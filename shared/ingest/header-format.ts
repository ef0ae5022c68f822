/**
 * Plain-text header formats in the logparser/loghub benchmark syntax:
 * `<Date> <Time> <Level> <Component>: <Content>`.
 * `<Name>` is a named field, runs of spaces match any whitespace, and every other character is
 * literal: `[<Date> <Time>] (<Level>) |<Session>|` means the brackets, parentheses and bars
 * themselves. Two loghub habits still work: `\[` (an escaped character, the same literal) and
 * `(…)?` (an optional part, e.g. `<Component>(\[<PID>\])?: <Content>`).
 *
 * The format is the user's, and so is every line it meets: the compiled pattern runs on the
 * linear-time engine ({@link LinearRegExp}), so no line can make matching hang. Most formats
 * (no optional part) are first tried by a direct scan that finds the same fields several times
 * faster; the engine decides whenever the scan is not sure.
 */
import { LinearRegExp } from '../linear-regex.ts';

export interface HeaderFormat {
  /** The format as the user gave it, for messages. */
  source: string;
  /** Field names in order of appearance (always includes `Content`). */
  names: string[];
  /** The anchored pattern; `exec` gives the fields as named groups, in linear time. */
  regex: RegExp;
}

/** Thrown when a format string cannot be used; the message says why. */
export class HeaderFormatError extends Error {
  override name = 'HeaderFormatError';
}

/**
 * Compiles a header format to an anchored regex, the way logparser's `generate_logformat_regex`
 * does (every field a lazy `.*?`, the whole line anchored), but with literal characters escaped.
 */
export function compileHeaderFormat(format: string): HeaderFormat {
  const optional = optionalGroups(format);
  const names: string[] = [];
  let pattern = '';
  const tokens: Token[] = [];
  // The scan is only exact when no literal holds white space (see scanHeader) and nothing is optional.
  let scannable = optional.size === 0;
  const text = (c: string) => {
    if (isSpace(c.charCodeAt(0))) scannable = false;
    const last = tokens.at(-1);
    if (last?.kind === 'text') last.text += c;
    else tokens.push({ kind: 'text', text: c });
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '<') {
      const close = format.indexOf('>', i);
      const name = close === -1 ? '' : format.slice(i + 1, close);
      if (close !== -1 && !name.includes('<')) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          throw new HeaderFormatError(`format field <${name}> must be a plain name (letters, digits, _)`);
        }
        if (names.includes(name)) throw new HeaderFormatError(`format field <${name}> appears twice`);
        names.push(name);
        pattern += `(?<${name}>.*?)`;
        tokens.push({ kind: 'field', name });
        i = close;
        continue;
      }
    }
    if (c === '\\' && i + 1 < format.length) {
      text(format[i + 1]!);
      pattern += escapeRegExp(format[++i]!);
    } else if (c === ' ') {
      while (format[i + 1] === ' ') i++;
      // RE2's \s: tab, line feed, form feed, carriage return, space (what isSpace tests).
      pattern += '\\s+';
      tokens.push({ kind: 'space' });
    } else if (optional.has(i)) {
      pattern += c === '(' ? '(?:' : ')?';
      if (c === ')') i++;
    } else {
      text(c);
      pattern += escapeRegExp(c);
    }
  }
  if (!names.includes('Content')) {
    throw new HeaderFormatError(`format "${format}" has no <Content> field: add one for the message`);
  }
  let regex: RegExp;
  try {
    regex = new HeaderRegExp(`^${pattern}$`, scannable ? segmentsOf(tokens) : undefined);
  } catch (error) {
    throw new HeaderFormatError(`format "${format}" is not a valid pattern: ${(error as Error).message}`);
  }
  return { source: format, names, regex };
}

type Token = { kind: 'field'; name: string } | { kind: 'text'; text: string } | { kind: 'space' };
type Run = Exclude<Token, { kind: 'field' }>[];
/** A format as the run of literals before the first field, then each field with the literals after it. */
interface Segments { head: Run; fields: { name: string; after: Run }[] }

function segmentsOf(tokens: Token[]): Segments {
  const segments: Segments = { head: [], fields: [] };
  for (const token of tokens) {
    if (token.kind === 'field') segments.fields.push({ name: token.name, after: [] });
    else (segments.fields.at(-1)?.after ?? segments.head).push(token);
  }
  return segments;
}

/** The compiled format: the scan when it can answer, else the linear-time engine. */
class HeaderRegExp extends LinearRegExp {
  constructor(pattern: string, private readonly segments: Segments | undefined) {
    super(pattern, 's');
  }

  override exec(line: string): RegExpExecArray | null {
    const groups = this.segments && scanHeader(this.segments, line);
    if (groups === undefined) return super.exec(line);
    return Object.assign([line, ...Object.values(groups)], { index: 0, input: line, groups }) as unknown as RegExpExecArray;
  }

  override test(line: string): boolean {
    return this.exec(line) !== null;
  }
}

/** RE2's `\s`: \t \n \f \r and space. */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 12 || code === 13;
}

/** Where `run` ends when it starts at `at` (each space run taken whole), or -1. */
function matchRun(line: string, at: number, run: Run): number {
  for (const token of run) {
    if (token.kind === 'text') {
      if (!line.startsWith(token.text, at)) return -1;
      at += token.text.length;
    } else {
      if (at >= line.length || !isSpace(line.charCodeAt(at))) return -1;
      while (at < line.length && isSpace(line.charCodeAt(at))) at++;
    }
  }
  return at;
}

/**
 * The fields the backtracking reading of the pattern finds first (each lazy field ends at the first
 * place where the literals after it match, each space run taken whole), or `undefined` when that first
 * try fails and a later one might succeed: then only the engine can say. Literals hold no white space,
 * so a space run is never split and the literals after distinct places never overlap: one pass, linear.
 */
function scanHeader(segments: Segments, line: string): Record<string, string> | undefined {
  let at = matchRun(line, 0, segments.head);
  if (at < 0) return undefined;
  const groups: Record<string, string> = {};
  const { fields } = segments;
  for (let i = 0; i < fields.length; i++) {
    const { name, after } = fields[i]!;
    if (i === fields.length - 1) {
      // The last field runs to the end, less a literal tail; anything else is the engine's.
      if (after.length === 0) groups[name] = line.slice(at);
      else if (after.length === 1 && after[0]!.kind === 'text' && line.length - after[0]!.text.length >= at && line.endsWith(after[0]!.text)) {
        groups[name] = line.slice(at, line.length - after[0]!.text.length);
      } else return undefined;
      return groups;
    }
    if (after.length === 0) {
      groups[name] = '';
      continue;
    }
    const first = after[0]!;
    let p = at;
    for (;;) {
      if (first.kind === 'text') {
        p = line.indexOf(first.text, p);
        if (p < 0) return undefined;
      } else {
        while (p < line.length && !isSpace(line.charCodeAt(p))) p++;
        if (p >= line.length) return undefined;
      }
      const end = matchRun(line, p, after);
      if (end >= 0) {
        groups[name] = line.slice(at, p);
        at = end;
        break;
      }
      // A failed space run fails from every place inside it too.
      if (first.kind === 'text') p++;
      else while (p < line.length && isSpace(line.charCodeAt(p))) p++;
    }
  }
  return groups;
}

/** Positions of the `(` and `)` of every `(…)?` group (unescaped, balanced). */
function optionalGroups(format: string): Set<number> {
  const positions = new Set<number>();
  const open: number[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '\\') {
      i++;
    } else if (c === '(') {
      open.push(i);
    } else if (c === ')' && open.length > 0) {
      const start = open.pop()!;
      if (format[i + 1] === '?') {
        positions.add(start);
        positions.add(i);
      }
    }
  }
  return positions;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Splits one line by the format; `null` when it does not match. */
export function matchHeaderFormat(format: HeaderFormat, line: string): Record<string, string> | null {
  const match = format.regex.exec(line);
  return match?.groups ? { ...match.groups } : null;
}
