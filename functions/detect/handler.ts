/**
 * Detection Lambda: S3 notifications (and our own follow-ups) from the detection job queue →
 * `runDetection`. Failures the queue should retry are thrown per record (partial batch response);
 * permanent ones end as FAILED runs inside the stage and the message is consumed. A message whose run
 * another invocation is working on (its lease is held) is handed back the same way, and comes again
 * after the visibility timeout, when that run is DONE (then the message is dropped) or its lease expired.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { ObjectModelStore } from '../../shared/model/object-model-store.ts';
import { runDetection, type DetectionPorts } from '../../shared/pipeline/stages/detection.ts';
import { resultStores, s3Client, sqsClient } from '../lib/clients.ts';
import { detectConfigSchema, loadConfig } from '../lib/config.ts';
import { FileSpillStore } from '../lib/file-spill-store.ts';
import { logger } from '../lib/powertools.ts';
import { jobsFromBody } from '../lib/s3-events.ts';
import { S3ObjectStore } from '../lib/s3-object-store.ts';
import { SqsQueue } from '../lib/sqs-queue.ts';

const config = loadConfig(detectConfigSchema);
const objects = new S3ObjectStore(s3Client(config), config.BUCKET_NAME);
const sqs = sqsClient(config);
const results = resultStores(config, objects);
/** Module scope: the model cache (by version) survives across warm invocations. */
const ports: DetectionPorts = {
  objects,
  models: new ObjectModelStore(objects),
  runs: results.runs,
  findings: results.findings,
  explainQueue: new SqsQueue(sqs, config.EXPLAIN_QUEUE_URL),
  followUps: new SqsQueue(sqs, config.DETECT_QUEUE_URL),
};
const processor = new BatchProcessor(EventType.SQS);

/** The run is being worked on by another invocation: the message goes back to the queue for later. */
export class RunLeaseHeld extends Error {
  override name = 'RunLeaseHeld';
}

async function detectRecord(record: SQSRecord, context: Context): Promise<void> {
  for (const job of jobsFromBody(record.body)) {
    if (job.kind === 'object' && job.bucket !== config.BUCKET_NAME) {
      logger.warn('event for another bucket ignored', { bucket: job.bucket, key: job.key });
      continue;
    }
    // Session counters past the budget go to /tmp, in a directory that goes with the job.
    const spill = new FileSpillStore();
    const outcome = await runDetection(ports, job.kind === 'object' ? { kind: 'object', key: job.key, ...(job.retryOfRun !== undefined && { retryOfRun: job.retryOfRun }) } : job, {
      now: Date.now(), remainingMs: () => context.getRemainingTimeInMillis(), reserveMs: config.DEADLINE_RESERVE_MS, maxContinuations: config.MAX_CONTINUATIONS,
      detect: { spill },
      // Unique per invocation and message: two records of one batch for the same object do not share it.
      lease: { owner: `${context.awsRequestId}/${record.messageId}`, marginMs: config.LEASE_MARGIN_MS },
    }).finally(() => spill.dispose());
    const log = outcome.status === 'FAILED' ? logger.error.bind(logger) : logger.info.bind(logger);
    log('detection', { key: job.key, messageId: record.messageId, ...outcome });
    if (outcome.status === 'BUSY') throw new RunLeaseHeld(`run ${outcome.runId} of ${job.key} is being worked on by another invocation: message handed back`);
  }
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  // One at a time: each detection streams a whole object and watches the one deadline.
  return processPartialResponse(event, (record: SQSRecord) => detectRecord(record, context), processor, { context, processInParallel: false });
};
