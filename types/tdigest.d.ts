// Hand-written declarations for tdigest@0.1.3 (the package ships none).
// Only the surface logsleuth uses; checked against node_modules/tdigest/tdigest.js.
declare module 'tdigest' {
  /** A centroid: `n` samples whose mean is `mean`. */
  export interface Centroid {
    mean: number;
    n: number;
  }

  /** Dunning's t-digest (streaming quantile sketch). */
  export class TDigest {
    /**
     * @param delta compression (max share of mass per centroid); `false` = exact/discrete mode. Default 0.01.
     * @param K recompress when size() > K / delta; 0 disables automatic recompression. Default 25.
     *   Note: the package's compress() shuffles with Math.random.
     * @param CX how often cached cumulative counts are refreshed during ingest. Default 1.1.
     */
    constructor(delta?: number | false, K?: number, CX?: number);
    /** Total weight pushed so far. */
    n: number;
    /** Add a value (or values), each with weight `n` (default 1). */
    push(x: number | number[], n?: number): void;
    /** Add centroid(s) as weighted points. */
    push_centroid(c: Centroid | Centroid[]): void;
    /** Centroids ordered by mean. */
    toArray(everything?: boolean): Centroid[];
    /** Number of centroids. */
    size(): number;
    /** Quantile(s) for p in [0, 1]; undefined when empty. */
    percentile(p: number): number | undefined;
    percentile(p: number[]): (number | undefined)[];
    /** Approximate rank(s) in [0, 1] of x. */
    p_rank(x: number): number | undefined;
    p_rank(x: number[]): (number | undefined)[];
    /** Drop all centroids. */
    reset(): void;
    /** Re-ingest centroids in random (Math.random) order. */
    compress(): void;
  }

  /** Starts discrete, switches to TDigest mode for many distinct values (uses Math.random when it switches). */
  export class Digest extends TDigest {
    constructor(config?: { mode?: 'auto' | 'disc' | 'cont'; delta?: number; ratio?: number; thresh?: number });
  }
}
