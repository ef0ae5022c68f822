/**
 * What the Lambda service does around our handlers, in-process: a context with a (settable)
 * deadline, SQS pollers that deliver real batches and honour partial batch responses, and the
 * bridge from s3rver's in-process events to the job queues with the stack's notification filters.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { notificationTarget } from '../../shared/pipeline/stages/layout.ts';
import type { Emulators } from './emulators.ts';

/** A Lambda context whose remaining time is `remainingMs()` (default: 15 minutes, never running out). */
export function lambdaContext(remainingMs: () => number = () => 900_000, functionName = 'fn'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false, functionName, functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`, memoryLimitInMB: '1024',
    awsRequestId: 'req-1', logGroupName: `/aws/lambda/${functionName}`, logStreamName: 's',
    getRemainingTimeInMillis: remainingMs, done: () => undefined, fail: () => undefined, succeed: () => undefined,
  };
}

/** S3's key encoding in event notifications: form-encoded (space → `+`), slashes kept. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/** SQS messages as the Lambda service hands them to a handler. */
export function sqsEvent(messages: Message[], queueArn = 'arn:aws:sqs:us-east-1:123456789012:jobs'): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!, receiptHandle: m.ReceiptHandle!, body: m.Body!, md5OfBody: m.MD5OfBody ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1', SentTimestamp: m.Attributes?.SentTimestamp ?? '0',
        SenderId: 'local', ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? '0',
      },
      messageAttributes: {}, eventSource: 'aws:sqs', eventSourceARN: queueArn, awsRegion: 'us-east-1',
    })),
  };
}

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/**
 * One poll, as the Lambda event source mapping does it: receive up to `batchSize`, invoke, delete
 * the successes; failures become visible again at once (instead of after the visibility timeout,
 * so tests need no sleeps) and count towards the DLQ's maxReceiveCount. Returns messages handled.
 */
export async function pollOnce(emulators: Emulators, queueUrl: string, handler: SqsHandler, context: Context, batchSize = 10): Promise<{ received: number; failed: number }> {
  const { Messages = [] } = await emulators.sqs.send(new ReceiveMessageCommand({
    QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: 0,
    // local-aws-sqs honours only the deprecated AttributeNames (ENVIRONMENT.md): send both.
    AttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  }));
  if (Messages.length === 0) return { received: 0, failed: 0 };
  let failedIds: Set<string>;
  try {
    const response = await handler(sqsEvent(Messages), context);
    failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch {
    failedIds = new Set(Messages.map((m) => m.MessageId!));
  }
  for (const m of Messages) {
    if (failedIds.has(m.MessageId!)) await emulators.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    else await emulators.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  }
  return { received: Messages.length, failed: failedIds.size };
}

/** Polls each queue in turn until a full round finds every queue empty (bounded). */
export async function drain(emulators: Emulators, consumers: { queueUrl: string; handler: SqsHandler; context?: Context; batchSize?: number }[], maxRounds = 50): Promise<number> {
  let handled = 0;
  for (let round = 0; round < maxRounds; round++) {
    let received = 0;
    for (const c of consumers) received += (await pollOnce(emulators, c.queueUrl, c.handler, c.context ?? lambdaContext(), c.batchSize)).received;
    handled += received;
    if (received === 0) return handled;
  }
  throw new Error(`queues still not empty after ${maxRounds} rounds`);
}

/**
 * Forwards s3rver's in-process events to the job queues the way the stack's bucket notifications do
 * (same prefix rules, keys URL-encoded like real S3). `settled()` waits for sends in flight.
 */
export function bridgeS3Events(emulators: Emulators, queues: { train: string; detect: string }) {
  const inFlight = new Set<Promise<unknown>>();
  const listener = (event: { Records: { eventName: string; s3: { object: { key: string } } }[] }) => {
    for (const record of event.Records) {
      const target = record.eventName.startsWith('ObjectCreated') ? notificationTarget(record.s3.object.key) : undefined;
      if (!target) continue;
      const body = { Records: [{ ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeS3Key(record.s3.object.key) } } }] };
      const sent = emulators.sqs.send(new SendMessageCommand({ QueueUrl: queues[target], MessageBody: JSON.stringify(body) }));
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    }
  };
  emulators.s3rver.on('event', listener);
  return {
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stop() {
      emulators.s3rver.off('event', listener);
    },
  };
}
