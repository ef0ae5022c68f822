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
  /**
   * Follow-ups one run may take before it ends FAILED ("needs more than N continuations"). Plain
   * objects continue with ranged reads (each invocation reads its own share); gzip and archives are
   * read again from the start each time, so for them the cap also bounds the re-reading.
   */
  MAX_CONTINUATIONS: z.coerce.number().int().min(0).default(50),
  /**
   * A run's lease lasts the invocation's remaining time plus this margin (the follow-up's trip to the
   * next invocation, which takes the lease over). Keep it well under the queue's visibility timeout.
   */
  LEASE_MARGIN_MS: z.coerce.number().int().min(0).default(60_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type TrainConfig = z.infer<typeof trainConfigSchema>;
export type DetectConfig = z.infer<typeof detectConfigSchema>;

/**
 * The results API (read only). The key of the pagination cursors' HMAC (integrity of cursors, not
 * access control: IAM is) comes from the Secrets Manager secret CURSOR_SECRET_ARN (deployed) or,
 * for local runs and tests only, from CURSOR_SECRET itself.
 */
export const apiConfigSchema = baseConfigSchema.extend({
  CURSOR_SECRET_ARN: z.string().startsWith('arn:').optional(),
  CURSOR_SECRET: z.string().min(16).optional(),
}).refine((c) => c.CURSOR_SECRET_ARN !== undefined || c.CURSOR_SECRET !== undefined, {
  path: ['CURSOR_SECRET_ARN'], message: 'set CURSOR_SECRET_ARN (the cursor key\'s secret) or, locally, CURSOR_SECRET',
});
export type ApiConfig = z.infer<typeof apiConfigSchema>;

/** The nightly job. */
export const nightlyConfigSchema = baseConfigSchema.extend({
  DETECT_QUEUE_URL: z.string().url(),
  /** Days of log statistics a rolled baseline keeps on top of the uploaded baseline (older days drop out). */
  HISTORY_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** Anomalies per source in the digest and the report. */
  DIGEST_TOP: z.coerce.number().int().min(1).max(100).default(10),
});
export type NightlyConfig = z.infer<typeof nightlyConfigSchema>;

/**
 * The explainer. The default model is the cheapest that can be forced to answer through a tool
 * (Amazon Nova Micro, via its US cross-region inference profile); any Converse model id or
 * inference-profile id/ARN that supports a specific tool choice (Nova, Claude 3+) works.
 */
export const explainConfigSchema = baseConfigSchema.extend({
  BEDROCK_MODEL_ID: z.string().min(1).default('us.amazon.nova-micro-v1:0'),
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint,
  /** Input tokens per request (estimated; long sessions are sampled to fit). */
  EXPLAIN_MAX_INPUT_TOKENS: z.coerce.number().int().min(1000).default(8000),
  EXPLAIN_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(100).default(1000),
  /** Reuse an explanation for the same signature for this many hours (0: never). */
  EXPLAIN_CACHE_HOURS: z.coerce.number().min(0).default(24),
  /**
   * SDK attempts per call (throttling, 5xx and timeouts are retried with backoff) before the message
   * goes back to the queue. With BEDROCK_TIMEOUT_MS, sized so a whole message fits the Lambda
   * timeout (functions/lib/bedrock-budget.ts; the infra sets both).
   */
  BEDROCK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** One Converse attempt, ms (the SDK's per-attempt request timeout). */
  BEDROCK_TIMEOUT_MS: z.coerce.number().int().min(1000).default(40_000),
});
export type ExplainConfig = z.infer<typeof explainConfigSchema>;

/** Parses `env` or throws one error listing every bad variable by name. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new Error(`invalid configuration: ${problems.join('; ')}`);
}
