/**
 * The nightly job: an EventBridge schedule (cron configurable) invokes functions/nightly/handler.ts,
 * which re-queues missed uploads, rolls baselines forward, writes the day's digest highlights and
 * `reports/<day>.html`. The function is idempotent per day, so the scheduler's retries are harmless.
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
import { acknowledgeDataAccess, HandlerFunction } from './handler-function.ts';

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
  readonly fn: HandlerFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: NightlyJobProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Nightly', {
      bundle: 'nightly',
      memorySize: 3008, timeout: NIGHTLY_TIMEOUT,
      environment: { ...props.environment, DETECT_QUEUE_URL: props.detectQueue.queueUrl, HISTORY_DAYS: String(props.historyDays ?? 7) },
    });
    const fn = this.fn.fn;
    for (const prefix of [BASELINE_PREFIX, LOGS_PREFIX, CONFIG_PREFIX, SESSIONS_PREFIX, 'contexts/']) props.bucket.grantRead(fn, `${prefix}*`);
    for (const prefix of [MODELS_PREFIX, ROLLING_PREFIX, REPORTS_PREFIX]) props.bucket.grantReadWrite(fn, `${prefix}*`);
    props.table.grantReadWriteData(fn);
    props.detectQueue.grantSendMessages(fn);
    acknowledgeDataAccess(this.fn, props.bucket, props.table, [BASELINE_PREFIX, LOGS_PREFIX, CONFIG_PREFIX, SESSIONS_PREFIX, 'contexts/', MODELS_PREFIX, ROLLING_PREFIX, REPORTS_PREFIX],
      ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']);

    this.rule = new Rule(this, 'Schedule', {
      schedule: Schedule.expression(props.schedule ?? DEFAULT_NIGHTLY_CRON),
      description: 'logsleuth nightly analysis (the previous UTC day)',
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
