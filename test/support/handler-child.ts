/**
 * Runs one Lambda handler on one SQS message in a process of its own, so a test can kill it with
 * SIGKILL at any moment and run it again, as Lambda does to a crashed invocation before the queue
 * redelivers its message. The handler's environment (emulator endpoints, table, bucket, queues) comes
 * from the parent; argv: `<train|detect> <message body> <message id>`. Prints the handler's response
 * as JSON on stdout. Each run is a new invocation (request id `REQUEST_ID`, else a random one), with
 * `REMAINING_MS` left.
 */
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse } from 'aws-lambda';
import { lambdaContext, sqsEvent, type SqsHandler } from './lambda.ts';

const [name, body, messageId] = process.argv.slice(2);
if ((name !== 'train' && name !== 'detect') || body === undefined || messageId === undefined) {
  process.stderr.write('usage: handler-child.ts <train|detect> <message body> <message id>\n');
  process.exit(2);
}
const { handler } = (await import(`../../functions/${name}/handler.ts`)) as { handler: SqsHandler };
const remaining = Number(process.env.REMAINING_MS ?? 900_000);
const context = { ...lambdaContext(() => remaining, name), awsRequestId: process.env.REQUEST_ID ?? randomUUID() };
let response: SQSBatchResponse;
try {
  response = (await handler(sqsEvent([{ MessageId: messageId, ReceiptHandle: 'r', Body: body }]), context)) ?? { batchItemFailures: [] };
} catch {
  response = { batchItemFailures: [{ itemIdentifier: messageId }] };
}
process.stdout.write(`${JSON.stringify(response)}\n`);
process.exit(0);
