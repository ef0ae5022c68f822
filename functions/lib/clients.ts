/**
 * SDK clients, built once per container. With an endpoint override (emulators) S3 uses path-style
 * URLs and checksums only when required: s3rver would otherwise store aws-chunked framing inside
 * objects (see ENVIRONMENT.md).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BaseConfig } from './config.ts';

export function s3Client(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_S3'>): S3Client {
  const url = config.AWS_ENDPOINT_URL_S3;
  return new S3Client(url ? { endpoint: url, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {});
}

export function documentClient(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_DYNAMODB'>): DynamoDBDocumentClient {
  const url = config.AWS_ENDPOINT_URL_DYNAMODB;
  return DynamoDBDocumentClient.from(new DynamoDBClient(url ? { endpoint: url } : {}), { marshallOptions: { removeUndefinedValues: true } });
}

export function sqsClient(config: Pick<BaseConfig, 'AWS_ENDPOINT_URL_SQS'>): SQSClient {
  const url = config.AWS_ENDPOINT_URL_SQS;
  return new SQSClient(url ? { endpoint: url } : {});
}
