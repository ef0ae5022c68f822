import { describe, expect, it } from 'vitest';
import { cloudwatchSubscriptionPreset, serviceOfLogGroup } from '../../../../shared/ingest/formats/cloudwatch-subscription.ts';
import { sniffJsonPreset } from '../../../../shared/ingest/formats/registry.ts';
import { jsonValues } from '../../../../shared/ingest/json-values.ts';
import type { LogRecord } from '../../../../shared/ingest/record.ts';
import { REQ1, collect, context, readerOf } from './lambda-samples.ts';

const T0 = Date.UTC(2024, 4, 14, 9, 21, 7, 311);

const LAMBDA_DATA = {
  messageType: 'DATA_MESSAGE',
  owner: '123456789012',
  logGroup: '/aws/lambda/checkout',
  logStream: '2024/05/14/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  subscriptionFilters: ['to-firehose'],
  logEvents: [
    { id: '38261537412345678901234567890123456789012345678901234567', timestamp: T0, message: `START RequestId: ${REQ1} Version: $LATEST\n` },
    { id: '38261537412345678901234567890123456789012345678901234568', timestamp: T0 + 201, message: `2024-05-14T09:21:07.512Z\t${REQ1}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"card declined"}\n    at charge (/var/task/pay.js:12:11)\n` },
    { id: '38261537412345678901234567890123456789012345678901234569', timestamp: T0 + 250, message: `REPORT RequestId: ${REQ1}\tDuration: 45.21 ms\tBilled Duration: 46 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t\n` },
  ],
};

const CONTROL = {
  messageType: 'CONTROL_MESSAGE',
  owner: 'CloudwatchLogs',
  logGroup: '',
  logStream: '',
  subscriptionFilters: [],
  logEvents: [{ id: '', timestamp: 1715678467000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
};

const ECS_DATA = {
  messageType: 'DATA_MESSAGE',
  owner: '123456789012',
  logGroup: '/ecs/payments',
  logStream: 'payments/app/5e4d3c2b1a0f4e9d8c7b6a5f4e3d2c1b',
  subscriptionFilters: ['to-firehose'],
  logEvents: [
    { id: '38261537500000000000000000000000000000000000000000000001', timestamp: T0 + 900, message: '{"level":"warn","msg":"retrying charge","request_id":"pay-91","duration_ms":812}' },
    { id: '38261537500000000000000000000000000000000000000000000002', timestamp: T0 + 950, message: 'payment worker heartbeat' },
  ],
};

/** What Firehose writes to S3 with decompression on: objects back to back, one newline-separated. */
const FIREHOSE_OBJECT = `${JSON.stringify(LAMBDA_DATA)}${JSON.stringify(CONTROL)}\n${JSON.stringify(ECS_DATA)}`;

async function readObject(text: string, chunkSize: number): Promise<LogRecord[]> {
  const parser = cloudwatchSubscriptionPreset.create(context());
  const values = await collect(jsonValues(readerOf(text, chunkSize), () => {}));
  return values.flatMap((value, i) => parser.records(value, 'firehose-1-2024-05-14-09-21-07-abc', i + 1));
}

describe('cloudwatch-subscription preset', () => {
  it('gives one record per log event of the DATA_MESSAGEs and none for the CONTROL_MESSAGE', async () => {
    const records = await readObject(FIREHOSE_OBJECT, 11);
    expect(records.map((r) => r.message)).toEqual([
      `START RequestId: ${REQ1} Version: $LATEST`,
      'Invoke Error \t{"errorType":"Error","errorMessage":"card declined"}',
      `REPORT RequestId: ${REQ1} Duration: 45.21 ms Billed Duration: 46 ms Memory Size: 128 MB Max Memory Used: 71 MB`,
      'retrying charge',
      'payment worker heartbeat',
    ]);
  });

  it('numbers records by event, 1-based and increasing across objects', async () => {
    const records = await readObject(FIREHOSE_OBJECT, 4096);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads Lambda messages: session, duration, level, the function as service, the event time as fallback', async () => {
    const [start, error, report] = await readObject(FIREHOSE_OBJECT, 4096);
    expect(start).toMatchObject({ sessionId: REQ1, service: 'checkout', timestamp: T0 });
    expect(error).toMatchObject({ level: 'ERROR', sessionId: REQ1, timestamp: Date.UTC(2024, 4, 14, 9, 21, 7, 512), detail: '    at charge (/var/task/pay.js:12:11)' });
    expect(report).toMatchObject({ durationMs: 45.21, sessionId: REQ1, service: 'checkout', timestamp: T0 + 250 });
    expect(report!.fields).toMatchObject({
      logGroup: '/aws/lambda/checkout',
      logStream: '2024/05/14/[$LATEST]0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      owner: '123456789012',
      billedDurationMs: '46',
    });
  });

  it('maps a JSON message with the mapper and a plain one as text, service from the log group', async () => {
    const [, , , json, plain] = await readObject(FIREHOSE_OBJECT, 4096);
    expect(json).toMatchObject({ message: 'retrying charge', level: 'WARN', sessionId: 'pay-91', durationMs: 812, service: '/ecs/payments', timestamp: T0 + 900 });
    expect(plain).toMatchObject({ message: 'payment worker heartbeat', service: '/ecs/payments', timestamp: T0 + 950 });
    expect(plain!.level).toBeUndefined();
  });

  it('names the service after the function of a Lambda log group, else the log group', () => {
    expect(serviceOfLogGroup('/aws/lambda/checkout')).toBe('checkout');
    expect(serviceOfLogGroup('/aws/lambda/')).toBe('/aws/lambda/');
    expect(serviceOfLogGroup('/ecs/payments')).toBe('/ecs/payments');
    expect(serviceOfLogGroup('')).toBeUndefined();
  });

  it('gives no record for values that are not subscription payloads', () => {
    const parser = cloudwatchSubscriptionPreset.create(context());
    expect(parser.records({ messageType: 'DATA_MESSAGE' }, 's', 1)).toEqual([]);
    expect(parser.records([LAMBDA_DATA], 's', 2)).toEqual([]);
  });

  it('is sniffed from the head, and from a first CONTROL_MESSAGE', () => {
    expect(sniffJsonPreset(FIREHOSE_OBJECT.slice(0, 100), undefined)?.name).toBe('cloudwatch-subscription');
    expect(sniffJsonPreset(JSON.stringify(CONTROL), CONTROL)?.name).toBe('cloudwatch-subscription');
    expect(cloudwatchSubscriptionPreset.sniff('{"message":"DATA_MESSAGE"}', { message: 'DATA_MESSAGE' })).toBe(false);
  });
});
