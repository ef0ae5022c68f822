/** The alarms, their SNS topic and its optional email subscription in the synthesized template (infra/alarms.ts). */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALARM_EMAIL_PARAMETER, handlerFunctions, METRICS_NAMESPACE, STUCK_RUNS_METRIC } from '../../infra/alarms.ts';
import { buildApp } from '../../infra/app.ts';
import type { LogsleuthStack } from '../../infra/logsleuth-stack.ts';
import { STUCK_RUNS_METRIC as EMITTED_STUCK_RUNS_METRIC } from '../../functions/lib/metrics.ts';

type Resource = { Type: string; Properties: Record<string, any>; Condition?: string };
let stack: LogsleuthStack;
let template: Template;
let json: { Resources: Record<string, Resource>; Parameters: Record<string, any>; Conditions: Record<string, any> };
const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
const alarms = () => resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const topicId = () => resources('AWS::SNS::Topic').map(([id]) => id)[0]!;

beforeAll(() => {
  // No asset staging: these tests read the template; copying the bundles into cdk.out is slow.
  ({ stack } = buildApp({ 'aws:cdk:disable-asset-staging': true }));
  template = Template.fromStack(stack);
  json = template.toJSON() as typeof json;
});

describe('the alarm topic', () => {
  it('takes the alarm email address as the stack parameter AlarmEmail, empty by default', () => {
    expect(json.Parameters[ALARM_EMAIL_PARAMETER]).toMatchObject({ Type: 'String', Default: '' });
  });

  it('is encrypted with a rotated key of its own that CloudWatch may use, and refuses plain HTTP', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const [[, topic]] = resources('AWS::SNS::Topic');
    const keyId = topic!.Properties.KmsMasterKeyId['Fn::GetAtt'][0] as string;
    expect(json.Resources[keyId]!.Properties.EnableKeyRotation).toBe(true);
    expect(JSON.stringify(json.Resources[keyId]!.Properties.KeyPolicy)).toContain('cloudwatch.amazonaws.com');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
      ]) },
    });
  });

  it('subscribes the email address only when one was given (a condition on the parameter)', () => {
    const subscriptions = resources('AWS::SNS::Subscription');
    expect(subscriptions).toHaveLength(1);
    const [[, subscription]] = subscriptions;
    expect(subscription!.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: ALARM_EMAIL_PARAMETER }, TopicArn: { Ref: topicId() } });
    expect(json.Conditions[subscription!.Condition!]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: ALARM_EMAIL_PARAMETER }, ''] }] });
  });
});

describe('the alarms', () => {
  it('all notify the topic, fire on one event and treat missing data as fine', () => {
    expect(alarms().length).toBeGreaterThan(10);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    }
  });

  it('watch the depth of every dead-letter queue, one alarm each', () => {
    const dlqIds = resources('AWS::SQS::Queue').flatMap(([, q]) => q.Properties.RedrivePolicy ? [q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string] : []);
    expect(dlqIds.length).toBeGreaterThanOrEqual(3);
    const watched = alarms().filter((a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => a.Dimensions[0].Value['Fn::GetAtt'][0] as string);
    expect(watched.sort()).toEqual([...new Set(dlqIds)].sort());
  });

  it('watch the errors and throttles of every logsleuth function, one alarm each', () => {
    const functionIds = handlerFunctions(stack).map(({ fn }) => stack.getLogicalId(fn.fn.node.defaultChild as never));
    expect(functionIds.length).toBeGreaterThanOrEqual(5);
    for (const metric of ['Errors', 'Throttles']) {
      const watched = alarms().filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric).map((a) => a.Dimensions[0].Value.Ref as string);
      expect(watched.sort(), metric).toEqual([...functionIds].sort());
    }
  });

  it('watch the nightly job\'s StuckRuns metric summed over every series of the functions\' namespace', () => {
    const [stuck] = alarms().filter((a) => a.Metrics?.some((m: { Expression?: string }) => m.Expression?.includes(STUCK_RUNS_METRIC)));
    expect(stuck!.Metrics).toEqual([expect.objectContaining({ Expression: `SELECT SUM(${STUCK_RUNS_METRIC}) FROM "${METRICS_NAMESPACE}"`, Period: 3600 })]);
  });

  it('watch the metric name the nightly job emits', () => {
    expect(STUCK_RUNS_METRIC).toBe(EMITTED_STUCK_RUNS_METRIC);
  });

  it('look in the namespace the functions emit to: none overrides the Powertools default', () => {
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment?.Variables?.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, id).toBe(METRICS_NAMESPACE);
    }
  });
});
