/**
 * Every logsleuth Lambda: Node.js 22 on arm64 running its prebuilt bundle, explicit memory and
 * timeout, its own log group with a retention, and the cdk-nag findings that every function has
 * acknowledged once, here. Queue consumers add their event source ({@link PipelineFunction}).
 *
 * The code deployed is exactly dist/functions/<name>/ as `npm run build` (scripts/build.ts) wrote
 * it, the bundle the tests import: synth does not bundle, and fails when the bundle is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Where scripts/build.ts writes one folder per function (index.mjs + its source map). */
export const FUNCTION_BUNDLES_DIR = fileURLToPath(new URL('../dist/functions', import.meta.url));

/** Thrown at synth when a function's bundle has not been built. */
export class MissingBundleError extends Error {
  override name = 'MissingBundleError';
}

/**
 * The built bundle folder of the function `name` (its folder under functions/).
 * @throws {MissingBundleError} when `<bundlesDir>/<name>/index.mjs` does not exist.
 */
export function functionBundleDir(name: string, bundlesDir = FUNCTION_BUNDLES_DIR): string {
  const dir = join(bundlesDir, name);
  if (!existsSync(join(dir, 'index.mjs'))) {
    throw new MissingBundleError(`the ${name} function's bundle ${join(dir, 'index.mjs')} is missing: run npm run build (npm ci runs it too) before synth or deploy`);
  }
  return dir;
}

export interface HandlerFunctionProps {
  /** The function's folder under functions/ (`detect`...): its bundle in dist/functions/<bundle>/ is deployed. */
  bundle: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetention?: RetentionDays;
  /** /tmp size in MiB (default Lambda's 512): detection spills session counters there. */
  ephemeralStorageMiB?: number;
}

export class HandlerFunction extends Construct {
  readonly fn: LambdaFunction;
  /** The folder deployed as the function's code. */
  readonly bundleDir: string;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.bundleDir = functionBundleDir(props.bundle);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(this.bundleDir), handler: 'index.handler', runtime: Runtime.NODEJS_22_X, architecture: Architecture.ARM_64,
      memorySize: props.memorySize, timeout: props.timeout, logGroup,
      ...(props.ephemeralStorageMiB !== undefined && { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB) }),
      // The bundle ships its source maps: stack traces in the logs name the .ts lines.
      environment: { POWERTOOLS_SERVICE_NAME: id.toLowerCase(), NODE_OPTIONS: '--enable-source-maps', ...props.environment },
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
