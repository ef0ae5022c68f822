/** Every logsleuth Lambda deploys the bundle scripts/build.ts built (infra/handler-function.ts). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { functionBundleDir, HandlerFunction, MissingBundleError } from '../../infra/handler-function.ts';
import { functionBundle, functionNames } from '../../scripts/build.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let app: ReturnType<typeof buildApp>;
let functions: [string, { Properties: Record<string, any> }][];

beforeAll(() => {
  // No asset staging: these tests read the template; copying the bundles into cdk.out is slow.
  app = buildApp({ 'aws:cdk:disable-asset-staging': true });
  const resources = (Template.fromStack(app.stack).toJSON() as { Resources: Resources }).Resources;
  // Ours, not the bucket-notification handler CDK adds: ours name their Powertools service.
  functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME);
});

describe('the Lambda functions', () => {
  it('deploy each function\'s built folder, dist/functions/<name>/, and every function is deployed', () => {
    const deployed = app.stack.node.findAll().filter((c): c is HandlerFunction => c instanceof HandlerFunction).map((f) => f.bundleDir);
    expect(deployed.sort()).toEqual(functionNames().map((name) => dirname(functionBundle(name))).sort());
  });

  it('run index.handler from an uploaded asset on nodejs22.x arm64, with source maps on', () => {
    expect(functions).toHaveLength(functionNames().length);
    for (const [id, fn] of functions) {
      expect(fn.Properties, id).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      expect(fn.Properties.Code, id).toMatchObject({ S3Bucket: expect.anything(), S3Key: expect.stringMatching(/\.zip$/) });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
    }
  });

  it('cannot be synthesised without their bundles: the error says to run npm run build', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'logsleuth-no-dist-'));
    try {
      expect(() => functionBundleDir('detect', empty)).toThrow(MissingBundleError);
      expect(() => functionBundleDir('detect', empty)).toThrow(/detect.*missing: run npm run build/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
