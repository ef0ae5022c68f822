import { stableId } from '../hash.ts';

/** A session's template counts as the session forest sees them: log1p, so one long loop does not dwarf everything else. */
export function sessionFeatures(counts: number[]): number[] {
  return counts.map((count) => Math.log1p(count));
}

/** The exact template mix of a session, as a short key. */
export function signatureOf(counts: number[]): string {
  return stableId('s', counts.join(','));
}
