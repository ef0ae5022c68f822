import { ModelError, UserInputError } from '../errors.ts';

/** Rows given to the forest that it cannot use; the message names the row and column and what to do. */
export class ForestInputError extends UserInputError {
  override name = 'ForestInputError';
}

/** A stored forest model that cannot be loaded; the message says which field is wrong. */
export class ForestModelFormatError extends ModelError {
  override name = 'ForestModelFormatError';
}
