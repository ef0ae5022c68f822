/**
 * A pipeline Lambda: Node.js 22 on arm64, bundled by the local esbuild (no Docker), explicit memory
 * and timeout, its own log group with a retention, and an SQS event source that reports partial
 * batch failures.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineFunctionProps {
  /** Path of the handler file (functions/<name>/handler.ts). */
  entry: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** The job queue it consumes. */
  queue: IQueue;
  batchSize: number;
  /** Concurrent invocations the queue may drive (at least 2, SQS's minimum). */
  maxConcurrency: number;
  logRetention?: RetentionDays;
}

export class PipelineFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logGroup,
      environment: { POWERTOOLS_SERVICE_NAME: id.toLowerCase(), NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        sourceMap: true,
        // ESM bundles need a require() for the CommonJS dependencies they inline.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    this.fn.addEventSource(new SqsEventSource(props.queue, {
      batchSize: props.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency,
    }));
  }
}
