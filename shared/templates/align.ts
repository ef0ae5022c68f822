import { WILDCARD } from './placeholders.ts';

/**
 * Joins two rendered templates of one cluster that differ in token count: tokens on their
 * longest common subsequence are kept, and every stretch in between (on either side) becomes
 * a single `{*}`. `a b c` + `a x y c` → `a {*} c`; `a b` + `a b c` → `a b {*}`.
 */
export function alignTemplates(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: LCS length of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  const gap = (): void => {
    if (out[out.length - 1] !== WILDCARD) out.push(WILDCARD);
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else {
      gap();
      if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
      else j++;
    }
  }
  if (i < n || j < m) gap();
  return out;
}
