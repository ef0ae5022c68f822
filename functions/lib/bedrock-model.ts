/**
 * {@link AnalysisModel} on Amazon Bedrock Runtime's Converse API: the answer is forced through a tool
 * whose input schema is the root-cause structure (`toolChoice: { tool }`, supported by Amazon Nova
 * and Anthropic Claude 3+). The SDK retries throttling and 5xx with backoff (`maxAttempts`); what still
 * fails is mapped to `ModelUnavailableError` (retryable: the queue redelivers) or `ModelRequestError`
 * (permanent: the anomaly is marked EXPLAIN_FAILED).
 */
import { BedrockRuntimeClient, ConverseCommand, type ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { ANSWER_TOOL_DESCRIPTION, ANSWER_TOOL_NAME, ROOT_CAUSE_JSON_SCHEMA } from '../../shared/explain/answer.ts';
import { ModelRequestError, ModelUnavailableError } from '../../shared/explain/errors.ts';
import type { AnalysisModel, ModelReply, ModelRequest } from '../../shared/explain/llm-explainer.ts';
import { isTransient } from './transient.ts';

export interface BedrockClientOptions {
  /** Emulator endpoint (tests); unset in AWS. */
  endpoint?: string;
  region?: string;
  /** SDK attempts per call, the first included. */
  maxAttempts: number;
  /** One request, ms. */
  timeoutMs: number;
}

/**
 * A Bedrock Runtime client with the standard retry strategy (exponential backoff with jitter for
 * throttling, 5xx and timeouts). Its default HTTP/2 handler is kept; only the per-attempt timeout is
 * set (a stream without activity for that long is abandoned and retried; Converse sends nothing
 * until its answer is complete, so it bounds each attempt). The worst case of a call, both settings
 * together: functions/lib/bedrock-budget.ts.
 */
export function bedrockClient(options: BedrockClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(options.region && { region: options.region }),
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: { requestTimeout: options.timeoutMs },
  });
}

/** Bedrock errors worth another delivery later, beyond the generic throttling/5xx/network ones. */
const BUSY = new Set(['ModelNotReadyException', 'ModelTimeoutException', 'ServiceQuotaExceededException', 'ServiceUnavailableException', 'InternalServerException']);

export class BedrockModel implements AnalysisModel {
  readonly method = 'bedrock' as const;

  /** @param modelId a model id, inference-profile id (`us.…`) or ARN, as Converse takes it */
  constructor(private readonly client: BedrockRuntimeClient, readonly modelId: string, private readonly maxOutputTokens = 1000) {}

  async ask(request: ModelRequest): Promise<ModelReply> {
    const started = Date.now();
    let output;
    try {
      output = await this.client.send(new ConverseCommand({
        modelId: this.modelId,
        system: [{ text: request.system }],
        messages: [{ role: 'user', content: [{ text: request.prompt }] }],
        inferenceConfig: { maxTokens: this.maxOutputTokens, temperature: 0 },
        toolConfig: {
          tools: [{ toolSpec: { name: ANSWER_TOOL_NAME, description: ANSWER_TOOL_DESCRIPTION, inputSchema: { json: ROOT_CAUSE_JSON_SCHEMA as never } } }],
          toolChoice: { tool: { name: ANSWER_TOOL_NAME } },
        },
      }));
    } catch (error) {
      const e = error as Error & { $metadata?: { attempts?: number } };
      const what = `Bedrock ${this.modelId}: ${e.name}: ${e.message}`;
      if (BUSY.has(e.name) || isTransient(e)) throw new ModelUnavailableError(`${what} (after ${e.$metadata?.attempts ?? 1} attempts)`);
      throw new ModelRequestError(what);
    }
    return {
      answer: answerOf(output.output?.message?.content ?? []),
      usage: { inputTokens: output.usage?.inputTokens ?? 0, outputTokens: output.usage?.outputTokens ?? 0 },
      // Wall time, SDK retries included: what the explainer really waited.
      latencyMs: Date.now() - started,
    };
  }
}

/** The answer tool's input; else the text (a model that ignored the tool may still have written JSON). */
function answerOf(content: ContentBlock[]): unknown {
  const tool = content.find((block) => block.toolUse?.name === ANSWER_TOOL_NAME)?.toolUse;
  if (tool) return tool.input;
  return content.map((block) => block.text ?? '').join('');
}
