/**
 * Real protocol implementations on 127.0.0.1, in this process: dynalite (DynamoDB), s3rver (S3),
 * local-aws-sqs (SQS). Quirks handled as ENVIRONMENT.md says: S3 checksums only when required,
 * s3rver's single-DES continuation tokens mapped to 3DES with the key repeated (same cipher, still
 * available in OpenSSL 3), ReceiveMessage with the deprecated AttributeNames too.
 */
import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { createSqsServer } from 'local-aws-sqs';
import { createTableInput } from '../../functions/lib/table-schema.ts';

export interface Emulators {
  s3Endpoint: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  s3rver: S3rver;
  s3: S3Client;
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  close(): Promise<void>;
}

mapSingleDes();

/** Starts all three on free ports; `buckets` are created empty. Sets fake credentials in process.env. */
export async function startEmulators(options: { buckets?: string[] } = {}): Promise<Emulators> {
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

  const dynamoServer: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamoServer.listen(0, '127.0.0.1', resolve));
  const dynamoEndpoint = `http://127.0.0.1:${(dynamoServer.address() as AddressInfo).port}`;

  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const s3rver = new S3rver({
    port: 0, address: '127.0.0.1', silent: true, directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const { port: s3Port } = await s3rver.run();
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;

  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  const sqsEndpoint = `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`;

  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const s3 = new S3Client({ endpoint: s3Endpoint, region: 'us-east-1', credentials, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'us-east-1', credentials });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region: 'us-east-1', credentials });

  return {
    s3Endpoint, dynamoEndpoint, sqsEndpoint, s3rver, s3, dynamo, doc, sqs,
    async close() {
      s3.destroy();
      dynamo.destroy();
      sqs.destroy();
      await s3rver.close();
      await new Promise((resolve) => dynamoServer.close(resolve));
      sqsServer.closeAllConnections?.();
      await new Promise((resolve) => sqsServer.close(resolve));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Creates the results table with the same keys and indexes as the stack. */
export async function createResultsTable(emulators: Emulators, tableName: string): Promise<void> {
  await emulators.dynamo.send(new CreateTableCommand(createTableInput(tableName)));
}

/** A queue with its DLQ; returns both URLs. Fresh names per test (PurgeQueue takes 60 s). */
export async function createQueueWithDlq(emulators: Emulators, name: string, options: { maxReceiveCount?: number; visibilityTimeout?: number } = {}) {
  const dlq = await emulators.sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await emulators.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const queue = await emulators.sqs.send(new CreateQueueCommand({
    QueueName: name,
    Attributes: {
      VisibilityTimeout: String(options.visibilityTimeout ?? 30),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
    },
  }));
  return { url: queue.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

/** The environment a handler reads at cold start, pointed at the emulators. */
export function handlerEnv(emulators: Emulators, values: Record<string, string>): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
    AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...values,
  };
}

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 disables.
 * DES-EDE3 with K1 = K2 = K3 is the same cipher, and it is still available.
 */
function mapSingleDes(): void {
  const marker = Symbol.for('logsleuth.desMapped');
  const c = crypto as unknown as Record<string | symbol, unknown>;
  if (c[marker]) return;
  c[marker] = true;
  const map = (fn: typeof crypto.createCipheriv) => ((algorithm: string, key: Buffer, iv: Buffer, opts?: unknown) =>
    algorithm === 'des' ? fn('des-ede3-cbc', Buffer.concat([key, key, key]), iv, opts as never) : fn(algorithm, key, iv, opts as never));
  c.createCipheriv = map(crypto.createCipheriv);
  c.createDecipheriv = map(crypto.createDecipheriv as unknown as typeof crypto.createCipheriv);
}
