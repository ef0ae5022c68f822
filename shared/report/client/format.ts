/** How numbers, times and long text are shown. Pure: unit-tested without a browser. */

/** Epoch ms as `2026-03-02 10:05:00Z`; `-` when missing. */
export function time(ms: number | null | undefined): string {
  return ms === undefined || ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A count with thousands separators (`12,345`); `-` when missing. */
export function num(n: number | null | undefined): string {
  return n === undefined || n === null ? '-' : Number(n).toLocaleString('en');
}

/** `text` cut to at most `max` characters, ending in `…` when cut. */
export function short(text: string | null | undefined, max: number): string {
  const s = text ?? '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
