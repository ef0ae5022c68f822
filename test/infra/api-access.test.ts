/** The results API's cursor key (Secrets Manager) and its per-source access policies (infra/results-api.ts). */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { ResultsApi, sourceReaderPolicy } from '../../infra/results-api.ts';

type Resource = { Type: string; Properties: Record<string, any> };
let json: { Resources: Record<string, Resource> };
let apiFunctionId: string;
let apiPolicyId: string;
const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  // No asset staging: these tests read the template; copying the bundles into cdk.out is slow.
  const { stack } = buildApp({ 'aws:cdk:disable-asset-staging': true });
  // A team's role that may read the checkout and payments sources only.
  const analyst = new Role(stack, 'Analyst', { assumedBy: new AccountPrincipal('123456789012') });
  const api = stack.node.findChild('ResultsApi') as ResultsApi;
  api.grantReadSources(analyst, ['checkout', 'payments']);
  apiFunctionId = stack.getLogicalId(api.fn.fn.node.defaultChild as CfnElement);
  apiPolicyId = stack.getLogicalId(api.fn.fn.role!.node.findChild('DefaultPolicy').node.defaultChild as CfnElement);
  json = Template.fromStack(stack).toJSON() as typeof json;
});


describe('the cursor key', () => {
  it('is a secret the stack generates: 64 letters and digits', () => {
    const secrets = resources('AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]![1].Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    expect(secrets[0]![1].Properties).not.toHaveProperty('SecretString');
  });

  it('reaches the API function as the secret\'s ARN, no longer as the stack id', () => {
    const fn = json.Resources[apiFunctionId]!;
    const [[secretId]] = resources('AWS::SecretsManager::Secret');
    const variables = fn.Properties.Environment.Variables;
    expect(variables.CURSOR_SECRET_ARN).toEqual({ Ref: secretId });
    expect(variables).not.toHaveProperty('CURSOR_SECRET');
    expect(JSON.stringify(variables)).not.toContain('AWS::StackId');
  });

  it('may be read by the API function and by no other', () => {
    const [[secretId]] = resources('AWS::SecretsManager::Secret');
    const readers = resources('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes(`"Ref":"${secretId}"`));
    expect(readers.map(([id]) => id)).toEqual([apiPolicyId]);
    const statement = (readers[0]![1].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .find((s) => JSON.stringify(s.Resource) === JSON.stringify({ Ref: secretId }))!;
    expect([statement.Action].flat()).toContain('secretsmanager:GetSecretValue');
  });
});

describe('callers restricted to some sources', () => {
  it('are granted execute-api:Invoke on GET /sources/<source>/* of this API only', () => {
    const [[, policy]] = resources('AWS::IAM::Policy').filter(([id]) => id.startsWith('Analyst'));
    const [statement] = policy!.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown[] }[];
    expect(statement!.Action).toBe('execute-api:Invoke');
    const rendered = JSON.stringify(statement!.Resource);
    const [[apiId]] = resources('AWS::ApiGatewayV2::Api');
    expect(rendered).toContain(`{"Ref":"${apiId}"}`);
    expect(statement!.Resource).toHaveLength(2);
    expect(rendered).toContain('/*/GET/sources/checkout/*');
    expect(rendered).toContain('/*/GET/sources/payments/*');
  });

  it('get a policy document that names one resource per source (the README example)', () => {
    const arn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123';
    expect(sourceReaderPolicy(arn, ['checkout'])).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${arn}/*/GET/sources/checkout/*`] }],
    });
  });

  it('cannot be written for a source an ARN would need encoded, or for no source', () => {
    expect(() => sourceReaderPolicy('arn:aws:execute-api:eu-west-1:123456789012:abc123', ['pay ments'])).toThrow(/\[A-Za-z0-9._-\]/);
    expect(() => sourceReaderPolicy('arn:aws:execute-api:eu-west-1:123456789012:abc123', [])).toThrow(/at least one source/);
  });
});
