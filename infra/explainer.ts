/**
 * The explainer: a Lambda on the explain queue that asks Amazon Bedrock (Converse) for a root-cause
 * analysis of each anomaly group. Its event source reports partial batch failures and has a max
 * concurrency, so throttling on one group never re-runs a batch and Bedrock is never flooded. Its
 * Bedrock permission names the configured model (or inference profile and the foundation model it
 * routes to, only through that profile): never `*`.
 */
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BEDROCK_MAX_ATTEMPTS, BEDROCK_TIMEOUT_MS, explainMessageMs } from '../functions/lib/bedrock-budget.ts';
import { SESSIONS_PREFIX } from '../shared/pipeline/stages/layout.ts';
import { acknowledgeDataAccess } from './handler-function.ts';
import { PipelineFunction } from './pipeline-function.ts';

/** Amazon Nova Micro through the US cross-region inference profile: the cheapest model that takes a forced tool. */
export const DEFAULT_BEDROCK_MODEL_ID = 'us.amazon.nova-micro-v1:0';

/** Where each geography's cross-region inference profiles may route requests (override with `inferenceRegions`). */
const PROFILE_REGIONS: Record<string, string[]> = {
  us: ['us-east-1', 'us-east-2', 'us-west-2'],
  eu: ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1'],
  apac: ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
};

export interface ExplainerFunctionProps {
  queue: IQueue;
  table: Table;
  /** The data bucket: oversized sessions and contexts are read from it. */
  bucket: Bucket;
  timeout: Duration;
  /** TABLE_NAME, BUCKET_NAME, RETENTION_DAYS. */
  environment: Record<string, string>;
  /** A foundation model id (`amazon.nova-micro-v1:0`) or cross-region inference profile id (`us.…`). Default {@link DEFAULT_BEDROCK_MODEL_ID}. */
  modelId?: string;
  /** Regions the inference profile routes to (default by its geography prefix). */
  inferenceRegions?: string[];
  /** Reuse explanations of the same signature for this many hours (default 24). */
  cacheHours?: number;
  /** Input tokens per Bedrock request (default 8000). */
  maxInputTokens?: number;
  /** Concurrent invocations (default 2): with one group at a time per invocation, the most Bedrock calls in flight. */
  maxConcurrency?: number;
}

export class ExplainerFunction extends Construct {
  readonly function: PipelineFunction;
  /** The ARNs `bedrock:InvokeModel` is allowed on. */
  readonly modelArns: string[];

  constructor(scope: Construct, id: string, props: ExplainerFunctionProps) {
    super(scope, id);
    const modelId = props.modelId ?? DEFAULT_BEDROCK_MODEL_ID;
    // One message at its worst (two calls, every SDK attempt timing out, the longest backoffs) must
    // fit the timeout; later messages of a batch are handed back by the handler's deadline check.
    const worstMessageMs = explainMessageMs(BEDROCK_MAX_ATTEMPTS, BEDROCK_TIMEOUT_MS);
    if (props.timeout.toMilliseconds() < worstMessageMs) {
      throw new Error(`the explainer's timeout (${props.timeout.toSeconds()} s) is shorter than one message at worst (${worstMessageMs / 1000} s): raise it or lower BEDROCK_TIMEOUT_MS / BEDROCK_MAX_ATTEMPTS`);
    }
    this.function = new PipelineFunction(this, 'Explain', {
      bundle: 'explain',
      memorySize: 1024,
      timeout: props.timeout,
      environment: {
        ...props.environment,
        BEDROCK_MODEL_ID: modelId,
        EXPLAIN_CACHE_HOURS: String(props.cacheHours ?? 24),
        EXPLAIN_MAX_INPUT_TOKENS: String(props.maxInputTokens ?? 8000),
        // Per attempt and attempts per call: the budget above (functions/lib/bedrock-budget.ts).
        BEDROCK_TIMEOUT_MS: String(BEDROCK_TIMEOUT_MS),
        BEDROCK_MAX_ATTEMPTS: String(BEDROCK_MAX_ATTEMPTS),
      },
      queue: props.queue,
      // Small batches: a group usually takes seconds; when the first ones took long, the rest go back before the deadline.
      batchSize: 3,
      maxConcurrency: props.maxConcurrency ?? 2,
    });
    const fn = this.function.fn;

    props.table.grantReadWriteData(fn);
    props.bucket.grantRead(fn, `${SESSIONS_PREFIX}*`);
    props.bucket.grantRead(fn, 'contexts/*');
    // A verdict over 64 KB is written beside the anomaly's item (contexts/<runId>/<id>.verdict.<hash>.json).
    props.bucket.grantPut(fn, 'contexts/*');

    const { statements, arns } = bedrockStatements(this, modelId, props.inferenceRegions);
    for (const statement of statements) fn.addToRolePolicy(statement);
    this.modelArns = arns;

    acknowledgeDataAccess(this.function, props.bucket, props.table, [SESSIONS_PREFIX, 'contexts/'], ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*']);
  }
}

/**
 * `bedrock:InvokeModel` (which Converse needs) on exactly the model: a foundation model in this
 * region, or an inference profile plus its foundation model in each region it routes to, the latter
 * only when called through that profile.
 */
function bedrockStatements(scope: Construct, modelId: string, inferenceRegions?: string[]): { statements: PolicyStatement[]; arns: string[] } {
  const stack = Stack.of(scope);
  const profile = /^([a-z-]+)\.([a-z0-9-]+\..+)$/.exec(modelId);
  if (!profile) {
    const arn = `arn:${Aws.PARTITION}:bedrock:${stack.region}::foundation-model/${modelId}`;
    return { statements: [new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [arn] })], arns: [arn] };
  }
  const [, geography, foundationModel] = profile;
  const regions = inferenceRegions ?? PROFILE_REGIONS[geography!];
  if (!regions) throw new Error(`no known regions for the inference profile ${modelId}: pass inferenceRegions`);
  const profileArn = `arn:${Aws.PARTITION}:bedrock:${stack.region}:${stack.account}:inference-profile/${modelId}`;
  const modelArns = regions.map((region) => `arn:${Aws.PARTITION}:bedrock:${region}::foundation-model/${foundationModel}`);
  return {
    statements: [
      new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [profileArn] }),
      new PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: modelArns, conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } } }),
    ],
    arns: [profileArn, ...modelArns],
  };
}
