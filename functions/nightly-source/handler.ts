/**
 * Per-source nightly job, from the nightly job queue: one source and day → `runNightlySource`
 * (re-queue missed and stuck runs, roll, digest: separate steps). Deadline-aware: steps it has no
 * time for are handed back as a new message with just those steps. A step that failed fails the
 * message (partial batch response), so the queue retries it and dead-letters it after its
 * maxReceiveCount; the steps are idempotent, so the retry only redoes what is missing.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { runNightlySource } from '../../shared/pipeline/stages/nightly.ts';
import { countNightly, metrics } from '../lib/metrics.ts';
import { logger } from '../lib/powertools.ts';
import { config, nightlyQueue, ports, sourceJobSchema } from '../nightly/wiring.ts';

// Handing steps back needs the queue: fail the cold start, naming the variable, when it is not set.
if (!nightlyQueue) throw new Error('NIGHTLY_QUEUE_URL is not set: the per-source nightly job hands unfinished steps back to that queue');
const jobs = nightlyQueue;
const processor = new BatchProcessor(EventType.SQS);

async function runSourceJob(record: SQSRecord, context: Context): Promise<void> {
  const job = sourceJobSchema.parse(JSON.parse(record.body));
  const outcome = await runNightlySource(ports, {
    ...job, historyDays: config.HISTORY_DAYS, top: config.DIGEST_TOP,
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  countNightly(outcome);
  if (outcome.handedBack.length > 0) await jobs.send([{ ...job, steps: outcome.handedBack }]);
  const failed = Object.entries(outcome.errors);
  (failed.length > 0 ? logger.error.bind(logger) : logger.info.bind(logger))('nightly source', { ...outcome });
  if (failed.length > 0) throw new Error(`nightly ${job.day} of ${job.source}: ${failed.map(([step, why]) => `${step} failed: ${why}`).join('; ')}`);
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, (record: SQSRecord) => runSourceJob(record, context), processor, { context, processInParallel: false });
  } finally {
    metrics.publishStoredMetrics();
  }
};
