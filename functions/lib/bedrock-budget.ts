/**
 * The explainer's time budget, shared by the handler (its per-call deadline check) and the infra
 * (the Lambda timeout must cover a whole message). Pure arithmetic: no SDK import.
 *
 * Worst case of one Converse call with the SDK's standard retry strategy: every attempt runs into
 * the per-attempt request timeout, and before retry i (0-based) the SDK waits at most
 * min(1 s × 2^i, 20 s) (throttling's base; other errors use 50 ms) plus up to 5 s more when the
 * service sent a retry-after hint. One message makes at most {@link MODEL_CALLS_PER_EXPLANATION} calls.
 */
import { worstCaseCallMs } from '../../shared/explain/deadline.ts';
import { MODEL_CALLS_PER_EXPLANATION } from '../../shared/explain/llm-explainer.ts';

/** @smithy/core's StandardRetryStrategy (retries-2026-config): throttling delay base, cap, retry-after slack. */
const THROTTLING_BACKOFF_BASE_MS = 1_000;
const MAX_BACKOFF_MS = 20_000;
const RETRY_AFTER_SLACK_MS = 5_000;

/** The deployed settings (infra/explainer.ts): 3 attempts of at most 40 s each per call. */
export const BEDROCK_MAX_ATTEMPTS = 3;
export const BEDROCK_TIMEOUT_MS = 40_000;
/** Reading the group before the first call and storing the verdict after the last, at worst. */
export const EXPLAIN_IO_RESERVE_MS = 15_000;

/** Longest wait of the SDK before retry number `retry` (0 = before the second attempt). */
export function sdkMaxBackoffMs(retry: number): number {
  return Math.min(THROTTLING_BACKOFF_BASE_MS * 2 ** retry, MAX_BACKOFF_MS) + RETRY_AFTER_SLACK_MS;
}

/** One Converse call at worst, ms: attempts × per-attempt timeout + the backoffs between them. */
export function bedrockCallMs(maxAttempts: number, timeoutMs: number): number {
  return worstCaseCallMs({ maxAttempts, attemptTimeoutMs: timeoutMs, maxBackoffMs: sdkMaxBackoffMs });
}

/** One explain message at worst, ms: every call at its worst, plus the reads and writes around them. */
export function explainMessageMs(maxAttempts: number, timeoutMs: number): number {
  return MODEL_CALLS_PER_EXPLANATION * bedrockCallMs(maxAttempts, timeoutMs) + EXPLAIN_IO_RESERVE_MS;
}
