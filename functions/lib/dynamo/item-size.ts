/**
 * The size of an item as DynamoDB counts it against its 400 KB limit (docs: "DynamoDB item sizes and
 * formats"): attribute names plus values, strings as UTF-8 bytes, 1 byte for a boolean or null, and
 * for a list or map 3 bytes plus its elements plus 1 byte per element (map entries count their names).
 * Numbers are "about 1 byte per two significant digits plus 1": counted here as 21 bytes, the most a
 * 38-digit number can take, so the measure never comes out below DynamoDB's.
 */

/** The most a number attribute value can take (38 significant digits). */
const NUMBER_BYTES = 21;

/** An item's size in bytes as DynamoDB counts it (numbers conservatively); undefined attributes count nothing. */
export function itemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) total += Buffer.byteLength(name) + valueBytes(value);
  return total;
}

/** One attribute value's size, without its name. */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return NUMBER_BYTES;
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value as Set<unknown>].reduce<number>((sum, element) => sum + valueBytes(element), 0);
  if (Array.isArray(value)) return value.reduce<number>((sum, element) => sum + 1 + valueBytes(element), 3);
  if (typeof value === 'object') {
    let total = 3;
    for (const [name, element] of Object.entries(value as Record<string, unknown>)) if (element !== undefined) total += 1 + Buffer.byteLength(name) + valueBytes(element);
    return total;
  }
  return 0;
}
