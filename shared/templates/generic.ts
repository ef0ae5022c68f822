import { placeholderLengthAt } from './placeholders.ts';

/**
 * Rewrites every typed placeholder and `{*}` as the benchmark's `<*>`:
 * `{ip}:{num} sent {*}` → `<*>:<*> sent <*>`. Other text, including literal braces, is kept.
 */
export function toGenericTemplate(template: string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const length = placeholderLengthAt(template, i);
    if (length > 0) {
      out += '<*>';
      i += length;
    } else {
      out += template[i];
      i++;
    }
  }
  return out;
}
