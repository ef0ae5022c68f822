/**
 * Which lines a pass needs parsed: detection's second pass asks only for the lines of its kept
 * anomalies' contexts, so the rest are split but never parsed (see IngestOptions.select).
 */
export type LineSelector = (source: string, line: number, text: string) => boolean;
