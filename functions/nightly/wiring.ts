/**
 * What both nightly Lambdas share: their configuration (the nightly schema plus the per-source job
 * queue), the ports of the nightly stage, and the shape of a per-source job message.
 */
import { z } from 'zod';
import { ObjectModelStore } from '../../shared/model/object-model-store.ts';
import { NIGHTLY_STEPS, type NightlyPorts } from '../../shared/pipeline/stages/nightly.ts';
import { resultStores, s3Client, sqsClient } from '../lib/clients.ts';
import { loadConfig, nightlyConfigSchema } from '../lib/config.ts';
import { encodeS3Key } from '../lib/s3-events.ts';
import { S3ObjectStore } from '../lib/s3-object-store.ts';
import { SqsQueue } from '../lib/sqs-queue.ts';

export const config = loadConfig(nightlyConfigSchema.extend({
  /**
   * One message per source and day: the per-source nightly jobs (functions/nightly-source). The
   * stack always sets it; without it (local invokes) the scheduled event runs every source inline.
   */
  NIGHTLY_QUEUE_URL: z.string().url().optional(),
}));

/** One source's nightly job, as queued by the scheduled fan-out or handed back near a deadline. */
export const sourceJobSchema = z.object({
  kind: z.literal('nightly-source'),
  source: z.string().min(1),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  now: z.number().int(),
  steps: z.array(z.enum(NIGHTLY_STEPS)).min(1).optional(),
});
export type SourceJobMessage = z.infer<typeof sourceJobSchema>;

const objects = new S3ObjectStore(s3Client(config), config.BUCKET_NAME);
const sqs = sqsClient(config);
const detectQueue = new SqsQueue(sqs, config.DETECT_QUEUE_URL);
const results = resultStores(config, objects);

export const nightlyQueue = config.NIGHTLY_QUEUE_URL === undefined ? undefined : new SqsQueue<SourceJobMessage>(sqs, config.NIGHTLY_QUEUE_URL);

export const ports: NightlyPorts = {
  objects,
  models: new ObjectModelStore(objects),
  reader: results.reader,
  runs: results.runs,
  digests: results.digests,
  modelRegistry: results.modelRegistry,
  // A missed upload is re-sent as the S3 notification it should have been: the detect handler needs
  // nothing new. A stuck run's retry also names the run (`retryOfRun`), for detection to restart it.
  missed: {
    send: (messages) => detectQueue.send(messages.map(({ key, retryOf }) => ({
      Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: config.BUCKET_NAME }, object: { key: encodeS3Key(key) } } }],
      ...(retryOf !== undefined && { retryOfRun: retryOf }),
    }))),
  },
};
