import { describe, expect, it } from 'vitest';
import { cloudtrailPreset } from '../../../../shared/ingest/formats/cloudtrail.ts';
import { sniffJsonPreset } from '../../../../shared/ingest/formats/registry.ts';
import { jsonArrayElements } from '../../../../shared/ingest/json-array.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { collect, context, readerOf } from './lambda-samples.ts';

const ROLE_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROA3EXAMPLEROLEID:alice',
  arn: 'arn:aws:sts::123456789012:assumed-role/DataEngineer/alice',
  accountId: '123456789012',
  accessKeyId: 'ASIA3EXAMPLESESSION1',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROA3EXAMPLEROLEID', arn: 'arn:aws:iam::123456789012:role/DataEngineer', accountId: '123456789012', userName: 'DataEngineer' },
    attributes: { creationDate: '2024-05-14T08:55:02Z', mfaAuthenticated: 'false' },
  },
};

/** A CloudTrail log file: a denied S3 read, a successful EC2 describe by the same session, a call by an AWS service. */
const DOCUMENT = {
  Records: [
    {
      eventVersion: '1.09', userIdentity: ROLE_SESSION, eventTime: '2024-05-14T09:21:07Z', eventSource: 's3.amazonaws.com',
      eventName: 'GetObject', awsRegion: 'eu-west-1', sourceIPAddress: '203.0.113.10', userAgent: '[aws-cli/2.15.30 Python/3.11.8]',
      errorCode: 'AccessDenied', errorMessage: 'Access Denied',
      requestParameters: { bucketName: 'finance-reports', key: 'q1/summary.csv', Host: 'finance-reports.s3.eu-west-1.amazonaws.com' },
      responseElements: null, requestID: 'K2H6N7G4Q8W1E5RT', eventID: '0f7b9c2e-3d41-4a5b-8c6d-7e8f9a0b1c2d', readOnly: true,
      resources: [{ type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::finance-reports/q1/summary.csv' }],
      eventType: 'AwsApiCall', managementEvent: false, recipientAccountId: '123456789012', eventCategory: 'Data',
    },
    {
      eventVersion: '1.09', userIdentity: ROLE_SESSION, eventTime: '2024-05-14T09:21:09Z', eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances', awsRegion: 'eu-west-1', sourceIPAddress: '203.0.113.10', userAgent: '[aws-cli/2.15.30 Python/3.11.8]',
      requestParameters: { instancesSet: {}, filterSet: {} }, responseElements: null, requestID: '5b1c8f0e-6a7d-4e2f-9b3c-1d2e3f4a5b6c',
      eventID: 'a1b2c3d4-e5f6-4789-a0b1-c2d3e4f5a6b7', readOnly: true, eventType: 'AwsApiCall', managementEvent: true,
      recipientAccountId: '123456789012', eventCategory: 'Management',
    },
    {
      eventVersion: '1.08', userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' }, eventTime: '2024-05-14T09:25:00Z',
      eventSource: 's3.amazonaws.com', eventName: 'PutObject', awsRegion: 'eu-west-1', sourceIPAddress: 'cloudtrail.amazonaws.com',
      userAgent: 'cloudtrail.amazonaws.com', requestParameters: null, responseElements: null, requestID: 'QWERTY1234567890',
      eventID: 'b2c3d4e5-f6a7-4890-b1c2-d3e4f5a6b7c8', readOnly: false, eventType: 'AwsApiCall', recipientAccountId: '123456789012',
    },
  ],
};

async function readDocument(text: string, chunkSize: number): Promise<LogRecord[]> {
  const parser = cloudtrailPreset.create(context());
  const elements = await collect(jsonArrayElements(readerOf(text, chunkSize), 'Records'));
  return elements.flatMap((element, i) => parser.records(element, 'trail.json', i + 1));
}

describe('cloudtrail preset', () => {
  it('reads a failed call: eventName + errorCode as the message, ERROR, eventSource as service', async () => {
    const [denied] = await readDocument(JSON.stringify(DOCUMENT), 13);
    expect(denied).toMatchObject({
      source: 'trail.json',
      line: 1,
      message: 'GetObject failed: AccessDenied',
      level: 'ERROR',
      service: 's3.amazonaws.com',
      sessionId: 'ASIA3EXAMPLESESSION1',
      timestamp: Date.UTC(2024, 4, 14, 9, 21, 7),
    });
    expect(denied!.fields).toMatchObject({
      sourceIPAddress: '203.0.113.10',
      userAgent: '[aws-cli/2.15.30 Python/3.11.8]',
      awsRegion: 'eu-west-1',
      userArn: 'arn:aws:sts::123456789012:assumed-role/DataEngineer/alice',
      requestID: 'K2H6N7G4Q8W1E5RT',
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
      sessionIssuerArn: 'arn:aws:iam::123456789012:role/DataEngineer',
    });
  });

  it('reads a successful call as its eventName at INFO, in the same session as the other calls with those credentials', async () => {
    const [denied, described] = await readDocument(JSON.stringify(DOCUMENT, null, 2), 5);
    expect(described).toMatchObject({ line: 2, message: 'DescribeInstances', level: 'INFO', service: 'ec2.amazonaws.com' });
    expect(described!.sessionId).toBe(denied!.sessionId);
    expect(described!.fields?.errorCode).toBeUndefined();
  });

  it('gives an AWS service call without credentials no session', async () => {
    const records = await readDocument(JSON.stringify(DOCUMENT), 64);
    expect(records).toHaveLength(3);
    expect(records[2]).toMatchObject({ line: 3, message: 'PutObject', fields: { invokedBy: 'cloudtrail.amazonaws.com', userType: 'AWSService' } });
    expect(records[2]!.sessionId).toBeUndefined();
  });

  it('skips an element that is not a CloudTrail record', () => {
    const parser = cloudtrailPreset.create(context());
    expect(parser.records({ foo: 1 }, 'trail.json', 1)).toEqual([]);
    expect(parser.records('GetObject', 'trail.json', 2)).toEqual([]);
  });

  it('is sniffed from the head `{"Records":[`, whitespace allowed', () => {
    expect(sniffJsonPreset('{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"As', undefined)?.name).toBe('cloudtrail');
    expect(sniffJsonPreset('\uFEFF {\n  "Records" : [\n', undefined)?.name).toBe('cloudtrail');
    expect(cloudtrailPreset.sniff('{"records":[]}', undefined)).toBe(false);
    expect(cloudtrailPreset.sniff('{"msg":"Records"}', { msg: 'Records' })).toBe(false);
  });
});
