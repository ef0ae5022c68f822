import { placeholderLengthAt, WILDCARD } from './placeholders.ts';

/**
 * "Refine" of a generalised position: the common shape of two masked tokens, keeping the
 * punctuation (and whole words) they share at both ends and writing `{*}` for the rest:
 * `user=guest` + `user={num}` → `user={*}`, `[{num}]` + `[abc]` → `[{*}]`, `{num},` + `x,` → `{*},`.
 * A shape can itself be merged again (`user={*}` + `user=bob` → `user={*}`). Equal inputs
 * come back unchanged; inputs with nothing in common give `{*}`.
 */
export function mergeShape(a: string, b: string): string {
  if (a === b) return a;
  const left = atoms(a);
  const right = atoms(b);
  const limit = Math.min(left.length, right.length);
  let prefix = 0;
  while (prefix < limit && left[prefix] === right[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < limit - prefix &&
    left[left.length - 1 - suffix] === right[right.length - 1 - suffix]
  ) {
    suffix++;
  }
  const head = left.slice(0, prefix);
  const tail = left.slice(left.length - suffix);
  // A wildcard next to a kept placeholder would read as two variables: fold them into one.
  while (head.length > 0 && isPlaceholderAtom(head[head.length - 1]!)) head.pop();
  while (tail.length > 0 && isPlaceholderAtom(tail[0]!)) tail.shift();
  return head.join('') + WILDCARD + tail.join('');
}

function isPlaceholderAtom(atom: string): boolean {
  return atom.length > 2 && placeholderLengthAt(atom, 0) === atom.length;
}

/** Splits a masked token into placeholders, word runs and single punctuation characters. */
function atoms(token: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < token.length) {
    const placeholder = placeholderLengthAt(token, i);
    if (placeholder > 0) {
      out.push(token.slice(i, i + placeholder));
      i += placeholder;
      continue;
    }
    if (isWordChar(token.charCodeAt(i))) {
      let j = i + 1;
      while (j < token.length && isWordChar(token.charCodeAt(j))) j++;
      out.push(token.slice(i, j));
      i = j;
      continue;
    }
    out.push(token[i]!);
    i++;
  }
  return out;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
