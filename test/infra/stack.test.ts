import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { DETECT_TIMEOUT, EXPLAIN_TIMEOUT, TRAIN_TIMEOUT } from '../../infra/logsleuth-stack.ts';

let template: Template;
let json: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };

beforeAll(() => {
  // No asset staging: these tests read the template; copying the bundles into cdk.out is slow.
  const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true });
  template = Template.fromStack(stack);
  json = template.toJSON() as typeof json;
});

const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

describe('the logsleuth stack', () => {
  it('synthesises with every cdk-nag AwsSolutions finding acknowledged', () => {
    const { app } = buildApp({ 'aws:cdk:disable-asset-staging': true });
    expect(() => app.synth()).not.toThrow();
  });

  it('blocks public access, enforces TLS, encrypts and versions the data bucket', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('notifies by prefix only: every upload under baseline/ goes to the training queue, under logs/ to the detection queue', () => {
    // Suffix filters cannot express app.log.1 or Firehose's extension-less names: the stages decide per key.
    const [[, notifications]] = resources('Custom::S3BucketNotifications');
    const configs = notifications!.Properties.NotificationConfiguration.QueueConfigurations as
      { Events: string[]; QueueArn: { 'Fn::GetAtt': [string, string] }; Filter: { Key: { FilterRules: { Name: string; Value: string }[] } } }[];
    const routes = configs.map((c) => ({
      events: c.Events, queue: c.QueueArn['Fn::GetAtt'][0].replace(/Queue.*$/, ''),
      rules: c.Filter.Key.FilterRules.map((r) => `${r.Name.toLowerCase()}=${r.Value}`),
    }));
    expect(routes.sort((a, b) => a.queue.localeCompare(b.queue))).toEqual([
      { events: ['s3:ObjectCreated:*'], queue: 'DetectJobs', rules: ['prefix=logs/'] },
      { events: ['s3:ObjectCreated:*'], queue: 'TrainJobs', rules: ['prefix=baseline/'] },
    ]);
  });

  it('lets no function write under baseline/, logs/ or config/, so nothing the pipeline writes can trigger it', () => {
    const policies = resources('AWS::IAM::Policy');
    expect(policies.length).toBeGreaterThan(4);
    for (const [id, policy] of policies) {
      const writes = (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => [st.Action].flat().some((a) => /^s3:(PutObject|\*)/.test(a)));
      for (const st of writes) expect(JSON.stringify(st.Resource), id).not.toMatch(/\/(logs|baseline|config)\/\*|"\/\*"/);
    }
  });

  it('lets the training and detection functions read config/', () => {
    for (const prefix of ['Train', 'Detect']) {
      const [, policy] = resources('AWS::IAM::Policy').find(([id]) => id.startsWith(prefix))!;
      expect(JSON.stringify(policy.Properties.PolicyDocument), prefix).toContain('/config/*');
    }
  });

  it('gives every job queue a DLQ with a maxReceiveCount and SQS-managed encryption', () => {
    const queues = resources('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy);
    // train, detect, explain and the nightly per-source jobs.
    expect(queues).toHaveLength(4);
    for (const [, q] of queues) {
      expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(3);
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    }
    for (const [, q] of resources('AWS::SQS::Queue')) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('sets each consumed queue\'s visibility timeout to at least six times its consumer\'s timeout', () => {
    const functions = Object.fromEntries(resources('AWS::Lambda::Function').map(([id, f]) => [id, f.Properties.Timeout as number]));
    const queueVisibility = Object.fromEntries(resources('AWS::SQS::Queue').map(([id, q]) => [id, q.Properties.VisibilityTimeout as number]));
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(4);
    for (const [, m] of mappings) {
      const fn = m.Properties.FunctionName.Ref as string;
      const queue = m.Properties.EventSourceArn['Fn::GetAtt'][0] as string;
      expect(queueVisibility[queue]).toBeGreaterThanOrEqual(6 * functions[fn]!);
    }
    expect(Object.values(functions)).toEqual(expect.arrayContaining([TRAIN_TIMEOUT.toSeconds(), DETECT_TIMEOUT.toSeconds()]));
  });

  it('reports partial batch failures from the four job queues', () => {
    template.resourcePropertiesCountIs('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] }, 4);
  });

  it('runs the pipeline functions on nodejs22.x arm64 with explicit memory, timeout and log retention', () => {
    // The queue-driven ones; the API's and the nightly job's are checked in api-nightly.test.ts.
    const pipeline = resources('AWS::Lambda::Function').filter(([id, f]) => f.Properties.Runtime === 'nodejs22.x' && !/^(ResultsApi|NightlyJob)/.test(id));
    expect(pipeline).toHaveLength(3);
    for (const [, f] of pipeline) {
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.MemorySize).toBeGreaterThanOrEqual(1024);
      expect([TRAIN_TIMEOUT, DETECT_TIMEOUT, EXPLAIN_TIMEOUT].map((t) => t.toSeconds())).toContain(f.Properties.Timeout);
      expect(f.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    // + the results API's and the nightly job's two functions' log groups.
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 6);
  });

  it('gives detection 2 GiB of /tmp for spilled session counters', () => {
    const detect = resources('AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.DETECT_QUEUE_URL !== undefined && f.Properties.Environment?.Variables?.DEADLINE_RESERVE_MS !== undefined);
    expect(detect).toHaveLength(1);
    expect(detect[0]![1].Properties.EphemeralStorage).toEqual({ Size: 2048 });
  });

  it('keeps results in an on-demand table with PITR, TTL on expiresAt and two GSIs', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'GSI1' }), Match.objectLike({ IndexName: 'GSI2' })],
    });
  });

  it('grants no IAM action on the resource "*" to the pipeline functions', () => {
    for (const [id, policy] of resources('AWS::IAM::Policy')) {
      if (!/^(Train|Detect)/.test(id)) continue;
      for (const statement of policy.Properties.PolicyDocument.Statement as { Resource: unknown }[]) {
        const list = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
        expect(list, `${id}: ${JSON.stringify(statement)}`).not.toContain('*');
      }
    }
  });

  it('lets the detect function read logs/ and models/ but not write outside its output prefixes', () => {
    const detect = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('Detect'))![1];
    const text = JSON.stringify(detect.Properties.PolicyDocument);
    expect(text).toContain('/logs/*');
    expect(text).not.toContain('/baseline/*');
    const writes = (detect.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:PutObject')));
    for (const s of writes) expect(JSON.stringify(s.Resource)).not.toMatch(/\/(logs|baseline|models)\/\*/);
  });
});
