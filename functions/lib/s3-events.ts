/**
 * Job-queue message bodies: S3 event notifications (with URL-encoded keys), S3's test event, and
 * our own follow-up messages. Parsing is strict: a body that is none of these is a permanent error.
 */
import { z } from 'zod';
import type { ContinueDetectionMessage } from '../../shared/ports.ts';

const s3Record = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }).loose() }).loose(),
}).loose();

// `retryOfRun`: the nightly job's one retry of a run it found stuck (see RunWriter.reopenStuckRun).
const s3Event = z.object({ Records: z.array(s3Record), retryOfRun: z.string().optional() });
const testEvent = z.object({ Event: z.literal('s3:TestEvent') }).loose();
const continueMessage = z.object({
  kind: z.literal('continue-detection'), runId: z.string(), location: z.string(), key: z.string(), etag: z.string(),
  source: z.string(), modelId: z.string(), checkpointKey: z.string(), continuation: z.number().int().positive(),
  configText: z.string().optional(), leaseOwner: z.string().optional(),
});

export type Job = { kind: 'object'; bucket: string; key: string; retryOfRun?: string } | ContinueDetectionMessage;

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The jobs in one queue message body (an S3 event can hold several records; a test event none). */
export function jobsFromBody(body: string): Job[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`message body is not JSON: ${body.slice(0, 80)}`);
  }
  if (testEvent.safeParse(json).success) return [];
  const follow = continueMessage.safeParse(json);
  if (follow.success) return [follow.data];
  const event = s3Event.safeParse(json);
  if (!event.success) throw new Error(`message body is neither an S3 event nor a logsleuth job: ${body.slice(0, 80)}`);
  return event.data.Records
    .filter((r) => r.eventName.startsWith('ObjectCreated'))
    .map((r) => ({ kind: 'object' as const, bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key), ...(event.data.retryOfRun !== undefined && { retryOfRun: event.data.retryOfRun }) }));
}

/** The inverse of {@link decodeS3Key}: S3's form encoding in event notifications (space → `+`, slashes kept). */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}
