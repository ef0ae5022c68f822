export { averagePathLength } from './average-path-length.ts';
export { ForestInputError, ForestModelFormatError } from './errors.ts';
export { ForestModel, trainForest } from './isolation-forest.ts';
export type { DroppedColumn, ForestModelJSON, ForestOptions } from './isolation-forest.ts';
export {
  buildVocabulary,
  countVector,
  OTHER_TEMPLATE,
  SessionOutlierModel,
  trainSessionOutliers,
} from './session-outliers.ts';
export type { SessionOutlierModelJSON, SessionOutlierOptions, SessionScore, SessionTransform } from './session-outliers.ts';
