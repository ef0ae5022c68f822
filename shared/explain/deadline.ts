/**
 * The time budget of one model call. A call that cannot finish before the invocation's deadline is
 * paid for and lost (the Lambda is killed mid-call, the message comes back anyway), so it is not
 * started: {@link DeadlineError} hands the message back to the queue instead.
 *
 * The worst case of one call is every attempt of the client running into its per-attempt timeout,
 * plus the longest backoff between attempts; see {@link worstCaseCallMs}.
 */
import { DeadlineError } from './errors.ts';

/** The invocation's clock, as seen by a stage: how long is left, and what one model call may take. */
export interface CallDeadline {
  /** Ms left before the invocation must have returned (Lambda: `context.getRemainingTimeInMillis()`). */
  remainingMs(): number;
  /** Ms one model call may take at worst ({@link worstCaseCallMs}) plus what storing its result needs. */
  callBudgetMs: number;
}

/** A client's retry settings, for the worst-case arithmetic. */
export interface RetryBudget {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Longest one attempt may take, ms (the client's per-attempt request timeout). */
  attemptTimeoutMs: number;
  /** Longest wait before retry number `retry` (0 = before the second attempt), ms. */
  maxBackoffMs(retry: number): number;
}

/** Every attempt timing out, with the longest backoff before each retry. */
export function worstCaseCallMs(budget: RetryBudget): number {
  let total = budget.maxAttempts * budget.attemptTimeoutMs;
  for (let retry = 0; retry < budget.maxAttempts - 1; retry++) total += budget.maxBackoffMs(retry);
  return total;
}

/** Throws {@link DeadlineError} when `deadline` leaves less than one worst-case call (no deadline: no limit). */
export function ensureTimeForCall(deadline: CallDeadline | undefined): void {
  if (!deadline) return;
  const left = deadline.remainingMs();
  if (left < deadline.callBudgetMs) {
    throw new DeadlineError(`${left} ms left in this invocation, a model call may take ${deadline.callBudgetMs} ms: handed back to the queue`);
  }
}
