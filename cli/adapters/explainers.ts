/**
 * The explainers the CLI offers (`--explainer heuristic|bedrock|openai`): the same core as the
 * explainer Lambda (token budget, structured answer, validation, one corrective retry), bound to
 * Bedrock through the standard AWS credential chain and region, or to any OpenAI-compatible
 * chat-completions endpoint (Ollama, llama.cpp's server, vLLM…) with plain `fetch`.
 */
import { Command, Option } from 'commander';
import type { Anomaly, Explanation } from '../../shared/detect/types.ts';
import { UserInputError, LogsleuthError } from '../../shared/errors.ts';
import { explainHeuristically } from '../../shared/explain/heuristic.ts';
import { heuristicExplainer, type Explainer } from '../../shared/explain/explainer.ts';
import { llmExplainer } from '../../shared/explain/llm-explainer.ts';
import { openAiModel } from '../../shared/explain/openai-model.ts';
import { numberOption } from '../options.ts';

export const DEFAULT_BEDROCK_MODEL = 'us.amazon.nova-micro-v1:0';
export const DEFAULT_LLM_URL = 'http://127.0.0.1:11434/v1';

export interface ExplainerFlags {
  explainer: 'heuristic' | 'bedrock' | 'openai';
  llmUrl: string;
  llmModel?: string;
  llmMaxInputTokens: number;
  explainTop: number;
}

/** Adds the explainer options to a command. */
export function withExplainerOptions(command: Command): Command {
  return command
    .addOption(new Option('--explainer <name>', 'who explains the anomalies: heuristic (offline), bedrock (AWS credentials and region from the environment) or openai (any OpenAI-compatible endpoint)').choices(['heuristic', 'bedrock', 'openai']).default('heuristic'))
    .option('--llm-url <url>', 'OpenAI-compatible base URL for --explainer openai (API key, if any, from LOGSLEUTH_LLM_API_KEY or OPENAI_API_KEY)', DEFAULT_LLM_URL)
    .option('--llm-model <id>', `model for --explainer openai (required) or bedrock (default ${DEFAULT_BEDROCK_MODEL})`)
    .addOption(numberOption('--llm-max-input-tokens <n>', 'input token budget per LLM request; long sessions are sampled to fit', 8000, 1000, 200_000))
    .addOption(numberOption('--explain-top <n>', 'anomalies (highest score first) an LLM explainer explains; the rest get the heuristic explanation', 10, 0, 1000))
    // Checked before any work starts: a missing --llm-model should not cost a training run first.
    .hook('preAction', (_command, action) => checkExplainerFlags(action.opts<ExplainerFlags>()));
}

/** Throws a {@link UserInputError} for an explainer choice that cannot work. */
export function checkExplainerFlags(flags: ExplainerFlags): void {
  if (flags.explainer !== 'openai') return;
  if (!flags.llmModel) throw new UserInputError('--explainer openai needs --llm-model <id> (e.g. --llm-model llama3.1:8b for Ollama)');
  try {
    new URL(flags.llmUrl);
  } catch {
    throw new UserInputError(`--llm-url must be a URL such as ${DEFAULT_LLM_URL}, got "${flags.llmUrl}"`);
  }
}

/** The explainer the flags ask for. The AWS SDK is loaded only for bedrock. */
export async function createExplainer(flags: ExplainerFlags): Promise<Explainer> {
  const budget = { maxInputTokens: flags.llmMaxInputTokens };
  switch (flags.explainer) {
    case 'heuristic':
      return heuristicExplainer;
    case 'openai': {
      checkExplainerFlags(flags);
      const apiKey = process.env.LOGSLEUTH_LLM_API_KEY ?? process.env.OPENAI_API_KEY;
      return llmExplainer(openAiModel({
        baseUrl: flags.llmUrl, model: flags.llmModel!, ...(apiKey && { apiKey }),
        fetch: globalThis.fetch, now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      }), budget);
    }
    case 'bedrock': {
      const { BedrockModel, bedrockClient } = await import('../../functions/lib/bedrock-model.ts');
      // Region and credentials: the standard chain (AWS_REGION / profile / SSO…); AWS_ENDPOINT_URL_BEDROCK_RUNTIME overrides the endpoint.
      const endpoint = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
      const client = bedrockClient({ ...(endpoint && { endpoint }), maxAttempts: 4, timeoutMs: 120_000 });
      return llmExplainer(new BedrockModel(client, flags.llmModel ?? DEFAULT_BEDROCK_MODEL), budget);
    }
  }
}

/**
 * Explains the anomalies (ranked) for the CLI: the top `explainTop` with the chosen explainer, one
 * request per session (the anomalies of a session share their context and the answer), the rest
 * with the heuristic. A model that fails (refused, unreachable, invalid answers) falls back to the
 * heuristic for that anomaly, with a warning: a local run still ends with a result.
 */
export async function explainLocally(anomalies: Anomaly[], flags: ExplainerFlags, warn: (line: string) => void): Promise<Anomaly[]> {
  const explainer = await createExplainer(flags);
  if (explainer === heuristicExplainer) return anomalies.map((a) => ({ ...a, explanation: explainHeuristically(a) }));
  const top = anomalies.slice(0, flags.explainTop);
  const bySession = new Map<string, Anomaly[]>();
  for (const anomaly of top) {
    const key = anomaly.context.contextType === 'FULL_SESSION' && anomaly.context.sessionId !== undefined ? `s\u0000${anomaly.context.sessionId}` : `a\u0000${anomaly.id}`;
    bySession.set(key, [...(bySession.get(key) ?? []), anomaly]);
  }
  const explanations = new Map<string, Explanation>();
  for (const [lead, ...related] of bySession.values()) {
    let explanation: Explanation;
    try {
      explanation = await explainer.explain(lead!, related);
    } catch (error) {
      if (!(error instanceof LogsleuthError)) throw error;
      warn(`explainer ${explainer.scope} failed for anomaly ${lead!.id}, heuristic used instead: ${error.message}`);
      continue;
    }
    for (const anomaly of [lead!, ...related]) explanations.set(anomaly.id, explanation);
  }
  return anomalies.map((a) => ({ ...a, explanation: explanations.get(a.id) ?? explainHeuristically(a) }));
}
