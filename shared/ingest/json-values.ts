import type { ByteReader } from './byte-reader.ts';
import { CLOSE_BRACE, CLOSE_BRACKET, COMMA, OPEN_BRACE, OPEN_BRACKET, QUOTE, isWhitespace, scanString } from './json-bytes.ts';

/** Largest value {@link jsonValues} parses by default; a bigger one is skipped and reported. */
export const MAX_VALUE_BYTES = 8 * 1024 * 1024;

/**
 * After a broken value, how many bytes (as a multiple of `maxValueBytes`) may be scanned again
 * while looking for the next good value, before reading simply goes on after the broken bytes.
 * Bounds the rework on a pathological input (a huge broken value full of `{`).
 */
const RESCAN_BUDGET_FACTOR = 4;



/**
 * Streams the top-level JSON values (objects and arrays) of concatenated JSON: values back to back
 * (`}{`), or separated by whitespace/newlines, as Firehose writes CloudWatch Logs subscription
 * payloads. Memory stays bounded by one value (at most `maxValueBytes`) plus the reader's chunk.
 *
 * Why a byte scanner and not stream-json (`jsonStreaming` + `streamValues`): stream-json's parser
 * stops for good at the first syntax error, so one truncated object would lose the rest of the
 * file. Here a small scanner tracks only string/escape state and bracket depth to find where each
 * value ends (inside strings it jumps from quote to quote with a native search), and `JSON.parse`
 * reads each value (faster than a token stream for small values; JSON.parse is most of the cost).
 *
 * Damage is reported through `onBroken(byteOffset, reason)` and reading resumes:
 * - a value that does not parse, or that the input ends inside of, is reported at its first byte,
 *   and scanning restarts at the next `{` *after that byte* (inside the broken bytes: a truncated
 *   object is usually followed directly by a good one, whose start the scanner had read as part of
 *   the broken value). Until a value parses again, candidates are tried silently, and one counts
 *   only when what follows it is not `,` `}` `]` (a complete sub-object of the broken value is
 *   not taken for a record, and the search goes on after it). Rescanning stops after
 *   4 × `maxValueBytes` bytes per damaged stretch (then reading goes on after the broken bytes);
 * - bytes between values that are not whitespace are reported once per run and skipped;
 * - a value over `maxValueBytes` is reported and skipped (its end is still found by the scanner);
 * - top-level scalars (`"x"`, `42`) are not values here: they count as bytes between values.
 * A leading UTF-8 byte order mark is skipped. Never throws for bad input.
 */
export async function* jsonValues(
  reader: ByteReader,
  onBroken: (byteOffset: number, reason: string) => void,
  maxValueBytes = MAX_VALUE_BYTES,
): AsyncGenerator<unknown> {
  await skipBom(reader);
  const decoder = new TextDecoder();
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The current value's bytes read so far (not kept while `oversized`). */
  let parts: Uint8Array[] = [];
  let size = 0;
  /** Byte offset of the current value's first byte; -1 between values. */
  let start = -1;
  let oversized = false;
  /** After a report: trying candidates without reporting until a value parses. */
  let recovering = false;
  let budget = 0;

  const startRecovering = (offset: number, reason: string): void => {
    onBroken(offset, reason);
    recovering = true;
    budget = RESCAN_BUDGET_FACTOR * maxValueBytes;
  };

  /** A value failed: report it (once per damaged stretch), then rescan the bytes after its first one. */
  const fail = (bytes: Uint8Array, offset: number, reason: string): void => {
    if (!recovering) startRecovering(offset, reason);
    if (bytes.length > 1 && budget >= bytes.length) {
      budget -= bytes.length;
      reader.unshift(bytes.subarray(1));
    }
  };

  for (;;) {
    const chunk = await reader.next();
    if (chunk === null) {
      if (start < 0 || oversized) break;
      const bytes = concat(parts);
      const at = start;
      parts = [];
      start = -1;
      fail(bytes, at, 'truncated: the input ends inside this value');
      continue;
    }
    const base = reader.position - chunk.length;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (start < 0) {
        const b = chunk[i]!;
        if (isWhitespace(b)) {
          i++;
          continue;
        }
        if (b !== OPEN_BRACE && (b !== OPEN_BRACKET || recovering)) {
          if (!recovering) startRecovering(base + i, 'unexpected bytes between JSON values');
          i++;
          continue;
        }
        start = base + i;
        depth = 0;
        inString = false;
        escaped = false;
        parts = [];
        size = 0;
      }
      const from = i;
      let end = -1;
      for (; i < n; i++) {
        if (inString) {
          const scan = scanString(chunk, i, n, escaped);
          escaped = scan.escaped;
          i = scan.at;
          if (!scan.closed) break;
          inString = false;
          continue;
        }
        const b = chunk[i]!;
        if (b === QUOTE) {
          inString = true;
        } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          depth++;
        } else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --depth === 0) {
          end = i + 1;
          break;
        }
      }
      const piece = chunk.subarray(from, end === -1 ? n : end);
      if (oversized) {
        if (end !== -1) {
          oversized = false;
          start = -1;
          i = end;
        }
        continue;
      }
      size += piece.length;
      if (size > maxValueBytes) {
        if (recovering) {
          // A candidate that grows this big is a misread of broken bytes, not a value.
          if (end !== -1) reader.unshift(chunk.subarray(end));
          const at = start;
          const bytes = concat([...parts, piece]);
          parts = [];
          start = -1;
          fail(bytes, at, '');
          break;
        }
        onBroken(start, `value larger than ${maxValueBytes} bytes; skipped`);
        parts = [];
        if (end === -1) {
          oversized = true;
        } else {
          start = -1;
          i = end;
        }
        continue;
      }
      parts.push(piece);
      if (end === -1) break;

      const bytes = concat(parts);
      const at = start;
      parts = [];
      start = -1;
      // Hand the rest back: the follow-up check and a rescan both read from the reader.
      reader.unshift(chunk.subarray(end));
      let value: unknown;
      let reason = '';
      try {
        value = JSON.parse(decoder.decode(bytes));
      } catch (error) {
        reason = `invalid JSON (${(error as Error).message})`;
      }
      if (reason === '' && recovering && !(await followedAtTopLevel(reader))) {
        // A complete sub-value of the broken one: the next value cannot start inside it, go on after it.
        break;
      }
      if (reason === '') {
        recovering = false;
        yield value;
      } else {
        fail(bytes, at, reason);
      }
      break;
    }
  }
}

/**
 * Whether the next non-whitespace byte could follow a top-level value: anything but `,` `}` `]`,
 * which only follow a value nested in another (a sub-object of a broken value). Consumes nothing.
 */
async function followedAtTopLevel(reader: ByteReader): Promise<boolean> {
  const LIMIT = 4096;
  let looked = 0;
  while (looked < LIMIT) {
    const want = Math.min(LIMIT, looked + 256);
    const available = await reader.fill(want);
    const bytes = reader.peek(want);
    for (let k = looked; k < bytes.length; k++) {
      const b = bytes[k]!;
      if (!isWhitespace(b)) return b !== COMMA && b !== CLOSE_BRACE && b !== CLOSE_BRACKET;
    }
    if (available < want) return true;
    looked = want;
  }
  return true;
}


function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

async function skipBom(reader: ByteReader): Promise<void> {
  await reader.fill(3);
  const head = reader.peek(3);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) await reader.skip(3);
}
