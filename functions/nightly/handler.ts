/**
 * Nightly Lambda, on an EventBridge schedule: the day before the event's time (UTC) → `runNightly`
 * (missed uploads re-queued, baselines rolled forward, digest highlights, `reports/<day>.html`).
 * Invoke it by hand with `{"day": "YYYY-MM-DD"}` to (re)build one day; a second run changes nothing.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { ModelStore } from '../../shared/pipeline/stages/model-store.ts';
import { runNightly, type NightlyPorts } from '../../shared/pipeline/stages/nightly.ts';
import { resultStores, s3Client, sqsClient } from '../lib/clients.ts';
import { loadConfig, nightlyConfigSchema } from '../lib/config.ts';
import { logger } from '../lib/powertools.ts';
import { encodeS3Key } from '../lib/s3-events.ts';
import { S3ObjectStore } from '../lib/s3-object-store.ts';
import { SqsQueue } from '../lib/sqs-queue.ts';

const config = loadConfig(nightlyConfigSchema);
const objects = new S3ObjectStore(s3Client(config), config.BUCKET_NAME);
const detectQueue = new SqsQueue(sqsClient(config), config.DETECT_QUEUE_URL);
const results = resultStores(config, objects);
const ports: NightlyPorts = {
  objects,
  models: new ModelStore(objects),
  reader: results.reader,
  digests: results.digests,
  modelRegistry: results.modelRegistry,
  // A missed upload is re-sent as the S3 notification it should have been: the detect handler needs nothing new.
  missed: {
    send: (messages) => detectQueue.send(messages.map(({ key }) => ({
      Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: config.BUCKET_NAME }, object: { key: encodeS3Key(key) } } }],
    }))),
  },
};

const eventSchema = z.union([
  z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  z.object({ time: z.iso.datetime() }).loose(),
]);

export const handler = async (event: ScheduledEvent | { day: string }, context: Context) => {
  logger.addContext(context);
  const parsed = eventSchema.parse(event);
  const now = Date.now();
  const day = 'day' in parsed ? String(parsed.day) : new Date(Date.parse(String(parsed.time)) - 86_400_000).toISOString().slice(0, 10);
  const outcome = await runNightly(ports, { day, now, historyDays: config.HISTORY_DAYS, top: config.DIGEST_TOP });
  logger.info('nightly', { ...outcome });
  return outcome;
};
