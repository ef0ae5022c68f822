import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../../functions/lib/s3-object-store.ts';
import { SqsQueue } from '../../../functions/lib/sqs-queue.ts';
import { createQueueWithDlq, startEmulators, type Emulators } from '../../support/emulators.ts';

let emulators: Emulators;
const BUCKET = 'adapters';

beforeAll(async () => {
  emulators = await startEmulators({ buckets: [BUCKET] });
});
afterAll(async () => emulators?.close());

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('S3ObjectStore', () => {
  it('streams an object and can open it twice', async () => {
    const store = new S3ObjectStore(emulators.s3, BUCKET);
    await store.put('logs/app/a b.jsonl', '{"msg":"one"}\n{"msg":"two"}\n');
    const info = await store.head('logs/app/a b.jsonl');
    const input = store.input('logs/app/a b.jsonl', info!.etag);
    expect(await readAll(await input.open())).toBe('{"msg":"one"}\n{"msg":"two"}\n');
    expect(await readAll(await input.open())).toBe('{"msg":"one"}\n{"msg":"two"}\n');
    expect(input.transientFailure).toBeUndefined();
  });

  it('gives an opened input its LastModified as modified, and head its lastModified', async () => {
    const store = new S3ObjectStore(emulators.s3, BUCKET);
    const before = Date.now() - 2000;
    await store.put('logs/app/syslog.1', '<34>Mar  2 10:05:00 host app: hello\n');
    const input = store.input('logs/app/syslog.1');
    expect(input.modified).toBeUndefined();
    await readAll(await input.open());
    // S3 keeps whole seconds.
    expect(input.modified).toBeGreaterThanOrEqual(before);
    expect(input.modified).toBeLessThanOrEqual(Date.now());
    expect((await store.head('logs/app/syslog.1'))!.lastModified).toBe(input.modified);
  });

  it('heads, lists sorted, and says undefined for missing objects', async () => {
    const store = new S3ObjectStore(emulators.s3, BUCKET);
    await store.put('baseline/svc/b.log', 'b');
    await store.put('baseline/svc/a.log', 'aa');
    expect((await store.list('baseline/svc/')).map((o) => [o.key, o.size])).toEqual([['baseline/svc/a.log', 2], ['baseline/svc/b.log', 1]]);
    expect(await store.head('nope')).toBeUndefined();
    expect(await store.getText('nope')).toBeUndefined();
  });

  it('lists past one page (s3rver continuation tokens work with the DES mapping)', async () => {
    await emulators.s3.send(new CreateBucketCommand({ Bucket: 'many' }));
    const store = new S3ObjectStore(emulators.s3, 'many');
    await Promise.all(Array.from({ length: 1005 }, (_, i) => emulators.s3.send(new PutObjectCommand({ Bucket: 'many', Key: `p/${String(i).padStart(4, '0')}`, Body: 'x' }))));
    expect((await store.list('p/')).length).toBe(1005);
  });
});

describe('SqsQueue', () => {
  it('sends more than ten messages in batches of ten', async () => {
    const { url } = await createQueueWithDlq(emulators, 'send-many');
    await new SqsQueue(emulators.sqs, url).send(Array.from({ length: 23 }, (_, i) => ({ i })));
    const seen: number[] = [];
    for (let round = 0; round < 10 && seen.length < 23; round++) {
      const { Messages = [] } = await emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      for (const m of Messages) {
        seen.push((JSON.parse(m.Body!) as { i: number }).i);
        await emulators.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('retries the entries a batch send reported as failed', async () => {
    let calls = 0;
    const flaky = {
      send: async (command: { input: { Entries: { Id: string }[] } }) => {
        calls++;
        return calls === 1 ? { Successful: [], Failed: [{ Id: command.input.Entries[0]!.Id, SenderFault: false, Code: 'InternalError' }] } : { Successful: command.input.Entries, Failed: [] };
      },
    };
    await new SqsQueue(flaky as never, 'http://q', 1).send([{ a: 1 }, { a: 2 }]);
    expect(calls).toBe(2);
  });
});
