/** The results API and the nightly job in the synthesized template (infra/results-api.ts, infra/nightly.ts). */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { TRAINING_QUIET_SECONDS, trainingQuietSeconds } from '../../infra/logsleuth-stack.ts';
import { DEFAULT_NIGHTLY_CRON } from '../../infra/nightly.ts';
import { API_ROUTES } from '../../infra/results-api.ts';

let template: Template;
let json: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  // No asset staging: these tests read the template; copying the bundles into cdk.out is slow.
  const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true });
  template = Template.fromStack(stack);
  json = template.toJSON() as typeof json;
});

describe('the results API', () => {
  it('is an HTTP API whose every route requires IAM (SigV4) authorisation', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const routes = resources('AWS::ApiGatewayV2::Route');
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual([...API_ROUTES.map((p) => `GET ${p}`), 'ANY /{proxy+}'].sort());
    for (const [id, route] of routes) expect(route.Properties.AuthorizationType, id).toBe('AWS_IAM');
  });

  it('logs access to its default stage and throttles it', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('userArn') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
  });

  it('gives the API function read-only access to the table (no writes)', () => {
    const [[, policy]] = resources('AWS::IAM::Policy').filter(([id]) => id.startsWith('ResultsApi'));
    const actions = (policy!.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat());
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a))).toEqual([]);
    expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
  });
});

describe('the nightly job', () => {
  it('runs on an EventBridge schedule (02:00 UTC by default) with retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: DEFAULT_NIGHTLY_CRON,
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600 } })],
    });
  });

  it('takes its schedule from the nightlySchedule context', () => {
    const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true, nightlySchedule: 'cron(30 4 * * ? *)' });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 4 * * ? *)' });
  });

  it('may send to the detection queue and write only under models/, rolling/ and reports/', () => {
    const [[, policy]] = resources('AWS::IAM::Policy').filter(([id]) => id.startsWith('NightlyJob'));
    const statements = policy!.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    expect(statements.some((s) => [s.Action].flat().includes('sqs:SendMessage'))).toBe(true);
    const writes = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:PutObject')));
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes) expect(JSON.stringify(s.Resource)).toMatch(/\/(models|rolling|reports)\/\*/);
    for (const s of writes) expect(JSON.stringify(s.Resource)).not.toMatch(/\/(logs|baseline)\/\*/);
  });

  it('runs on nodejs22.x arm64 with the 15-minute timeout and a history length in its environment', () => {
    const [[, fn]] = resources('AWS::Lambda::Function').filter(([id]) => id.startsWith('NightlyJob'));
    expect(fn!.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 900 });
    expect(fn!.Properties.Environment.Variables).toMatchObject({ HISTORY_DAYS: '7', DETECT_QUEUE_URL: { Ref: expect.stringMatching(/^DetectJobsQueue/) } });
  });
});

describe('the nightly per-source jobs', () => {
  const nightlyFunctions = () => resources('AWS::Lambda::Function').filter(([id]) => id.startsWith('NightlyJob'));

  it('are fed by their own queue with a DLQ, one source per invocation, partial batch failures reported', () => {
    const [[queueId, queue]] = resources('AWS::SQS::Queue').filter(([id]) => /^NightlyJobSourceJobsQueue/.test(id));
    expect(queue!.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 3 });
    expect(queue!.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 900);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] }, BatchSize: 1, FunctionResponseTypes: ['ReportBatchItemFailures'],
      FunctionName: { Ref: Match.stringLikeRegexp('^NightlyJobNightlySource') },
    });
  });

  it('know the job queue (to fan out and hand steps back) and emit their metrics under one service name', () => {
    const functions = nightlyFunctions();
    expect(functions).toHaveLength(2);
    for (const [id, fn] of functions) {
      expect(fn.Properties.Environment.Variables, id).toMatchObject({ NIGHTLY_QUEUE_URL: { Ref: expect.stringMatching(/^NightlyJobSourceJobsQueue/) }, POWERTOOLS_SERVICE_NAME: 'nightly' });
    }
  });

  it('may read checkpoints/ (a stuck run\'s last progress) and send to the job queue', () => {
    for (const [id, policy] of resources('AWS::IAM::Policy').filter(([pid]) => pid.startsWith('NightlyJob'))) {
      const document = JSON.stringify(policy.Properties.PolicyDocument);
      expect(document, id).toContain('/checkpoints/*');
      expect(document, id).toMatch(/NightlyJobSourceJobsQueue/);
    }
  });
});

describe('the training queue', () => {
  it('delays every baseline notification by the quiet period (debounced training), 300 s by default', () => {
    const [[, queue]] = resources('AWS::SQS::Queue').filter(([id]) => /^TrainJobsQueue/.test(id));
    expect(queue!.Properties.DelaySeconds).toBe(TRAINING_QUIET_SECONDS);
  });

  it('takes the quiet period from the trainingQuietSeconds context, within SQS\'s 0–900 s', () => {
    const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true, trainingQuietSeconds: '60' });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { DelaySeconds: 60 });
    expect(() => trainingQuietSeconds('901')).toThrow(/0 to 900/);
  });
});

describe('both functions', () => {
  it('are granted no IAM action on the resource "*"', () => {
    const policies = resources('AWS::IAM::Policy').filter(([id]) => /^(ResultsApi|NightlyJob)/.test(id));
    // The API's, and the nightly fan-out's and per-source worker's.
    expect(policies).toHaveLength(3);
    for (const [id, policy] of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement as { Resource: unknown }[]) {
        expect([statement.Resource].flat(), `${id}: ${JSON.stringify(statement)}`).not.toContain('*');
      }
    }
  });
});
