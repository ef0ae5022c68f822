/** bedrockExplainer(): the explainer Lambda's core on Bedrock's Converse API (a local stand-in here). */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedrockExplainer, detect, train } from '../../library/index.ts';
import { startFakeConverse, type FakeConverse } from '../support/fake-converse.ts';
import { ROOT } from '../cli/helpers.ts';

describe('bedrockExplainer', () => {
  let converse: FakeConverse;
  const saved = { ...process.env };
  beforeAll(async () => {
    converse = await startFakeConverse();
    // The standard credential chain, as a user's Lambda has it.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  });
  afterAll(async () => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await converse.close();
  });

  it('explains the top anomalies through Converse with the model asked for', async () => {
    const model = await train([join(ROOT, 'events/logs/baseline.jsonl')]);
    const explainer = bedrockExplainer({ modelId: 'eu.amazon.nova-lite-v1:0', region: 'eu-west-1', endpoint: converse.endpoint });
    const result = await detect([join(ROOT, 'events/logs/incident.jsonl')], model, { explainer, explainTop: 2 });
    expect(result.anomalies.slice(0, 2).map((a) => [a.explanation?.method, a.explanation?.model])).toEqual([['bedrock', 'eu.amazon.nova-lite-v1:0'], ['bedrock', 'eu.amazon.nova-lite-v1:0']]);
    expect(result.anomalies.slice(2).every((a) => a.explanation?.method === 'heuristic')).toBe(true);
    expect(converse.calls.map((c) => c.modelId)).toEqual(['eu.amazon.nova-lite-v1:0', 'eu.amazon.nova-lite-v1:0']);
  });
});
