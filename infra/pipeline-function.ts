/**
 * A pipeline Lambda: a {@link HandlerFunction} driven by an SQS queue whose event source reports
 * partial batch failures, so one bad message never re-runs the others.
 */
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.ts';

export interface PipelineFunctionProps extends HandlerFunctionProps {
  /** The job queue it consumes. */
  queue: IQueue;
  batchSize: number;
  /** Concurrent invocations the queue may drive (at least 2, SQS's minimum). */
  maxConcurrency: number;
}

export class PipelineFunction extends HandlerFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id, props);
    this.fn.addEventSource(new SqsEventSource(props.queue, {
      batchSize: props.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency,
    }));
  }
}
