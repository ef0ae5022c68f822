/**
 * Per-function configuration from the environment, validated with zod once at cold start.
 * A bad or missing variable fails the cold start with one error naming every problem.
 */
import { z } from 'zod';

const endpoint = z.string().url().optional();

/** What every function needs. The endpoint overrides exist for emulators (tests, `npm run invoke`). */
export const baseConfigSchema = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  RETENTION_DAYS: z.coerce.number().int().min(0).default(90),
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  AWS_ENDPOINT_URL_SQS: endpoint,
});

export const trainConfigSchema = baseConfigSchema;

export const detectConfigSchema = baseConfigSchema.extend({
  EXPLAIN_QUEUE_URL: z.string().url(),
  /** The detection job queue itself: follow-ups after a deadline go there. */
  DETECT_QUEUE_URL: z.string().url(),
  /** Stop and checkpoint when fewer ms than this remain. */
  DEADLINE_RESERVE_MS: z.coerce.number().int().min(0).default(20_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type DetectConfig = z.infer<typeof detectConfigSchema>;

/** Parses `env` or throws one error listing every bad variable by name. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new Error(`invalid configuration: ${problems.join('; ')}`);
}
