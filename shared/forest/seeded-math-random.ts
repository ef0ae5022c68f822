/**
 * The one place `shared/` writes to a global (test/shared/purity.test.ts allows exactly this one).
 * ml-isolation-forest draws its split columns and values from the global `Math.random` and takes no
 * generator of its own; to make its trees reproducible, the global is swapped for a seeded stream
 * around one synchronous call and put back in `finally`, so nothing else ever sees the swap.
 */

/** `Run` itself when it returns no promise (or other thenable); else a type no function matches. */
type Synchronous<Run extends () => unknown> =
  [ReturnType<Run>] extends [never] ? Run : ReturnType<Run> extends PromiseLike<unknown> ? 'a synchronous callback' : Run;

/** Thrown when the callback returned a promise: the part after its first `await` ran on the real `Math.random`. */
export class AsyncSeededCallError extends Error {
  override name = 'AsyncSeededCallError';
}

/**
 * Runs `run` with `Math.random` replaced by `random`, and restores the original afterwards, also
 * when `run` throws. `run` must be synchronous: no other code can run while the global is swapped,
 * and nothing awaited can see it. A callback that returns a promise is refused (its awaited part
 * would have drawn from the real `Math.random`): the global is restored, then
 * {@link AsyncSeededCallError} is thrown.
 */
export function withSeededMathRandom<Run extends () => unknown>(random: () => number, run: Run & Synchronous<Run>): ReturnType<Run> {
  const original = Math.random;
  let result: ReturnType<Run>;
  Math.random = random;
  try {
    result = run() as ReturnType<Run>;
  } finally {
    Math.random = original;
  }
  if (typeof (result as { then?: unknown } | null | undefined)?.then === 'function') {
    throw new AsyncSeededCallError('withSeededMathRandom needs a synchronous callback: the swapped Math.random cannot be held across an await');
  }
  return result;
}
