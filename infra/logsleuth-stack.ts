/**
 * The logsleuth stack: a bucket whose `baseline/` and `logs/` uploads reach the training and
 * detection functions through SQS job queues, a DynamoDB table for runs, anomalies, sessions,
 * models and digests, and the explain queue that the (later) explainer consumes.
 * Constructs hold no business logic; handlers are referred to by name only (their bundles in dist/functions/).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../functions/lib/table-schema.ts';
import { BASELINE_PREFIX, CHECKPOINTS_PREFIX, CONFIG_PREFIX, LOGS_PREFIX, MODELS_PREFIX, SESSIONS_PREFIX } from '../shared/pipeline/stages/layout.ts';
import { Alarms } from './alarms.ts';
import { ExplainerFunction } from './explainer.ts';
import { NightlyJob } from './nightly.ts';
import { acknowledgeDataAccess } from './handler-function.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { QueueWithDlq } from './queue-with-dlq.ts';
import { ResultsApi } from './results-api.ts';

export interface LogsleuthStackProps extends StackProps {
  /** Days runs, anomalies and sessions are kept (DynamoDB TTL; default 90). */
  retentionDays?: number;
  /** EventBridge schedule of the nightly job (default: 02:00 UTC daily; context `nightlySchedule` overrides). */
  nightlySchedule?: string;
}

export const TRAIN_TIMEOUT = Duration.minutes(15);
/** Default quiet period before a baseline upload trains (context `trainingQuietSeconds`, 0–900). */
export const TRAINING_QUIET_SECONDS = 300;

/** The training queue's delivery delay from the context value (SQS allows 0–900 s). */
export function trainingQuietSeconds(value: unknown): number {
  if (value === undefined) return TRAINING_QUIET_SECONDS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 900) throw new Error(`trainingQuietSeconds must be a whole number of seconds from 0 to 900 (SQS's delivery delay limit), not ${String(value)}`);
  return seconds;
}
export const DETECT_TIMEOUT = Duration.minutes(15);
/** The explainer (next issue) will call Bedrock per group; its queue is sized for that timeout now. */
export const EXPLAIN_TIMEOUT = Duration.minutes(5);

export class LogsleuthStack extends Stack {
  constructor(scope: Construct, id: string, props: LogsleuthStackProps = {}) {
    super(scope, id, props);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL, enforceSSL: true, encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED, removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' });

    const bucket = new Bucket(this, 'Data', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Checkpoints are only needed while a run continues; old object versions pile up otherwise.
        { prefix: CHECKPOINTS_PREFIX, expiration: Duration.days(7) },
        { noncurrentVersionExpiration: Duration.days(30) },
      ],
    });

    const table = new Table(this, 'Results', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2]) {
      table.addGlobalSecondaryIndex({
        indexName: gsi.name,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
      });
    }

    const trainJobs = new QueueWithDlq(this, 'TrainJobs', { consumerTimeout: TRAIN_TIMEOUT });
    // Debounced training: every baseline notification waits out a quiet period on the queue, then
    // only the source's newest upload trains (shared/pipeline/stages/training-debounce.ts).
    (trainJobs.queue.node.defaultChild as CfnQueue).delaySeconds = trainingQuietSeconds(this.node.tryGetContext('trainingQuietSeconds'));
    const detectJobs = new QueueWithDlq(this, 'DetectJobs', { consumerTimeout: DETECT_TIMEOUT });
    const explainJobs = new QueueWithDlq(this, 'ExplainJobs', { consumerTimeout: EXPLAIN_TIMEOUT });

    // By prefix only: log names often have no usable suffix (app.log.1, Firehose's extension-less
    // objects, .json.gz next to .json digests), so the stages decide per key (isLogObjectKey in
    // layout.ts) and skip what is clearly not a log. Outputs are written under models/, checkpoints/,
    // sessions/, contexts/, rolling/ and reports/ only, and config/ is read, never notified: no rule
    // matches them, so no feedback loop.
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(trainJobs.queue), { prefix: BASELINE_PREFIX });
    bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(detectJobs.queue), { prefix: LOGS_PREFIX });

    const common = { TABLE_NAME: table.tableName, BUCKET_NAME: bucket.bucketName, RETENTION_DAYS: String(props.retentionDays ?? 90) };
    const train = new PipelineFunction(this, 'Train', {
      bundle: 'train', memorySize: 3008, timeout: TRAIN_TIMEOUT, environment: common,
      // Training reads every baseline object of a source; a small batch keeps one invocation to a few sources.
      queue: trainJobs.queue, batchSize: 1, maxConcurrency: 2,
    });
    const detect = new PipelineFunction(this, 'Detect', {
      // 2 GiB of /tmp holds the spilled counters of ~10 M sessions (about 130 bytes each at the fullest).
      bundle: 'detect', memorySize: 2048, timeout: DETECT_TIMEOUT, ephemeralStorageMiB: 2048,
      environment: { ...common, EXPLAIN_QUEUE_URL: explainJobs.queue.queueUrl, DETECT_QUEUE_URL: detectJobs.queue.queueUrl, DEADLINE_RESERVE_MS: '60000' },
      queue: detectJobs.queue, batchSize: 5, maxConcurrency: 10,
    });

    // Least privilege: each function gets the prefixes and actions it uses, nothing more.
    bucket.grantRead(train.fn, `${BASELINE_PREFIX}*`);
    bucket.grantRead(train.fn, `${CONFIG_PREFIX}*`);
    bucket.grantReadWrite(train.fn, `${MODELS_PREFIX}*`);
    table.grantWriteData(train.fn);
    bucket.grantRead(detect.fn, `${LOGS_PREFIX}*`);
    bucket.grantRead(detect.fn, `${CONFIG_PREFIX}*`);
    bucket.grantRead(detect.fn, `${MODELS_PREFIX}*`);
    bucket.grantReadWrite(detect.fn, `${CHECKPOINTS_PREFIX}*`);
    bucket.grantReadWrite(detect.fn, `${SESSIONS_PREFIX}*`);
    bucket.grantReadWrite(detect.fn, 'contexts/*');
    table.grantReadWriteData(detect.fn);
    explainJobs.queue.grantSendMessages(detect.fn);
    // The explainer (infra/explainer.ts); the model can be chosen at deploy time: -c bedrockModelId=…
    new ExplainerFunction(this, 'Explainer', {
      queue: explainJobs.queue, table, bucket, timeout: EXPLAIN_TIMEOUT, environment: common,
      ...(this.node.tryGetContext('bedrockModelId') && { modelId: String(this.node.tryGetContext('bedrockModelId')) }),
    });
    detectJobs.queue.grantSendMessages(detect.fn);

    // Each cdk-nag finding acknowledged by its exact id, where it occurs, with the reason it is fine
    // (the functions' own runtime findings are acknowledged in HandlerFunction).
    for (const scope of this.node.children.filter((c) => c.node.id.startsWith('BucketNotificationsHandler'))) {
      Validations.of(scope).acknowledge({ id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; it is the least-privilege managed policy for that.' });
    }
    const readWriteActions = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'];
    acknowledgeDataAccess(train, bucket, table, [BASELINE_PREFIX, CONFIG_PREFIX, MODELS_PREFIX], readWriteActions);
    acknowledgeDataAccess(detect, bucket, table, [LOGS_PREFIX, CONFIG_PREFIX, MODELS_PREFIX, CHECKPOINTS_PREFIX, SESSIONS_PREFIX, 'contexts/'], readWriteActions);

    // Reading results (infra/results-api.ts) and the nightly job (infra/nightly.ts): constructs of their own.
    new ResultsApi(this, 'ResultsApi', { bucket, table, environment: common });
    const schedule = props.nightlySchedule ?? this.node.tryGetContext('nightlySchedule');
    new NightlyJob(this, 'NightlyJob', { bucket, table, detectQueue: detectJobs.queue, environment: common, ...(schedule && { schedule: String(schedule) }) });

    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Upload baselines to baseline/<source>/ and logs to logs/<source>/; optional config/<source>.json says how to read them' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'ExplainQueueUrl', { value: explainJobs.queue.queueUrl });
    new CfnOutput(this, 'DetectDlqUrl', { value: detectJobs.deadLetterQueue.queueUrl });

    // Last: the alarms find every function and DLQ made above (infra/alarms.ts; parameter AlarmEmail).
    new Alarms(this, 'Alarms');
  }
}
