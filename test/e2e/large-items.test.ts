/**
 * Items of any size on the emulators (s3rver + dynalite, whose 400 KB item limit is DynamoDB's): a log
 * object with one anomalous line of about 1 MiB in a session whose id is 2 KB is detected, stored and
 * explained without a dead letter, and the results API hands back the whole message and the whole id.
 */
import { readFile } from 'node:fs/promises';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConverse, type FakeConverse } from '../support/fake-converse.ts';
import { lambdaContext } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

let s: Scenario;
let bedrock: FakeConverse;
let api: ApiHandler;
let template: APIGatewayProxyEventV2;

const LINE_LIMIT = 1024 * 1024;
const SESSION_ID = `req-${'fedcba9876543210'.repeat(128)}`.slice(0, 2048);
const CLEAN_LINES = 2000;
const HUGE_LINE_NO = CLEAN_LINES + 1;

/** A JSON line of just under the 1 MiB line limit whose message is words the baseline never had. */
function hugeLine(): { line: string; message: string } {
  const fields = { timestamp: '2026-11-20T00:20:00.000Z', level: 'error', service: 'vault', request_id: SESSION_ID };
  const words = 'ledger replica quorum lost while sealing epoch ';
  const room = LINE_LIMIT - Buffer.byteLength(JSON.stringify({ ...fields, message: '' })) - 16;
  const message = words.repeat(Math.ceil(room / words.length)).slice(0, room);
  return { line: JSON.stringify({ ...fields, message }), message };
}

beforeAll(async () => {
  bedrock = await startFakeConverse();
  s = await startScenario('large', { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.endpoint, CURSOR_SECRET: 'large-items-cursor-secret-0123' });
  await s.upload('baseline/vault/day1.jsonl', await sampleLog('baseline'));
  await s.runQueues();
  api = (await import('../../functions/api/handler.ts')).handler as unknown as ApiHandler;
  template = JSON.parse(await readFile(new URL('../../events/aws/apigw-http-get-runs.json', import.meta.url), 'utf8')) as APIGatewayProxyEventV2;
});
afterAll(async () => {
  await s?.close();
  await bedrock?.close();
});

/** GET `path` through the API Lambda, as API Gateway would deliver it. */
async function get(path: string): Promise<{ status: number; body: any }> {
  const event: APIGatewayProxyEventV2 = {
    ...template, rawPath: path, rawQueryString: '', routeKey: 'GET /{proxy+}', queryStringParameters: undefined as never,
    requestContext: { ...template.requestContext, http: { ...template.requestContext.http, path } },
  };
  const result = await api(event, lambdaContext(undefined, 'api')) as { statusCode: number; body: string };
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

async function deadLetters(dlqUrl: string): Promise<unknown[]> {
  return (await s.emulators.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }))).Messages ?? [];
}

describe('a 1 MiB anomalous line in a session with a 2 KB id, through the AWS pipeline', () => {
  it('is detected and stored (no dead letter), explained, and read back whole through the API', async () => {
    const clean = (await sampleLog('clean')).toString('utf8').split('\n').slice(0, CLEAN_LINES).join('\n');
    const { line, message } = hugeLine();
    expect(Buffer.byteLength(line)).toBeGreaterThan(LINE_LIMIT - 100);

    await s.upload('logs/vault/huge.jsonl', `${clean}\n${line}\n`);
    await s.runQueues();

    expect(await deadLetters(s.queues.detect.dlqUrl)).toEqual([]);
    const runs = (await get('/sources/vault/runs')).body.items as { runId: string; status: string }[];
    expect(runs.map((r) => r.status)).toEqual(['DONE']);
    const runId = runs[0]!.runId;
    const listed = (await get(`/runs/${runId}/anomalies`)).body.items as { id: string; line: number | null; message?: string }[];
    const huge = listed.find((a) => a.line === HUGE_LINE_NO);
    expect(huge?.message).toBe(message);

    await s.runExplainQueue();
    expect(await deadLetters(s.queues.explain.dlqUrl)).toEqual([]);

    const one = await get(`/runs/${runId}/anomalies/${huge!.id}`);
    expect(one.status).toBe(200);
    expect(one.body.anomaly).toMatchObject({ message, sessionId: SESSION_ID, context: { sessionId: SESSION_ID }, explainStatus: 'EXPLAINED', explanation: { method: 'bedrock' } });
    expect(one.body.anomaly.context.logs.find((log: { line: number }) => log.line === HUGE_LINE_NO).message).toBe(message);
    expect(one.body.session.sessionId).toBe(SESSION_ID);

    const session = await get(`/runs/${runId}/sessions/${encodeURIComponent(SESSION_ID)}`);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ sessionId: SESSION_ID, anomalyIds: expect.arrayContaining([huge!.id]) });
    expect(session.body.logs.find((log: { line: number }) => log.line === HUGE_LINE_NO).message).toBe(message);
  });
});
