/**
 * Plain-text header formats in the logparser/loghub benchmark syntax:
 * `<Date> <Time> <Level> <Component>: <Content>`.
 * `<Name>` is a named field, runs of spaces match any whitespace, and every other character is
 * literal: `[<Date> <Time>] (<Level>) |<Session>|` means the brackets, parentheses and bars
 * themselves. Two loghub habits still work: `\[` (an escaped character, the same literal) and
 * `(…)?` (an optional part, e.g. `<Component>(\[<PID>\])?: <Content>`).
 */
export interface HeaderFormat {
  /** The format as the user gave it, for messages. */
  source: string;
  /** Field names in order of appearance (always includes `Content`). */
  names: string[];
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
        i = close;
        continue;
      }
    }
    if (c === '\\' && i + 1 < format.length) {
      pattern += escapeRegExp(format[++i]!);
    } else if (c === ' ') {
      while (format[i + 1] === ' ') i++;
      pattern += '\\s+';
    } else if (optional.has(i)) {
      pattern += c === '(' ? '(?:' : ')?';
      if (c === ')') i++;
    } else {
      pattern += escapeRegExp(c);
    }
  }
  if (!names.includes('Content')) {
    throw new HeaderFormatError(`format "${format}" has no <Content> field: add one for the message`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`^${pattern}$`, 's');
  } catch (error) {
    throw new HeaderFormatError(`format "${format}" is not a valid pattern: ${(error as Error).message}`);
  }
  return { source: format, names, regex };
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
