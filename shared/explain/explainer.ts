import type { Anomaly, Explanation } from '../detect/types.ts';
import { explainHeuristically } from './heuristic.ts';

/** Turns an anomaly and its context into a root-cause analysis (port: heuristic, Bedrock, OpenAI-compatible). */
export interface Explainer {
  readonly method: Explanation['method'];
  explain(anomaly: Anomaly): Promise<Explanation>;
}

/** The default, offline explainer. */
export const heuristicExplainer: Explainer = {
  method: 'heuristic',
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
