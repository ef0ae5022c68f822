import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { EXPLAIN_TIMEOUT } from '../../infra/logsleuth-stack.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

function synth(context: Record<string, unknown> = {}): Resources {
  // No asset staging: these tests read the template; copying the bundles into cdk.out is slow.
  const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true, ...context });
  return (Template.fromStack(stack).toJSON() as { Resources: Resources }).Resources;
}

const ofType = (resources: Resources, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const explainerFunction = (resources: Resources) => ofType(resources, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.BEDROCK_MODEL_ID)!;
const explainerStatements = (resources: Resources) => ofType(resources, 'AWS::IAM::Policy')
  .filter(([id]) => id.startsWith('Explainer'))
  .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
const bedrockStatements = (resources: Resources) => explainerStatements(resources).filter((s) => [s.Action].flat().some((a) => a.startsWith('bedrock:')));

let resources: Resources;
beforeAll(() => {
  resources = synth();
});

describe('the explainer infrastructure', () => {
  it('runs the explainer on nodejs22.x with the explain timeout and the default model in its environment', () => {
    const [, fn] = explainerFunction(resources);
    expect(fn.Properties.Runtime).toBe('nodejs22.x');
    expect(fn.Properties.Timeout).toBe(EXPLAIN_TIMEOUT.toSeconds());
    expect(fn.Properties.Environment.Variables).toMatchObject({ BEDROCK_MODEL_ID: 'us.amazon.nova-micro-v1:0', EXPLAIN_CACHE_HOURS: '24' });
  });

  it('consumes the explain queue with partial batch responses and a maximum concurrency', () => {
    const [id] = explainerFunction(resources);
    const mapping = ofType(resources, 'AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.FunctionName.Ref === id)![1];
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    expect(mapping.Properties.BatchSize).toBeLessThanOrEqual(5);
  });

  it('gives the explain queue a DLQ and a visibility timeout of at least six times the explainer\'s timeout', () => {
    const [id, fn] = explainerFunction(resources);
    const mapping = ofType(resources, 'AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.FunctionName.Ref === id)![1];
    const queue = resources[mapping.Properties.EventSourceArn['Fn::GetAtt'][0] as string]!;
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(3);
    expect(queue.Properties.RedrivePolicy.deadLetterTargetArn).toBeDefined();
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
  });

  it('allows bedrock:InvokeModel on the inference profile and, only through it, on the model in its regions', () => {
    const statements = bedrockStatements(resources);
    expect(statements.map((s) => s.Action)).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModel']);
    const text = JSON.stringify(statements);
    expect(text).toContain(':inference-profile/us.amazon.nova-micro-v1:0');
    for (const region of ['us-east-1', 'us-east-2', 'us-west-2']) expect(text).toContain(`:bedrock:${region}::foundation-model/amazon.nova-micro-v1:0`);
    expect(statements[1]!.Condition).toMatchObject({ StringEquals: { 'bedrock:InferenceProfileArn': expect.anything() } });
  });

  it('grants the explainer no action on the resource "*"', () => {
    for (const statement of explainerStatements(resources)) {
      const list = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      expect(list, JSON.stringify(statement)).not.toContain('*');
      expect(JSON.stringify(statement.Resource)).not.toMatch(/foundation-model\/\*|inference-profile\/\*/);
    }
  });

  it('names a foundation model chosen at deploy time in the stack\'s region only', () => {
    const other = synth({ bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' });
    const statements = bedrockStatements(other);
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0]!.Resource)).toMatch(/:bedrock:",\{"Ref":"AWS::Region"\},"::foundation-model\/anthropic\.claude-3-haiku-20240307-v1:0"/);
    expect(explainerFunction(other)[1].Properties.Environment.Variables.BEDROCK_MODEL_ID).toBe('anthropic.claude-3-haiku-20240307-v1:0');
  });
});
