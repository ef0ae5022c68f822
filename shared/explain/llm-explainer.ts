/**
 * An {@link Explainer} on any language model: fits the prompt to the token budget, asks for the
 * structured answer, validates it (schema, and evidence lines that were really shown), and asks once
 * more with the problem spelled out when the answer is invalid. The model itself is a port
 * ({@link AnalysisModel}): Bedrock Converse in functions/lib, OpenAI-compatible in openai-model.ts.
 */
import type { Anomaly, Explanation, TokenUsage } from '../detect/types.ts';
import { ROOT_CAUSE_JSON_SCHEMA, checkAnswer } from './answer.ts';
import { budgetedPrompt, estimateTokens } from './budget.ts';
import { ensureTimeForCall } from './deadline.ts';
import { InvalidAnswerError } from './errors.ts';
import type { ExplainOptions, Explainer } from './explainer.ts';
import { SYSTEM_PROMPT } from './prompt.ts';

/** One request to a model: system prompt and user prompt; the adapter adds the answer tool/schema. */
export interface ModelRequest {
  system: string;
  prompt: string;
}

export interface ModelReply {
  /** The tool input (an object) or the text answer (a string holding JSON); validated by the caller. */
  answer: unknown;
  usage: TokenUsage;
  latencyMs: number;
}

/** A language model that answers with the root-cause structure (answer.ts). */
export interface AnalysisModel {
  readonly method: 'bedrock' | 'openai';
  /** Model id or inference profile, as stored with each explanation. */
  readonly modelId: string;
  /**
   * Asks once (the adapter's client may retry throttling itself). Throws `ModelUnavailableError`
   * when the service stays busy or failing, `ModelRequestError` when it refuses for good.
   */
  ask(request: ModelRequest): Promise<ModelReply>;
}

export interface LlmExplainerOptions {
  /** Input tokens one request may use (system prompt, schema and prompt; estimated). */
  maxInputTokens: number;
  /** Longest log message shown, in characters. */
  maxMessageChars?: number;
}

/** The note added to the prompt when the first answer was rejected; its length is reserved in the budget. */
const retryNote = (problem: string) =>
  `\n\nYour previous answer was rejected: ${problem}. Answer again with the record_root_cause tool; cite only line numbers shown between <logs> and </logs>.`;
const RETRY_NOTE_RESERVE = 120;

/** Model calls one explanation may make: the question, and once more after an invalid answer. */
export const MODEL_CALLS_PER_EXPLANATION = 2;

/** An explainer asking `model`; two invalid answers in a row throw {@link InvalidAnswerError}. */
export function llmExplainer(model: AnalysisModel, options: LlmExplainerOptions): Explainer {
  const overheadTokens = estimateTokens(SYSTEM_PROMPT) + estimateTokens(JSON.stringify(ROOT_CAUSE_JSON_SCHEMA)) + RETRY_NOTE_RESERVE;
  return {
    method: model.method,
    scope: `${model.method}:${model.modelId}`,
    async explain(anomaly: Anomaly, related: Anomaly[] = [], { deadline }: ExplainOptions = {}): Promise<Explanation> {
      const prompt = budgetedPrompt(anomaly, { maxInputTokens: options.maxInputTokens, overheadTokens, ...(options.maxMessageChars && { maxMessageChars: options.maxMessageChars }) }, related);
      const shownLines = new Set(prompt.shown.map((log) => log.line));
      const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
      let latencyMs = 0;
      let problem = '';
      for (let attempt = 1; attempt <= MODEL_CALLS_PER_EXPLANATION; attempt++) {
        // Before each call, the second included: the first may have used most of the time left.
        ensureTimeForCall(deadline);
        const reply = await model.ask({ system: SYSTEM_PROMPT, prompt: attempt === 1 ? prompt.text : prompt.text + retryNote(problem) });
        usage.inputTokens += reply.usage.inputTokens;
        usage.outputTokens += reply.usage.outputTokens;
        latencyMs += reply.latencyMs;
        const check = checkAnswer(reply.answer, shownLines);
        if (check.ok) {
          return {
            method: model.method, ...check.answer, model: model.modelId, usage, latencyMs,
            ...(prompt.omitted > 0 && { omittedRecords: prompt.omitted }),
          };
        }
        problem = check.problem;
      }
      throw new InvalidAnswerError(`${model.modelId} answered twice without a valid analysis: ${problem}`, usage);
    },
  };
}
