/**
 * Base of every error logsleuth raises on purpose. `retryable` tells a queue consumer whether
 * trying again can help (throttling) or not (a missing model, an unreadable object).
 * Messages are meant for a person: they name the file, line or field and what to do.
 */
export class LogsleuthError extends Error {
  override name = 'LogsleuthError';
  readonly retryable: boolean = false;
}

/** The input or an option is wrong; trying again with the same input cannot help. */
export class UserInputError extends LogsleuthError {
  override name = 'UserInputError';
}

/** A model artifact is missing or unusable. */
export class ModelError extends LogsleuthError {
  override name = 'ModelError';
}
