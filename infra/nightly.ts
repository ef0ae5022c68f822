/**
 * The nightly job: an EventBridge schedule (cron configurable) invokes functions/nightly/handler.ts,
 * which fans the previous day out as one message per source on the nightly job queue; the
 * per-source worker (functions/nightly-source) re-queues missed uploads and stuck runs, rolls the
 * source's baseline forward and writes its digest and `reports/<day>/<source>.html`, handing steps
 * it has no time for back to the queue. Every step is idempotent per day, so retries are harmless.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BASELINE_PREFIX, CONFIG_PREFIX, LOGS_PREFIX, MODELS_PREFIX, SESSIONS_PREFIX } from '../shared/pipeline/stages/layout.ts';
import { REPORTS_PREFIX, ROLLING_PREFIX } from '../shared/pipeline/stages/nightly.ts';
import { NIGHTLY_SERVICE } from '../functions/lib/metrics.ts';
import { acknowledgeDataAccess, HandlerFunction } from './handler-function.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { QueueWithDlq } from './queue-with-dlq.ts';

/** 02:00 UTC every day: the previous UTC day is complete (its late detections too, mostly). */
export const DEFAULT_NIGHTLY_CRON = 'cron(0 2 * * ? *)';
export const NIGHTLY_TIMEOUT = Duration.minutes(15);

export interface NightlyJobProps {
  bucket: IBucket;
  table: ITable;
  detectQueue: IQueue;
  environment: Record<string, string>;
  /** An EventBridge schedule expression (default {@link DEFAULT_NIGHTLY_CRON}). */
  schedule?: string;
  /** Days of statistics a rolled baseline merges (default 7). */
  historyDays?: number;
}

export class NightlyJob extends Construct {
  /** The scheduled fan-out (and by-hand rebuild of one day: `{"day": "YYYY-MM-DD"}`). */
  readonly fn: HandlerFunction;
  /** One source's job per message. */
  readonly worker: PipelineFunction;
  readonly jobs: QueueWithDlq;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: NightlyJobProps) {
    super(scope, id);
    this.jobs = new QueueWithDlq(this, 'SourceJobs', { consumerTimeout: NIGHTLY_TIMEOUT });
    // Both functions under one service name: the StuckRuns metric's one dimension (functions/lib/metrics.ts).
    const environment = {
      ...props.environment, DETECT_QUEUE_URL: props.detectQueue.queueUrl, NIGHTLY_QUEUE_URL: this.jobs.queue.queueUrl,
      HISTORY_DAYS: String(props.historyDays ?? 7), POWERTOOLS_SERVICE_NAME: NIGHTLY_SERVICE,
    };
    this.fn = new HandlerFunction(this, 'Nightly', { bundle: 'nightly', memorySize: 3008, timeout: NIGHTLY_TIMEOUT, environment });
    // Sources in parallel, one per invocation: each job watches its own deadline.
    this.worker = new PipelineFunction(this, 'NightlySource', {
      bundle: 'nightly-source', memorySize: 3008, timeout: NIGHTLY_TIMEOUT, environment, queue: this.jobs.queue, batchSize: 1, maxConcurrency: 5,
    });
    for (const fn of [this.fn, this.worker]) {
      for (const prefix of [BASELINE_PREFIX, LOGS_PREFIX, CONFIG_PREFIX, SESSIONS_PREFIX, 'contexts/', 'checkpoints/']) props.bucket.grantRead(fn.fn, `${prefix}*`);
      for (const prefix of [MODELS_PREFIX, ROLLING_PREFIX, REPORTS_PREFIX]) props.bucket.grantReadWrite(fn.fn, `${prefix}*`);
      props.table.grantReadWriteData(fn.fn);
      props.detectQueue.grantSendMessages(fn.fn);
      this.jobs.queue.grantSendMessages(fn.fn);
      acknowledgeDataAccess(fn, props.bucket, props.table, [BASELINE_PREFIX, LOGS_PREFIX, CONFIG_PREFIX, SESSIONS_PREFIX, 'contexts/', 'checkpoints/', MODELS_PREFIX, ROLLING_PREFIX, REPORTS_PREFIX],
        ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']);
    }
    const fn = this.fn.fn;

    this.rule = new Rule(this, 'Schedule', {
      schedule: Schedule.expression(props.schedule ?? DEFAULT_NIGHTLY_CRON),
      description: 'logsleuth nightly analysis (the previous UTC day)',
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
