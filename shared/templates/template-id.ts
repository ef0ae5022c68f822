import { createHash } from 'node:crypto';

/**
 * The id of a template: `t` + the first 16 hex digits of the SHA-256 of its text.
 * It depends on the text only, so the same template gets the same id in every run and
 * every process, and clusters that end with the same template share one id.
 */
export function templateIdOf(template: string): string {
  return 't' + createHash('sha256').update(template, 'utf8').digest('hex').slice(0, 16);
}
