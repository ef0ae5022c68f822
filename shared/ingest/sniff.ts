import { Buffer } from 'node:buffer';
import { parseWithoutNonFinite } from './json-lenient.ts';
import { isStackLine } from './multiline.ts';

/** What a byte stream holds, decided from its first bytes (never from its name). */
export type ContentKind =
  | { kind: 'gzip' }
  | { kind: 'zip' }
  | { kind: 'tar' }
  /** Text in UTF-16, as its byte order mark says (the BOM is still in the stream). */
  | { kind: 'utf16'; encoding: 'utf-16le' | 'utf-16be' }
  | { kind: 'binary'; reason: string }
  | { kind: 'json-array' }
  | { kind: 'json-lines' }
  | { kind: 'text' };

/** How many bytes `sniffContent` wants to see (fewer is fine when the stream is shorter). */
export const SNIFF_BYTES = 64 * 1024;
/** Binary checks look at this much, like `file` and git do. */
const BINARY_WINDOW = 4096;
/** More than this share of NUL and control bytes in the binary window makes a stream binary. */
const MAX_CONTROL_SHARE = 0.1;
/** JSON-lines vs text is decided on this many non-blank lines. */
const SAMPLE_LINES = 20;

const MAGIC: { bytes: number[]; reason: string }[] = [
  { bytes: [0x42, 0x5a, 0x68], reason: 'bzip2-compressed, which is not supported; decompress it first' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], reason: 'xz-compressed, which is not supported; decompress it first' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], reason: 'zstd-compressed, which is not supported; decompress it first' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], reason: 'a 7-Zip archive, which is not supported' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], reason: 'a RAR archive, which is not supported' },
];

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  if (head.length < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[i] !== bytes[i]) return false;
  return true;
}

/**
 * Classifies a stream from its head (up to {@link SNIFF_BYTES}; `complete` when that is the whole stream).
 *
 * Order matters: containers first (gzip `1f 8b`, zip `PK\3\4`, tar `ustar` at 257 or a valid v7 header
 * checksum), then a UTF-16 byte order mark (`ff fe` or `fe ff`: the caller decodes and sniffs again),
 * then binary (known unsupported magic, or more than 10% NUL and control bytes in the first 4 KiB; a
 * few NULs in text lines do not make a file binary, and in files under 64 bytes it takes a NUL), then JSON: a JSON array when the first non-blank character opens an array of JSON values;
 * JSON lines when more than half of the first 20 non-blank lines are JSON objects; otherwise text.
 */
export function sniffContent(head: Uint8Array, complete: boolean): ContentKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { kind: 'gzip' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { kind: 'zip' };
  if (isTarHeader(head)) return { kind: 'tar' };
  if (startsWith(head, [0xff, 0xfe])) return { kind: 'utf16', encoding: 'utf-16le' };
  if (startsWith(head, [0xfe, 0xff])) return { kind: 'utf16', encoding: 'utf-16be' };
  for (const magic of MAGIC) if (startsWith(head, magic.bytes)) return { kind: 'binary', reason: magic.reason };

  const window = Math.min(head.length, BINARY_WINDOW);
  let control = 0;
  let nul = false;
  for (let i = 0; i < window; i++) {
    const b = head[i]!;
    if (b === 0) nul = true;
    // Tab, LF, VT, FF, CR and ESC (colour codes) are normal in logs.
    if ((b < 32 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 127) control++;
  }
  // A share, not a single byte: a NUL inside one JSON string is a damaged line (the line splitter
  // replaces and counts it), not a binary file. A tiny file has too few bytes for a share alone.
  if ((window >= 64 || nul) && control > window * MAX_CONTROL_SHARE) {
    const what = nul ? 'NUL and control bytes' : 'control characters';
    return { kind: 'binary', reason: `${Math.round((control * 100) / window)}% ${what} in the first ${window === BINARY_WINDOW ? '4 KiB' : `${window} bytes`}` };
  }

  // NULs as the line splitter will pass them on, so a line with one still counts as JSON.
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replaceAll('\0', '\uFFFD');
  const lines = sampleLines(text, complete);
  const first = lines[0]?.trimStart();
  if (first !== undefined && looksLikeJsonArray(text, first, lines.length)) return { kind: 'json-array' };
  let objects = 0;
  let others = 0;
  for (const line of lines) {
    const trimmed = line.trimStart();
    if (trimmed.charCodeAt(0) === 123 /* { */ && isJsonObject(trimmed)) objects++;
    else if (!isStackLine(line)) others++;
  }
  // A traceback printed between JSON records does not make the file text: its lines are not counted.
  return objects > 0 && objects >= others ? { kind: 'json-lines' } : { kind: 'text' };
}

/** The first non-blank lines; the last, cut-off line only when it is all there is. */
function sampleLines(text: string, complete: boolean): string[] {
  const all = text.replace(/^\uFEFF/, '').split('\n');
  const cut = complete ? undefined : all.pop();
  const lines: string[] = [];
  for (const line of all) {
    // Only the end is trimmed: a stack frame's indent tells it from a record.
    const trimmed = line.trimEnd();
    if (trimmed.trim().length > 0) lines.push(trimmed);
    if (lines.length === SAMPLE_LINES) return lines;
  }
  if (lines.length === 0 && cut !== undefined && cut.trim().length > 0) lines.push(cut.trim());
  return lines;
}

function looksLikeJsonArray(text: string, firstLine: string, lineCount: number): boolean {
  const body = text.replace(/^\uFEFF?\s*/, '');
  // `[2024-01-01 10:00:00] INFO …` also starts with `[`: require what follows to be a JSON value.
  if (!/^\[\s*(?:[{["\]]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*[,\]]|(?:true|false|null)\s*[,\]])/.test(body)) return false;
  // One array per line is JSON lines, not one big array.
  return !(lineCount > 1 && isJson(firstLine));
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function isJsonObject(line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // Python's NaN/Infinity: still a JSON record (ingest leaves the value out).
    value = parseWithoutNonFinite(line)?.value;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A POSIX (`ustar`) header, or an old v7 header whose checksum adds up. */
function isTarHeader(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  if (head[257] === 0x75 && head[258] === 0x73 && head[259] === 0x74 && head[260] === 0x61 && head[261] === 0x72) return true;
  return head[0] !== 0 && tarChecksumOk(head);
}

/** The header checksum: the sum of all 512 bytes with the checksum field read as spaces. */
function tarChecksumOk(header: Uint8Array): boolean {
  const stored = parseOctal(header, 148, 8);
  if (stored === undefined) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === stored;
}

/** An octal number field (NUL/space padded); `undefined` when it holds anything else. */
function parseOctal(bytes: Uint8Array, at: number, length: number): number | undefined {
  let value = 0;
  let seen = false;
  for (let i = at; i < at + length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b === 32) {
      if (seen) break;
      continue;
    }
    if (b < 48 || b > 55) return undefined;
    value = value * 8 + (b - 48);
    seen = true;
  }
  return seen ? value : undefined;
}
