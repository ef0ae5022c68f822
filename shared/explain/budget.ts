/**
 * Fits a prompt to an input token budget. Long contexts are sampled: every anomalous record first,
 * then the edges (first and last records), then warnings/errors spread over the session, then an even
 * spread of the rest; the prompt says what was left out. Overlong messages are clipped.
 *
 * Tokens are estimated, not counted (no tokenizer of every model here): {@link estimateTokens}
 * assumes 3 characters per token, which overestimates for English prose (~4) and is about right for
 * log lines full of ids and numbers, so a prompt within the estimate is within the real budget.
 */
import type { Anomaly, ContextLog } from '../detect/types.ts';
import { buildPrompt, renderLog, type OmittedNote } from './prompt.ts';

export const CHARS_PER_TOKEN = 3;

/** A conservative token estimate for `text` (see the module comment). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export interface BudgetOptions {
  /** Input tokens the whole request may use: system prompt, tool schema, the prompt itself. */
  maxInputTokens: number;
  /** Tokens already spent outside the prompt (system prompt, tool schema, a retry note). */
  overheadTokens?: number;
  /** Longest message shown, in characters (default 800); longer ones are clipped with a note. */
  maxMessageChars?: number;
  /** Records at each end of the context that come right after the anomalous ones (default 5). */
  edgeRecords?: number;
}

export interface BudgetedPrompt {
  text: string;
  /** The records shown (in context order); their lines are the only ones an answer may cite. */
  shown: ContextLog[];
  omitted: number;
  estimatedTokens: number;
}

const WARN_PLUS = new Set(['WARN', 'ERROR', 'FATAL']);

/**
 * The prompt for `anomaly` (and the `related` anomalies of its group) within `options.maxInputTokens`.
 * Anomalous records are kept even when they alone exceed the budget (clipped to `maxMessageChars`):
 * without them there is nothing to explain.
 */
export function budgetedPrompt(anomaly: Anomaly, options: BudgetOptions, related: Anomaly[] = []): BudgetedPrompt {
  const maxChars = options.maxMessageChars ?? 800;
  const logs = anomaly.context.logs.map((log) => clip(log, maxChars));
  const withLogs = (shown: ContextLog[], omitted?: OmittedNote) =>
    buildPrompt({ ...anomaly, context: { ...anomaly.context, logs: shown } }, { related, ...(omitted && { omitted }) });

  const overhead = options.overheadTokens ?? 0;
  const full = withLogs(logs);
  if (estimateTokens(full) + overhead <= options.maxInputTokens) {
    return { text: full, shown: logs, omitted: 0, estimatedTokens: estimateTokens(full) + overhead };
  }

  const warnTotal = logs.filter(isWarnPlus).length;
  // The frame around the records, with the longest "left out" note it can have.
  const frame = estimateTokens(withLogs([], { omitted: logs.length, warnShown: warnTotal, warnTotal })) + overhead;
  let available = options.maxInputTokens - frame;
  const cost = logs.map((log) => estimateTokens(`${renderLog(log)}\n`));
  const chosen = new Set<number>();
  const take = (index: number, force = false) => {
    if (chosen.has(index)) return;
    if (!force && cost[index]! > available) return;
    chosen.add(index);
    available -= cost[index]!;
  };

  const indices = logs.map((_, i) => i);
  const anomalous = indices.filter((i) => logs[i]!.anomalous);
  anomalous.forEach((i, n) => take(i, n === 0));
  const edge = options.edgeRecords ?? 5;
  for (let i = 0; i < Math.min(edge, logs.length); i++) {
    take(i);
    take(logs.length - 1 - i);
  }
  for (const i of spread(indices.filter((i) => isWarnPlus(logs[i]!)))) take(i);
  for (const i of spread(indices)) take(i);

  const shown = [...chosen].sort((a, b) => a - b).map((i) => logs[i]!);
  const note: OmittedNote = { omitted: logs.length - shown.length, warnShown: shown.filter(isWarnPlus).length, warnTotal };
  const text = withLogs(shown, note);
  return { text, shown, omitted: note.omitted, estimatedTokens: estimateTokens(text) + overhead };
}

/**
 * `items` reordered coarse to fine (every 2^k-th first, then the ones between), so that any prefix
 * is spread evenly over the whole list.
 */
export function spread<T>(items: T[]): T[] {
  const order: T[] = [];
  const seen = new Set<number>();
  let step = 1;
  while (step * 2 <= items.length) step *= 2;
  for (; step >= 1; step /= 2) {
    for (let i = 0; i < items.length; i += step) {
      if (seen.has(i)) continue;
      seen.add(i);
      order.push(items[i]!);
    }
  }
  return order;
}

function isWarnPlus(log: ContextLog): boolean {
  return log.level !== undefined && WARN_PLUS.has(log.level);
}

function clip(log: ContextLog, maxChars: number): ContextLog {
  const long = (text: string): string => `${text.slice(0, maxChars)} …[${text.length - maxChars} more characters]`;
  if (log.message.length <= maxChars && (log.detail === undefined || log.detail.length <= maxChars)) return log;
  return {
    ...log,
    message: log.message.length <= maxChars ? log.message : long(log.message),
    ...(log.detail !== undefined && { detail: log.detail.length <= maxChars ? log.detail : long(log.detail) }),
  };
}
