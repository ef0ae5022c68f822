/**
 * Training Lambda: S3 notifications for `baseline/<source>/…` from the training job queue →
 * `runTraining`, debounced (training-debounce.ts): uploads of one source within the queue's delivery
 * delay make one training, by the message of the newest object. Transient failures are thrown per record (the queue retries, then the DLQ);
 * a baseline with nothing readable is logged as an error and consumed.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { LogsleuthError } from '../../shared/errors.ts';
import { ObjectModelStore } from '../../shared/model/object-model-store.ts';
import { runTraining, type TrainingPorts } from '../../shared/pipeline/stages/training.ts';
import { resultStores, s3Client } from '../lib/clients.ts';
import { loadConfig, trainConfigSchema } from '../lib/config.ts';
import { logger } from '../lib/powertools.ts';
import { jobsFromBody } from '../lib/s3-events.ts';
import { S3ObjectStore } from '../lib/s3-object-store.ts';

const config = loadConfig(trainConfigSchema);
const objects = new S3ObjectStore(s3Client(config), config.BUCKET_NAME);
const ports: TrainingPorts = {
  objects,
  models: new ObjectModelStore(objects),
  modelRegistry: resultStores(config, objects).modelRegistry,
};
const processor = new BatchProcessor(EventType.SQS);

async function trainRecord(record: SQSRecord): Promise<void> {
  for (const job of jobsFromBody(record.body)) {
    if (job.kind !== 'object' || job.bucket !== config.BUCKET_NAME) continue;
    try {
      // Debounced: the queue delays each message by a quiet period, and only the newest upload trains.
      const outcome = await runTraining(ports, { key: job.key, now: Date.now(), debounce: true });
      logger.info('training', { key: job.key, ...outcome });
    } catch (error) {
      if (!(error instanceof LogsleuthError) || error.retryable) throw error;
      // Permanent: retrying the same objects cannot help; the message is consumed.
      logger.error('training failed', { key: job.key, reason: error.message });
    }
  }
}

export const handler = async (event: SQSEvent, context: Context) => {
  logger.addContext(context);
  return processPartialResponse(event, trainRecord, processor, { context, processInParallel: false });
};
