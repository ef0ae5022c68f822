/**
 * A whole local deployment for tests: emulators, bucket, table, the three queues with DLQs,
 * the handlers' environment, and the S3 → queue bridge. Handlers are imported after the
 * environment is set (they read it at cold start, like in Lambda).
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SqsHandler } from './lambda.ts';
import { bridgeS3Events, drain, lambdaContext } from './lambda.ts';
import { createQueueWithDlq, createResultsTable, handlerEnv, startEmulators, type Emulators } from './emulators.ts';

export interface Scenario {
  emulators: Emulators;
  bucket: string;
  table: string;
  queues: { train: { url: string; dlqUrl: string }; detect: { url: string; dlqUrl: string }; explain: { url: string; dlqUrl: string } };
  train: SqsHandler;
  detect: SqsHandler;
  bridge: ReturnType<typeof bridgeS3Events>;
  upload(key: string, body: string | Uint8Array): Promise<void>;
  /** Delivers everything queued (bridge first), as the event source mappings would. */
  runQueues(detectContext?: Parameters<typeof drain>[1][number]['context']): Promise<number>;
  /** Every item in the table, sorted by key. */
  items(): Promise<Record<string, unknown>[]>;
  /** Takes every message off the explain queue. */
  takeExplainMessages(): Promise<Record<string, unknown>[]>;
  /**
   * Delivers the explain queue to the explainer handler until it is empty (the handler is imported
   * on first use: set AWS_ENDPOINT_URL_BEDROCK_RUNTIME to a stand-in through `env` first).
   */
  runExplainQueue(): Promise<number>;
  close(): Promise<void>;
}

export async function startScenario(name: string, env: Record<string, string> = {}): Promise<Scenario> {
  const bucket = `logsleuth-${name}`;
  const table = `results-${name}`;
  const emulators = await startEmulators({ buckets: [bucket] });
  await createResultsTable(emulators, table);
  const queues = {
    train: await createQueueWithDlq(emulators, `${name}-train`, { maxReceiveCount: 3 }),
    detect: await createQueueWithDlq(emulators, `${name}-detect`, { maxReceiveCount: 3 }),
    explain: await createQueueWithDlq(emulators, `${name}-explain`, { maxReceiveCount: 3 }),
  };
  Object.assign(process.env, handlerEnv(emulators, {
    TABLE_NAME: table, BUCKET_NAME: bucket, EXPLAIN_QUEUE_URL: queues.explain.url, DETECT_QUEUE_URL: queues.detect.url, ...env,
  }));
  const train = (await import('../../functions/train/handler.ts')).handler as SqsHandler;
  const detect = (await import('../../functions/detect/handler.ts')).handler as SqsHandler;
  const bridge = bridgeS3Events(emulators, { train: queues.train.url, detect: queues.detect.url });

  return {
    emulators, bucket, table, queues, train, detect, bridge,
    async upload(key, body) {
      await emulators.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      await bridge.settled();
    },
    async runQueues(detectContext) {
      await bridge.settled();
      return drain(emulators, [
        { queueUrl: queues.train.url, handler: train, context: lambdaContext(undefined, 'train') },
        { queueUrl: queues.detect.url, handler: detect, context: detectContext ?? lambdaContext(undefined, 'detect'), batchSize: 5 },
      ]);
    },
    async items() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await emulators.doc.send(new ScanCommand({ TableName: table, ...(start && { ExclusiveStartKey: start }) }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => `${a.PK}|${a.SK}`.localeCompare(`${b.PK}|${b.SK}`));
    },
    async runExplainQueue() {
      const explain = (await import('../../functions/explain/handler.ts')).handler as SqsHandler;
      return drain(emulators, [{ queueUrl: queues.explain.url, handler: explain, context: lambdaContext(undefined, 'explain'), batchSize: 3 }]);
    },
    async takeExplainMessages() {
      const bodies: Record<string, unknown>[] = [];
      for (;;) {
        const { Messages = [] } = await emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.explain.url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
        if (Messages.length === 0) return bodies;
        for (const m of Messages) {
          bodies.push(JSON.parse(m.Body!) as Record<string, unknown>);
          await emulators.sqs.send(new DeleteMessageCommand({ QueueUrl: queues.explain.url, ReceiptHandle: m.ReceiptHandle! }));
        }
      }
    },
    async close() {
      bridge.stop();
      await emulators.close();
    },
  };
}

/** The sample logs shipped in events/logs/. */
export async function sampleLog(name: 'baseline' | 'incident' | 'clean'): Promise<Buffer> {
  return readFile(new URL(`../../events/logs/${name}.jsonl`, import.meta.url));
}

export const gzip = (data: Buffer): Buffer => gzipSync(data);
