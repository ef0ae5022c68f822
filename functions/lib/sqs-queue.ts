/**
 * {@link JobQueue} on SQS: `SendMessageBatch` of 10, failed entries retried with backoff; what still
 * fails after the last attempt is thrown as a transient error (the caller's queue message is then retried).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue } from '../../shared/ports.ts';

const BATCH = 10;
const ATTEMPTS = 5;

export class SqsQueue<T> implements JobQueue<T> {
  constructor(private readonly client: SQSClient, readonly queueUrl: string, private readonly backoffMs = 100) {}

  async send(messages: T[]): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      let pending = messages.slice(i, i + BATCH).map((message, j) => ({ Id: String(i + j), MessageBody: JSON.stringify(message) }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failed = out.Failed ?? [];
        // Entries the sender got wrong (SenderFault) will fail every time: no point retrying them.
        const permanent = failed.filter((f) => f.SenderFault);
        if (permanent.length > 0) throw new Error(`SQS rejected ${permanent.length} message(s): ${permanent[0]!.Code}: ${permanent[0]!.Message ?? ''}`);
        const retry = new Set(failed.map((f) => f.Id));
        pending = pending.filter((entry) => retry.has(entry.Id));
        if (pending.length === 0) break;
        if (attempt >= ATTEMPTS) {
          throw Object.assign(new Error(`SQS did not take ${pending.length} message(s) after ${attempt} attempts: ${failed[0]?.Code ?? ''}`), { name: 'ServiceUnavailable' });
        }
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
  }
}
