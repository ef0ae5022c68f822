/**
 * What can go wrong when a language model explains an anomaly. `retryable` decides the queue's
 * move: a retryable error is thrown back (the message is redelivered, then goes to the DLQ); a
 * permanent one marks the anomaly EXPLAIN_FAILED with the message as the reason.
 */
import type { TokenUsage } from '../detect/types.ts';
import { LogsleuthError } from '../errors.ts';

/** The model answered, but twice not in the required shape (schema, or lines not in the context). */
export class InvalidAnswerError extends LogsleuthError {
  override name = 'InvalidAnswerError';

  /** @param usage tokens spent on the rejected answers (they are paid for all the same) */
  constructor(message: string, readonly usage?: TokenUsage) {
    super(message);
  }
}

/** The model service refused the request for good (access denied, unknown model, request too large…). */
export class ModelRequestError extends LogsleuthError {
  override name = 'ModelRequestError';
}

/** The model service is busy or failing (throttling, 5xx, timeouts) after the client's own retries. */
export class ModelUnavailableError extends LogsleuthError {
  override name = 'ModelUnavailableError';
  override readonly retryable: boolean = true;
}

/**
 * Too little of the invocation is left for a model call to finish in the worst case (every attempt
 * timing out, with backoff): the call is not started and the message goes back to the queue.
 */
export class DeadlineError extends LogsleuthError {
  override name = 'DeadlineError';
  override readonly retryable: boolean = true;
}

/**
 * Another invocation is explaining a group with the same signature right now: this group is handed
 * back and, when it comes back, reuses that explanation from the cache instead of a second call.
 */
export class SignatureBusyError extends LogsleuthError {
  override name = 'SignatureBusyError';
  override readonly retryable: boolean = true;
}
