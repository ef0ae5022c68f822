// Hand-written declarations for ml-isolation-forest@0.1.0 (the package ships none).
// Node resolves the package to its CommonJS build (lib/index.js), which exports only IsolationForest;
// the tree nodes are reachable through `forest`. Checked against node_modules/ml-isolation-forest/src.
declare module 'ml-isolation-forest' {
  /** A node of an isolation tree as the library builds it. */
  export interface IsolationTreeNode {
    depth?: number;
    maxDepth?: number;
    /** Inner nodes only: both children are set. */
    left?: IsolationTreeNode;
    right?: IsolationTreeNode;
    /** Inner nodes only: rows with row[splitColumn] < splitValue go left. */
    splitColumn?: number;
    splitValue?: number;
    /** Leaves only: the training rows that ended here (the library keeps them). */
    trainingSet?: number[][];
    train(trainingSet: number[][], currentDepth: number): void;
    isLeafNode(): boolean;
    isInnerNode(): boolean;
    numberDataPoints(): number;
    pathLengthFromRoot(row: number[], currentPathLengthFromRoot: number): number;
  }

  export class IsolationForest {
    /** @param options.nEstimators number of trees, default 100. */
    constructor(options?: { nEstimators?: number });
    nEstimators: number;
    /** Trees; `train` appends to it (it never clears). */
    forest: IsolationTreeNode[];
    trainingSet?: number[][];
    /** Builds nEstimators trees, each on all rows, maxDepth = ceil(log2(rows)); uses Math.random. */
    train(trainingSet: number[][]): void;
    /** Scores in (0, 1], normalised by the training-set size. */
    predict(data: number[][]): number[];
  }
}
