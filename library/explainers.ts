/**
 * Explainers for the library: any `(anomaly) => Promise<Explanation>`. Two come with it: the
 * offline heuristic (the default, as in the CLI) and {@link bedrockExplainer}, the explainer
 * Lambda's core (token budget, structured answer, validation, one corrective retry) on Amazon Bedrock.
 */
import type { Anomaly, Explanation } from '../shared/detect/types.ts';
import { LogsleuthError } from '../shared/errors.ts';
import { explainHeuristically } from '../shared/explain/heuristic.ts';
import type { Explainer as CoreExplainer } from '../shared/explain/explainer.ts';
import { llmExplainer } from '../shared/explain/llm-explainer.ts';

/** Turns one anomaly (with its session or window context) into a root-cause explanation. */
export type Explainer = (anomaly: Anomaly) => Promise<Explanation>;

/** The offline explainer the CLI uses by default: rules over the anomaly's type, reasons and context. */
export const heuristicExplainer: Explainer = async (anomaly) => explainHeuristically(anomaly);

/** Options of {@link bedrockExplainer}. */
export interface BedrockExplainerOptions {
  /** Model id, inference-profile id or ARN, as Converse takes it; default `us.amazon.nova-micro-v1:0` (the CLI's). */
  modelId?: string;
  /** AWS region; default: the standard chain (AWS_REGION, profile…). Credentials come from the standard chain. */
  region?: string;
  /** Another endpoint (a VPC endpoint, a local emulator). */
  endpoint?: string;
  /** Input token budget per request; long sessions are sampled to fit (default 8000). */
  maxInputTokens?: number;
  /** SDK attempts per call, the first included (default 4); throttling and 5xx are retried with backoff. */
  maxAttempts?: number;
  /** One request's timeout, ms (default 120 000). */
  timeoutMs?: number;
}

/** The CLI's default Bedrock model (cli/adapters/explainers.ts `DEFAULT_BEDROCK_MODEL`). */
const DEFAULT_BEDROCK_MODEL = 'us.amazon.nova-micro-v1:0';

/**
 * An explainer asking a model on Amazon Bedrock (Converse API, answer forced through a tool). The
 * AWS SDK is loaded on the first call. It throws `LogsleuthError`s (unreachable, throttled past the
 * retries, invalid answers) that `detect` turns into the heuristic explanation plus a warning.
 */
export function bedrockExplainer(options: BedrockExplainerOptions = {}): Explainer {
  let explainer: Promise<CoreExplainer> | undefined;
  const create = async (): Promise<CoreExplainer> => {
    const { BedrockModel, bedrockClient } = await import('../functions/lib/bedrock-model.ts');
    const client = bedrockClient({
      ...(options.endpoint && { endpoint: options.endpoint }), ...(options.region && { region: options.region }),
      maxAttempts: options.maxAttempts ?? 4, timeoutMs: options.timeoutMs ?? 120_000,
    });
    return llmExplainer(new BedrockModel(client, options.modelId ?? DEFAULT_BEDROCK_MODEL), { maxInputTokens: options.maxInputTokens ?? 8000 });
  };
  return async (anomaly) => (await (explainer ??= create())).explain(anomaly);
}

/**
 * Explains the first `top` anomalies (they come strongest first) with `explainer`, the rest with the
 * heuristic, one at a time in rank order (deterministic). A `LogsleuthError` from the explainer (a
 * model that failed) gives that anomaly the heuristic explanation and a warning; other errors (bugs
 * in a custom explainer) are thrown.
 */
export async function explainAnomalies(anomalies: Anomaly[], explainer: Explainer, top: number, warn: (message: string) => void): Promise<Anomaly[]> {
  const explained: Anomaly[] = [];
  for (const [rank, anomaly] of anomalies.entries()) {
    let explanation: Explanation | undefined;
    if (rank < top && explainer !== heuristicExplainer) {
      try {
        explanation = await explainer(anomaly);
      } catch (error) {
        if (!(error instanceof LogsleuthError)) throw error;
        warn(`explaining anomaly ${anomaly.id} failed, heuristic used instead: ${error.message}`);
      }
    }
    explained.push({ ...anomaly, explanation: explanation ?? explainHeuristically(anomaly) });
  }
  return explained;
}
