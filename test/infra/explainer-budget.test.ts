/**
 * The explainer's time budget in the synthesized template: the Lambda timeout covers one message at
 * its worst (every model call, every SDK attempt running into its timeout, the longest backoffs),
 * and the queue hands a message to no one else while that can last.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Table, AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPLAIN_IO_RESERVE_MS, sdkMaxBackoffMs } from '../../functions/lib/bedrock-budget.ts';
import { buildApp } from '../../infra/app.ts';
import { ExplainerFunction } from '../../infra/explainer.ts';
import { MODEL_CALLS_PER_EXPLANATION } from '../../shared/explain/llm-explainer.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let resources: Resources;
beforeAll(() => {
  const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true });
  resources = (Template.fromStack(stack).toJSON() as { Resources: Resources }).Resources;
});

const explainer = () => Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.BEDROCK_MODEL_ID)!;

describe('the explainer\'s time budget', () => {
  it('has a timeout of at least calls × (attempts × per-attempt timeout + backoff) + a margin for reads and writes', () => {
    const [, fn] = explainer();
    const env = fn.Properties.Environment.Variables as Record<string, string>;
    const attempts = Number(env.BEDROCK_MAX_ATTEMPTS);
    const perAttemptMs = Number(env.BEDROCK_TIMEOUT_MS);
    let backoffMs = 0;
    for (let retry = 0; retry < attempts - 1; retry++) backoffMs += sdkMaxBackoffMs(retry);

    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(perAttemptMs).toBeGreaterThanOrEqual(30_000);
    expect(fn.Properties.Timeout * 1000).toBeGreaterThanOrEqual(MODEL_CALLS_PER_EXPLANATION * (attempts * perAttemptMs + backoffMs) + EXPLAIN_IO_RESERVE_MS);
  });

  it('keeps a message invisible for longer than the explainer can work on it, and dead-letters it after 3 receives', () => {
    const [id, fn] = explainer();
    const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName.Ref === id)!;
    const queue = resources[mapping.Properties.EventSourceArn['Fn::GetAtt'][0] as string]!;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(fn.Properties.Timeout);
    expect(queue.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 3, deadLetterTargetArn: expect.anything() });
  });

  it('refuses at synth a timeout shorter than one message at its worst', () => {
    const stack = new Stack();
    const props = {
      queue: new Queue(stack, 'Q'), bucket: new Bucket(stack, 'B'), environment: {},
      table: new Table(stack, 'T', { partitionKey: { name: 'PK', type: AttributeType.STRING } }),
    };
    expect(() => new ExplainerFunction(stack, 'Short', { ...props, timeout: Duration.minutes(2) })).toThrow(/shorter than one message at worst \(281 s\)/);
  });
});
