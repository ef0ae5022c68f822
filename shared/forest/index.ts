export { averagePathLength } from './average-path-length.ts';
export { ForestInputError, ForestModelFormatError } from './errors.ts';
export { ForestModel, trainForest } from './isolation-forest.ts';
export type { DroppedColumn, ForestModelJSON, ForestOptions } from './isolation-forest.ts';
