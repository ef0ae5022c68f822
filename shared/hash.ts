import { createHash } from 'node:crypto';

/** A short, stable id from the given parts (SHA-256, hex): the same parts give the same id everywhere. */
export function stableId(prefix: string, ...parts: (string | number | null | undefined)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part ?? ''}\u0000`);
  return prefix + hash.digest('hex').slice(0, 20);
}
