/**
 * `npm run invoke -- <train|detect> <event file>`: runs a handler locally against emulated S3,
 * DynamoDB and SQS (s3rver, dynalite, local-aws-sqs, started here on 127.0.0.1 and gone after).
 *
 * The event may be an SQS batch of S3 notifications (what the handlers really get) or a bare S3
 * event (wrapped into one SQS record). Objects the event names are seeded from events/logs/:
 * baseline keys get baseline.jsonl, log keys get incident.jsonl (gzipped for .gz). For detect,
 * the source's baseline is uploaded and trained first, through the train handler.
 * Prints the handler's response, the runs and anomalies stored, and the explain messages.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { dynamoResultStores } from '../functions/lib/dynamo/result-stores.ts';
import { decodeS3Key } from '../functions/lib/s3-events.ts';
import { classifyKey } from '../shared/pipeline/stages/layout.ts';
import { createQueueWithDlq, createResultsTable, handlerEnv, startEmulators } from '../test/support/emulators.ts';
import { encodeS3Key, lambdaContext, sqsEvent, type SqsHandler } from '../test/support/lambda.ts';

const [name, eventFile] = process.argv.slice(2);
if ((name !== 'train' && name !== 'detect') || !eventFile) {
  process.stderr.write('usage: npm run invoke -- <train|detect> <event file>   (e.g. events/aws/sqs-detect-batch.json)\n');
  process.exit(2);
}

const raw = JSON.parse(await readFile(eventFile, 'utf8')) as { Records?: { eventSource?: string; body?: string; s3?: { bucket: { name: string }; object: { key: string } } }[] };
const event: SQSEvent = raw.Records?.[0]?.eventSource === 'aws:sqs'
  ? (raw as SQSEvent)
  : sqsEvent([{ MessageId: 'local-1', ReceiptHandle: 'local', Body: JSON.stringify(raw) }]);
const s3Records = event.Records.flatMap((r) => (JSON.parse(r.body) as { Records?: { s3: { bucket: { name: string }; object: { key: string } } }[] }).Records ?? []);
const bucket = s3Records[0]?.s3.bucket.name ?? 'logsleuth-local';

const emulators = await startEmulators({ buckets: [bucket] });
try {
  await createResultsTable(emulators, 'logsleuth-local');
  const explain = await createQueueWithDlq(emulators, 'explain');
  const detectQueue = await createQueueWithDlq(emulators, 'detect');
  Object.assign(process.env, handlerEnv(emulators, {
    TABLE_NAME: 'logsleuth-local', BUCKET_NAME: bucket, EXPLAIN_QUEUE_URL: explain.url, DETECT_QUEUE_URL: detectQueue.url,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
  }));
  const logs = (file: string) => readFile(new URL(`../events/logs/${file}`, import.meta.url));
  const put = (key: string, body: Buffer) => emulators.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  const sources = new Set<string>();
  for (const record of s3Records) {
    const key = decodeS3Key(record.s3.object.key);
    const target = classifyKey(key);
    if (!target) continue;
    sources.add(target.source);
    const body = await logs(target.kind === 'baseline' ? 'baseline.jsonl' : 'incident.jsonl');
    await put(key, key.endsWith('.gz') ? gzipSync(body) : body);
  }
  const train = (await import('../functions/train/handler.ts')).handler as SqsHandler;
  if (name === 'detect') {
    for (const source of sources) {
      const key = `baseline/${source}/seeded.jsonl`;
      await put(key, await logs('baseline.jsonl'));
      const body = JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key: encodeS3Key(key) } } }] });
      await train(sqsEvent([{ MessageId: `seed-${source}`, ReceiptHandle: 'seed', Body: body }]), lambdaContext(undefined, 'train'));
    }
  }
  const handler = name === 'train' ? train : (await import('../functions/detect/handler.ts')).handler as SqsHandler;
  const response = await handler(event, lambdaContext(undefined, name));
  process.stdout.write(`\nresponse: ${JSON.stringify(response)}\n`);

  const { reader, modelRegistry } = dynamoResultStores({ client: emulators.doc, tableName: 'logsleuth-local' });
  for (const source of sources) {
    for (const model of await modelRegistry.listModels(source)) process.stdout.write(`model ${source} ${model.modelId} (${model.records} records, ${model.templates} templates)\n`);
    for (const run of await reader.listRuns(source)) {
      process.stdout.write(`run ${run.runId} ${run.status}${run.reason ? `: ${run.reason}` : ''} ${JSON.stringify(run.counts ?? {})}\n`);
      for (const a of await reader.listAnomalies(run.runId)) process.stdout.write(`  ${a.score.toFixed(2)} ${a.type} ${a.context.contextType} ${a.source}:${a.line} ${a.template.slice(0, 60)}\n`);
    }
  }
  const { Messages = [] } = await emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: explain.url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
  process.stdout.write(`explain queue: ${Messages.length}${Messages.length === 10 ? '+' : ''} message(s)\n`);
} finally {
  await emulators.close();
}
