/**
 * `logsleuth analyze --explainer openai|bedrock`: the real command in a child process against a local
 * OpenAI-compatible server and a local Converse (HTTP/2) server. All explainers give the same structure.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootCauseAnswerSchema } from '../../shared/explain/answer.ts';
import { startFakeConverse, type FakeConverse } from '../support/fake-converse.ts';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.ts';
import { logsleuth, ROOT } from './helpers.ts';

const BASELINE = join(ROOT, 'events/logs/baseline.jsonl');
const INCIDENT = join(ROOT, 'events/logs/incident.jsonl');

interface Result { anomalies: { id: string; context: { logs: { line: number }[] }; explanation?: Record<string, unknown> & { method: string; evidenceLines: number[] } }[] }

let openai: FakeOpenAi;
let converse: FakeConverse;
beforeAll(async () => {
  openai = await startFakeOpenAi();
  converse = await startFakeConverse();
});
afterAll(async () => {
  await openai?.close();
  await converse?.close();
});

/** The structured part every explainer fills in, checked against the schema. */
function expectStructured(result: Result, method: string, explained: number) {
  const withMethod = result.anomalies.filter((a) => a.explanation?.method === method);
  expect(withMethod.length).toBe(explained);
  for (const anomaly of withMethod) {
    const { summary, rootCause, causalChain, evidenceLines, confidence, nextStep } = anomaly.explanation!;
    expect(rootCauseAnswerSchema.parse({ summary, rootCause, causalChain, evidenceLines, confidence, nextStep })).toBeDefined();
    const lines = new Set(anomaly.context.logs.map((l) => l.line));
    expect(evidenceLines.every((line) => lines.has(line))).toBe(true);
  }
  // Beyond --explain-top, the heuristic explains.
  expect(result.anomalies.filter((a) => a.explanation?.method === 'heuristic').length).toBe(result.anomalies.length - explained);
}

describe('logsleuth analyze --explainer', () => {
  it('openai: asks an OpenAI-compatible endpoint for structured output and stores its answers', async () => {
    const run = await logsleuth(['analyze', INCIDENT, '--baseline', BASELINE, '--json', '--no-store', '--explainer', 'openai', '--llm-url', openai.baseUrl, '--llm-model', 'llama3.1:8b', '--explain-top', '3']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    const explained = result.anomalies.slice(0, 3);
    expect(explained.every((a) => a.explanation?.model === 'llama3.1:8b')).toBe(true);
    expectStructured(result, 'openai', 3);
    // One request per session: anomalies sharing a session share the answer.
    expect(openai.requests.length).toBeGreaterThanOrEqual(1);
    expect(openai.requests.length).toBeLessThanOrEqual(3);
    const request = openai.requests[0]!;
    expect(request).toMatchObject({ model: 'llama3.1:8b', temperature: 0, response_format: { type: 'json_schema', json_schema: { name: 'record_root_cause' } } });
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request.messages[1]!.content).toContain('<logs>');
  });

  it('bedrock: uses the AWS credential chain and region and the Converse API', async () => {
    const env = { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: converse.endpoint, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let run;
    try {
      run = await logsleuth(['analyze', INCIDENT, '--baseline', BASELINE, '--json', '--no-store', '--explainer', 'bedrock', '--explain-top', '2']);
    } finally {
      for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    }

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Result;
    expectStructured(result, 'bedrock', 2);
    expect(result.anomalies[0]!.explanation!.model).toBe('us.amazon.nova-micro-v1:0');
    expect(converse.calls[0]!.modelId).toBe('us.amazon.nova-micro-v1:0');
  });

  it('openai without --llm-model: says what is missing', async () => {
    const run = await logsleuth(['analyze', INCIDENT, '--json', '--no-store', '--explainer', 'openai']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--explainer openai needs --llm-model <id>');
  });

  it('falls back to the heuristic, with a warning, when the endpoint keeps failing', async () => {
    openai.respond = () => ({ status: 400, error: 'model "nope" not found, try pulling it first' });
    const run = await logsleuth(['analyze', INCIDENT, '--baseline', BASELINE, '--json', '--no-store', '--explainer', 'openai', '--llm-url', openai.baseUrl, '--llm-model', 'nope', '--explain-top', '1']);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/explainer openai:nope failed for anomaly \S+, heuristic used instead: .*refused the request \(400\): .*not found/);
    expect((JSON.parse(run.stdout) as Result).anomalies[0]!.explanation!.method).toBe('heuristic');
  });
});
