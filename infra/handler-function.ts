/**
 * Every logsleuth Lambda: Node.js 22 on arm64, bundled by the local esbuild as ESM (no Docker),
 * explicit memory and timeout, its own log group with a retention, and the cdk-nag findings that
 * every function has acknowledged once, here. Queue consumers add their event source
 * ({@link PipelineFunction}).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface HandlerFunctionProps {
  entry: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetention?: RetentionDays;
}

export class HandlerFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry, handler: 'handler', runtime: Runtime.NODEJS_22_X, architecture: Architecture.ARM_64,
      memorySize: props.memorySize, timeout: props.timeout, logGroup,
      environment: { POWERTOOLS_SERVICE_NAME: id.toLowerCase(), NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM, target: 'node22', sourceMap: true, forceDockerBundling: false,
        // ESM bundles need a require() for the CommonJS dependencies they inline.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    Validations.of(this).acknowledge({ id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs; it is the least-privilege managed policy for that.' });
    Validations.of(this).acknowledge({ id: 'AwsSolutions-L1', reason: 'nodejs22.x is pinned on purpose: it is the runtime the handlers and their bundle target are tested for; moving to a newer one is a deliberate, tested change.' });
  }
}

/**
 * Acknowledges, for `fn` only and by exact finding id, the wildcards that CDK's grants produce for
 * the data this function owns: objects under `prefixes` in the one bucket, the table's own GSIs,
 * and the grant's S3 action families.
 */
export function acknowledgeDataAccess(fn: HandlerFunction, bucket: IBucket, table: ITable, prefixes: string[], actions: string[]): void {
  const stack = Stack.of(fn);
  const bucketArn = `<${stack.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>`;
  const tableArn = `<${stack.getLogicalId(table.node.defaultChild as CfnElement)}.Arn>`;
  for (const prefix of prefixes) {
    Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, reason: `Objects under ${prefix} in the one data bucket: keys are user file names or content hashes, unknown at deploy time.` });
  }
  Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`, reason: 'The results table\'s own GSIs (runs by source and time, anomalies by score and type).' });
  for (const action of actions) {
    Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: `CDK's grantRead/grantReadWrite action family ${action}, scoped to the prefixes above in one bucket.` });
  }
}
