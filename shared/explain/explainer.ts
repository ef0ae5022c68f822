import type { Anomaly, Explanation } from '../detect/types.ts';
import type { CallDeadline } from './deadline.ts';
import { explainHeuristically } from './heuristic.ts';

/** Turns an anomaly and its context into a root-cause analysis (port: heuristic, Bedrock, OpenAI-compatible). */
export interface Explainer {
  readonly method: Explanation['method'];
  /** Method and model (`bedrock:us.amazon.nova-micro-v1:0`): explanations are reused only within one scope. */
  readonly scope: string;
  /**
   * Explains `anomaly`; `related` are other anomalies of its group (same session), which share its
   * context and are named in the prompt. LLM explainers throw `ModelUnavailableError` (retry later)
   * or `ModelRequestError` / `InvalidAnswerError` (permanent); with a `deadline`, `DeadlineError`
   * (retryable) instead of starting a model call that could not finish in time.
   */
  explain(anomaly: Anomaly, related?: Anomaly[], options?: ExplainOptions): Promise<Explanation>;
}

export interface ExplainOptions {
  /** Checked before each model call (an explainer without model calls ignores it). */
  deadline?: CallDeadline;
}

/** The default, offline explainer. */
export const heuristicExplainer: Explainer = {
  method: 'heuristic',
  scope: 'heuristic',
  explain: async (anomaly) => explainHeuristically(anomaly),
};

/** Explains each anomaly in turn (in rank order, so output is deterministic). */
export async function explainAll(anomalies: Anomaly[], explainer: Explainer, limit = anomalies.length): Promise<Anomaly[]> {
  const explained: Anomaly[] = [];
  for (const [index, anomaly] of anomalies.entries()) {
    explained.push(index < limit ? { ...anomaly, explanation: await explainer.explain(anomaly) } : anomaly);
  }
  return explained;
}
