/**
 * The results API: an API Gateway HTTP API whose every route requires IAM (SigV4) authorisation,
 * in front of one read-only Lambda (functions/api/handler.ts, the shared Hono app). Unsigned calls
 * are refused by API Gateway (403) before the function runs. Access logs go to their own log group.
 */
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MODELS_PREFIX, SESSIONS_PREFIX } from '../shared/pipeline/stages/layout.ts';
import { acknowledgeDataAccess, HandlerFunction } from './handler-function.ts';

/** The API's routes (API Gateway syntax); the Hono app in shared/api/app.ts answers exactly these. */
export const API_ROUTES = [
  '/sources',
  '/sources/{source}/runs',
  '/sources/{source}/models',
  '/runs/{runId}',
  '/runs/{runId}/anomalies',
  '/runs/{runId}/anomalies/{anomalyId}',
  '/runs/{runId}/sessions/{sessionId}',
  '/digests/{day}',
] as const;

export interface ResultsApiProps {
  bucket: IBucket;
  table: ITable;
  environment: Record<string, string>;
}

export class ResultsApi extends Construct {
  readonly api: HttpApi;
  readonly fn: HandlerFunction;

  constructor(scope: Construct, id: string, props: ResultsApiProps) {
    super(scope, id);
    this.fn = new HandlerFunction(this, 'Api', {
      bundle: 'api',
      memorySize: 1024, timeout: Duration.seconds(29),
      environment: {
        ...props.environment,
        // Cursor MAC key: unique per stack (its id's UUID). Cursors need integrity, not secrecy: IAM guards access.
        CURSOR_SECRET: Fn.select(2, Fn.split('/', Aws.STACK_ID)),
      },
    });
    props.table.grantReadData(this.fn.fn);
    // Models (to list sources) and the record lists of oversized sessions/contexts.
    for (const prefix of [MODELS_PREFIX, SESSIONS_PREFIX, 'contexts/']) props.bucket.grantRead(this.fn.fn, `${prefix}*`);
    acknowledgeDataAccess(this.fn, props.bucket, props.table, [MODELS_PREFIX, SESSIONS_PREFIX, 'contexts/'], ['s3:GetObject*', 's3:GetBucket*', 's3:List*']);

    const authorizer = new HttpIamAuthorizer();
    this.api = new HttpApi(this, 'Http', { description: 'logsleuth results (IAM auth)', defaultAuthorizer: authorizer });
    const integration = new HttpLambdaIntegration('Handler', this.fn.fn);
    for (const path of API_ROUTES) this.api.addRoutes({ path, methods: [HttpMethod.GET], integration, authorizer });
    // Everything else reaches the app too (still signed), so unknown paths get its one error shape.
    this.api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration, authorizer });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    const stage = this.api.defaultStage!.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({ requestId: '$context.requestId', caller: '$context.identity.caller', userArn: '$context.identity.userArn', method: '$context.httpMethod', path: '$context.path', status: '$context.status', latency: '$context.responseLatency' }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 20 };

    new CfnOutput(this, 'Url', { value: this.api.apiEndpoint, description: 'Results API (SigV4, service execute-api): e.g. awscurl --service execute-api <url>/sources' });
  }
}
