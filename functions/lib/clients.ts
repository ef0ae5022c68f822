/**
 * SDK clients, built once per container. With an endpoint override (emulators) S3 uses path-style
 * URLs and checksums only when required: s3rver would otherwise store aws-chunked framing inside
 * objects (see ENVIRONMENT.md).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ObjectStore } from '../../shared/ports.ts';
import type { BaseConfig } from './config.ts';
import { dynamoResultStores, type DynamoResultStores } from './dynamo/result-stores.ts';

export function s3Client(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_S3'>): S3Client {
  const url = config.AWS_ENDPOINT_URL_S3;
  return new S3Client(url ? { endpoint: url, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {});
}

export function documentClient(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_DYNAMODB'>): DynamoDBDocumentClient {
  const url = config.AWS_ENDPOINT_URL_DYNAMODB;
  return DynamoDBDocumentClient.from(new DynamoDBClient(url ? { endpoint: url } : {}), { marshallOptions: { removeUndefinedValues: true } });
}

/** Every result-store port over the stack's table; attributes too big for an item go to `overflow` (the bucket). */
export function resultStores(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_DYNAMODB' | 'TABLE_NAME' | 'RETENTION_DAYS'>, overflow: ObjectStore): DynamoResultStores {
  return dynamoResultStores({ client: documentClient(config), tableName: config.TABLE_NAME, overflow, retentionDays: config.RETENTION_DAYS });
}

export function sqsClient(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_SQS'>): SQSClient {
  const url = config.AWS_ENDPOINT_URL_SQS;
  return new SQSClient(url ? { endpoint: url } : {});
}
