/**
 * Records in a compact, column-wise form for the trip from a worker thread to the main thread.
 *
 * Structured clone of thousands of small objects costs the main thread about as much as parsing
 * them did; this form costs a fraction: numbers travel in one `Float64Array`, a string the same
 * field of the record before had is not sent again (the source, levels, services), and each record
 * is a shape index.
 * It is generic over the records' keys: a shape is a record's exact key list with each value's
 * kind, so `decodeRecords(encodeRecords(r))` gives records with the same keys, in the same order,
 * with the same values (numbers bit for bit, `-0` and `NaN` included; objects by structured clone).
 */
import type { LogRecord } from '../../shared/ingest/record.ts';

/** A value's kind in a shape: 's' string, 'n' number, 'o' anything else (an object, `undefined`…). */
type Kind = 's' | 'n' | 'o';

export interface EncodedRecords {
  /** Distinct shapes: keys in order, and the kind of each key's value (one letter per key). */
  shapeKeys: string[][];
  shapeKinds: string[];
  /** Per record, its shape. */
  shapeOf: Uint32Array;
  /** Number values, record by record, key by key. */
  numbers: Float64Array;
  /** Distinct strings, and per string value the index of its text. */
  strings: string[];
  stringRefs: Uint32Array;
  /** Other values, in order. */
  others: unknown[];
}

/** A shape as the encoder keeps it: its index, keys, kinds, and the last string at each position. */
interface Shape { index: number; keys: string[]; kinds: string; lastText: (string | undefined)[]; lastRef: number[] }

/** Encodes records (any keys) for {@link decodeRecords}. */
export function encodeRecords(records: readonly LogRecord[]): EncodedRecords {
  const shapes: Shape[] = [];
  const shapeOf = new Uint32Array(records.length);
  const numbers: number[] = [];
  const strings: string[] = [];
  const stringRefs: number[] = [];
  const others: unknown[] = [];
  const shortRefs = new Map<string, number>();
  let last: Shape | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as unknown as Record<string, unknown>;
    // Records of a file share a few shapes and mostly follow the one before: a pointer compare of
    // keys (property names are interned) and a kind check find it without building any string.
    let shape = last !== undefined && fits(record, last) ? last : shapes.find((s) => s !== last && fits(record, s));
    if (shape === undefined) {
      const keys = Object.keys(record);
      shape = { index: shapes.length, keys, kinds: keys.map((key) => kindOf(record[key])).join(''), lastText: [], lastRef: [] };
      shapes.push(shape);
    }
    last = shape;
    shapeOf[i] = shape.index;
    const { keys, kinds, lastText, lastRef } = shape;
    for (let k = 0; k < keys.length; k++) {
      const value = record[keys[k]!];
      const kind = kinds.charCodeAt(k);
      if (kind === S) {
        // The same text as this field of the record before (the source, a level) is sent once;
        // so is a short text seen anywhere in the chunk (session ids, services).
        const text = value as string;
        if (text !== lastText[k]) {
          let ref = text.length <= SHORT ? shortRefs.get(text) : undefined;
          if (ref === undefined) {
            ref = strings.length;
            strings.push(text);
            if (text.length <= SHORT) shortRefs.set(text, ref);
          }
          lastText[k] = text;
          lastRef[k] = ref;
        }
        stringRefs.push(lastRef[k]!);
      } else if (kind === N) numbers.push(value as number);
      else others.push(value);
    }
  }
  return {
    shapeKeys: shapes.map((s) => s.keys), shapeKinds: shapes.map((s) => s.kinds), shapeOf,
    numbers: Float64Array.from(numbers), strings, stringRefs: Uint32Array.from(stringRefs), others,
  };
}

/** Texts up to this long are sent once per chunk (hashing them costs less than sending them again). */
const SHORT = 40;
const S = 115; // 's'
const N = 110; // 'n'

/** Whether `record` has exactly the shape's keys, in order, with values of its kinds. */
function fits(record: Record<string, unknown>, shape: Shape): boolean {
  const { keys, kinds } = shape;
  let k = 0;
  for (const key in record) {
    if (key !== keys[k] || kinds.charCodeAt(k) !== kindCode(record[key])) return false;
    k++;
  }
  return k === keys.length;
}

function kindCode(value: unknown): number {
  return typeof value === 'string' ? S : typeof value === 'number' ? N : 111 /* o */;
}

function kindOf(value: unknown): Kind {
  return typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'o';
}

/** The records {@link encodeRecords} was given. */
export function decodeRecords(encoded: EncodedRecords): LogRecord[] {
  const { shapeKeys, shapeKinds, shapeOf, numbers, strings, stringRefs, others } = encoded;
  const records = new Array<LogRecord>(shapeOf.length);
  let n = 0;
  let s = 0;
  let o = 0;
  for (let i = 0; i < shapeOf.length; i++) {
    const shape = shapeOf[i]!;
    const keys = shapeKeys[shape]!;
    const kinds = shapeKinds[shape]!;
    const record: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const kind = kinds.charCodeAt(k);
      record[keys[k]!] = kind === S ? strings[stringRefs[s++]!] : kind === N ? numbers[n++] : others[o++];
    }
    records[i] = record as unknown as LogRecord;
  }
  return records;
}

/** The buffers of `encoded` that can be moved to another thread instead of copied. */
export function transferablesOf(encoded: EncodedRecords): ArrayBuffer[] {
  return [encoded.shapeOf.buffer as ArrayBuffer, encoded.numbers.buffer as ArrayBuffer, encoded.stringRefs.buffer as ArrayBuffer];
}
