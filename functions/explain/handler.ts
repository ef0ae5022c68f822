/**
 * Explainer Lambda: explain messages (one per anomaly group) → `runExplanation` → Bedrock Converse.
 * Retryable failures (throttling and 5xx after the SDK's backoff, too little time left for a call,
 * a signature being explained by another invocation) are thrown per record, so the partial batch
 * response hands just those back to the queue (DLQ after maxReceiveCount); so are malformed
 * messages, which thereby end in the DLQ instead of vanishing. Permanent model failures are stored
 * as EXPLAIN_FAILED inside the stage and the message is consumed.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { llmExplainer } from '../../shared/explain/llm-explainer.ts';
import type { CallDeadline } from '../../shared/explain/deadline.ts';
import { DeadlineError, ModelUnavailableError, SignatureBusyError } from '../../shared/explain/errors.ts';
import { UserInputError } from '../../shared/errors.ts';
import type { ExplainMessage } from '../../shared/ports.ts';
import { runExplanation, type ExplanationPorts } from '../../shared/pipeline/stages/explanation.ts';
import { EXPLAIN_IO_RESERVE_MS, bedrockCallMs } from '../lib/bedrock-budget.ts';
import { BedrockModel, bedrockClient } from '../lib/bedrock-model.ts';
import { resultStores, s3Client } from '../lib/clients.ts';
import { explainConfigSchema, loadConfig } from '../lib/config.ts';
import { countExplanation, metrics } from '../lib/metrics.ts';
import { logger } from '../lib/powertools.ts';
import { S3ObjectStore } from '../lib/s3-object-store.ts';

const config = loadConfig(explainConfigSchema);
// Oversized sessions and contexts live in the bucket; the explainer only reads them.
const results = resultStores(config, new S3ObjectStore(s3Client(config), config.BUCKET_NAME));
const model = new BedrockModel(
  bedrockClient({ endpoint: config.AWS_ENDPOINT_URL_BEDROCK_RUNTIME, maxAttempts: config.BEDROCK_MAX_ATTEMPTS, timeoutMs: config.BEDROCK_TIMEOUT_MS }),
  config.BEDROCK_MODEL_ID, config.EXPLAIN_MAX_OUTPUT_TOKENS,
);
const ports: ExplanationPorts = {
  reader: results.reader, findings: results.findings, cache: results.explanationCache,
  explainer: llmExplainer(model, { maxInputTokens: config.EXPLAIN_MAX_INPUT_TOKENS }),
};
const processor = new BatchProcessor(EventType.SQS);
/** A call is started only with time for its worst case (every attempt timing out) and for storing its result. */
const callBudgetMs = bedrockCallMs(config.BEDROCK_MAX_ATTEMPTS, config.BEDROCK_TIMEOUT_MS) + EXPLAIN_IO_RESERVE_MS;
/** Set when Bedrock stayed unavailable for a record: the rest of the batch goes back without calling it again. */
let unavailable = false;

const explainMessage: z.ZodType<ExplainMessage> = z.object({
  kind: z.literal('explain'), runId: z.string().min(1), source: z.string().min(1), groupId: z.string().min(1),
  sessionId: z.string().optional(), anomalyIds: z.array(z.string().min(1)).min(1), topScore: z.number(),
  types: z.array(z.enum(['DURATION_SPIKE', 'TEMPLATE_OUTLIER', 'NEW_TEMPLATE', 'ERROR_BURST', 'SESSION_OUTLIER'])),
});

async function explainRecord(record: SQSRecord, context: Context): Promise<void> {
  const parsed = explainMessage.safeParse(parseJson(record.body));
  if (!parsed.success) {
    // No delivery makes it valid, but consuming it would lose it silently: failing it sends it to the DLQ after maxReceiveCount.
    logger.error('malformed explain message', { messageId: record.messageId, issues: parsed.error.issues.slice(0, 3) });
    metrics.addMetric('explainMessagesMalformed', MetricUnit.Count, 1);
    throw new UserInputError(`explain message ${record.messageId} is malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
  }
  // Back-pressure: after throttling outlasted the SDK's retries, hammering on with the rest of the batch only makes it worse.
  if (unavailable) throw new ModelUnavailableError('Bedrock was unavailable for an earlier record of this batch; handed back to the queue');
  const deadline: CallDeadline = { remainingMs: () => context.getRemainingTimeInMillis(), callBudgetMs };
  let outcome;
  try {
    outcome = await runExplanation(ports, parsed.data, {
      now: Date.now(), cacheWindowMs: config.EXPLAIN_CACHE_HOURS * 3_600_000, deadline,
      // The holder cannot outlive this invocation, so its claim need not outlive it either.
      claim: { owner: `${context.awsRequestId}/${record.messageId}`, ttlMs: context.getRemainingTimeInMillis() },
    });
  } catch (error) {
    if (error instanceof ModelUnavailableError) {
      unavailable = true;
      metrics.addMetric('bedrockUnavailable', MetricUnit.Count, 1);
    } else if (error instanceof DeadlineError) {
      metrics.addMetric('explainDeadlineHandBacks', MetricUnit.Count, 1);
    } else if (error instanceof SignatureBusyError) {
      metrics.addMetric('explainSignatureBusy', MetricUnit.Count, 1);
    }
    throw error;
  }
  countExplanation(outcome);
  const log = outcome.status === 'EXPLAIN_FAILED' ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('explanation', { runId: parsed.data.runId, messageId: record.messageId, ...outcome });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  unavailable = false;
  try {
    // One group at a time: with the event source's max concurrency this bounds the calls in flight to Bedrock.
    return await processPartialResponse(event, (record: SQSRecord) => explainRecord(record, context), processor, { context, processInParallel: false });
  } finally {
    metrics.publishStoredMetrics();
  }
};
