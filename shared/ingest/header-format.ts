/**
 * Plain-text header formats in the logparser/loghub benchmark syntax:
 * `<Date> <Time> <Level> <Component>: <Content>`.
 * `<Name>` is a named field, runs of spaces match any whitespace, everything else is regex.
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
 * Compiles a header format to an anchored regex, the way logparser's
 * `generate_logformat_regex` does: every field is a lazy `.*?`, the whole line is anchored.
 */
export function compileHeaderFormat(format: string): HeaderFormat {
  const parts = format.split(/(<[^<>]+>)/);
  const names: string[] = [];
  let pattern = '';
  for (const part of parts) {
    const field = /^<([^<>]+)>$/.exec(part);
    if (field) {
      const name = field[1]!;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new HeaderFormatError(`format field <${name}> must be a plain name (letters, digits, _)`);
      }
      if (names.includes(name)) throw new HeaderFormatError(`format field <${name}> appears twice`);
      names.push(name);
      pattern += `(?<${name}>.*?)`;
    } else {
      pattern += part.replace(/ +/g, '\\s+');
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

/** Splits one line by the format; `null` when it does not match. */
export function matchHeaderFormat(format: HeaderFormat, line: string): Record<string, string> | null {
  const match = format.regex.exec(line);
  return match?.groups ? { ...match.groups } : null;
}
