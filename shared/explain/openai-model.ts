/**
 * {@link AnalysisModel} on any OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp's
 * server, vLLM, OpenAI itself) with plain `fetch`, which comes in as a parameter (as does the clock),
 * so this stays in the pure core. The answer is asked for as JSON Schema structured output
 * (`response_format`), the most widely supported way; a tool call in the reply is read too.
 */
import { ANSWER_TOOL_NAME, ROOT_CAUSE_JSON_SCHEMA } from './answer.ts';
import { ModelRequestError, ModelUnavailableError } from './errors.ts';
import type { AnalysisModel, ModelReply, ModelRequest } from './llm-explainer.ts';

export interface OpenAiModelOptions {
  /** Base URL up to and including `/v1`, e.g. `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  fetch: typeof globalThis.fetch;
  /** Epoch ms, for latency. */
  now: () => number;
  /** Waits between retries (tests pass a no-op). */
  sleep: (ms: number) => Promise<void>;
  maxOutputTokens?: number;
  /** Per request, ms (default 120 000: local models on a laptop are slow). */
  timeoutMs?: number;
  /** Attempts for 429, 5xx and connection failures (default 3). */
  attempts?: number;
}

interface ChatCompletion {
  choices?: { message?: { content?: string | null; tool_calls?: { function?: { name?: string; arguments?: string } }[] } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function openAiModel(options: OpenAiModelOptions): AnalysisModel {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const attempts = options.attempts ?? 3;
  return {
    method: 'openai',
    modelId: options.model,
    async ask(request: ModelRequest): Promise<ModelReply> {
      const body = JSON.stringify({
        model: options.model,
        temperature: 0,
        max_tokens: options.maxOutputTokens ?? 1000,
        messages: [{ role: 'system', content: request.system }, { role: 'user', content: request.prompt }],
        response_format: { type: 'json_schema', json_schema: { name: ANSWER_TOOL_NAME, schema: ROOT_CAUSE_JSON_SCHEMA, strict: true } },
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.apiKey && { authorization: `Bearer ${options.apiKey}` }) };
      const started = options.now();
      let failure = '';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1) await options.sleep(500 * 2 ** (attempt - 2));
        let response: Response;
        try {
          response = await options.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
        } catch (error) {
          failure = `${url} could not be reached: ${(error as Error).message}`;
          continue;
        }
        if (response.status === 429 || response.status >= 500) {
          failure = `${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`;
          continue;
        }
        if (!response.ok) throw new ModelRequestError(`${url} refused the request (${response.status}): ${(await response.text()).slice(0, 300)}`);
        const completion = (await response.json()) as ChatCompletion;
        const message = completion.choices?.[0]?.message;
        const toolArguments = message?.tool_calls?.find((call) => call.function?.arguments)?.function?.arguments;
        return {
          answer: toolArguments ?? message?.content ?? '',
          usage: { inputTokens: completion.usage?.prompt_tokens ?? 0, outputTokens: completion.usage?.completion_tokens ?? 0 },
          latencyMs: options.now() - started,
        };
      }
      throw new ModelUnavailableError(`${failure} (after ${attempts} attempts)`);
    },
  };
}
