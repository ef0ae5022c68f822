/**
 * The results API Lambda with API Gateway HTTP API (v2) events built from events/aws/, against
 * dynalite and s3rver holding real pipeline output (baseline trained, incident detected by the
 * real handlers).
 */
import { readFile } from 'node:fs/promises';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec, InvalidCursor } from '../../shared/api/cursor.ts';
import type { SecretSource } from '../../functions/lib/secrets.ts';
import { lambdaContext } from '../support/lambda.ts';
import { sampleLog, startScenario, type Scenario } from '../support/scenario.ts';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;
interface Reply { status: number; body: any }

/** The cursor key the fake Secrets Manager hands out, and how often it was asked. */
const CURSOR_KEY = 'Kq3fJ8zT1mXw5vRb9nLc2hYp6sDg4aEu';
class FakeSecret implements SecretSource {
  reads = 0;
  constructor(private readonly value: string, private failures = 0) {}
  async get(): Promise<string> {
    this.reads++;
    if (this.failures-- > 0) throw new Error('ThrottlingException: rate exceeded');
    return this.value;
  }
}

let s: Scenario;
let handler: Handler;
let cursorKey: FakeSecret;
let createApiHandler: (key: SecretSource) => unknown;
let template: APIGatewayProxyEventV2;
let runId: string;

beforeAll(async () => {
  // Configured as deployed: only the secret's ARN (the fake below stands in for Secrets Manager).
  delete process.env.CURSOR_SECRET;
  s = await startScenario('api', { CURSOR_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ResultsApiCursorKey-AbCdEf' });
  await s.upload('baseline/checkout/day1.jsonl', await sampleLog('baseline'));
  await s.runQueues();
  await s.upload('logs/checkout/incident.jsonl', await sampleLog('incident'));
  await s.upload('logs/checkout/clean.jsonl', await sampleLog('clean'));
  await s.runQueues();
  ({ createApiHandler } = await import('../../functions/api/handler.ts'));
  cursorKey = new FakeSecret(CURSOR_KEY);
  handler = createApiHandler(cursorKey) as Handler;
  template = JSON.parse(await readFile(new URL('../../events/aws/apigw-http-get-runs.json', import.meta.url), 'utf8')) as APIGatewayProxyEventV2;
  const runs = await get('/sources/checkout/runs');
  runId = runs.body.items.find((r: { input: { key: string } }) => r.input.key === 'logs/checkout/incident.jsonl').runId;
});
afterAll(async () => s?.close());

/** The sample event with another path and query string, as API Gateway would send it. */
async function get(path: string, query: Record<string, string> = {}, via: Handler = handler): Promise<Reply> {
  const result = await via(eventFor(path, query), lambdaContext(undefined, 'api')) as { statusCode: number; body: string; headers: Record<string, string> };
  expect(result.headers['content-type']).toMatch(/application\/json/);
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

function eventFor(path: string, query: Record<string, string>): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    ...template, rawPath: path, rawQueryString, routeKey: 'GET /{proxy+}',
    queryStringParameters: Object.keys(query).length ? query : undefined as never,
    requestContext: { ...template.requestContext, http: { ...template.requestContext.http, path } },
  };
}

/** The query fingerprint a cursor carries (its payload is base64url JSON `{q, t}`). */
const queryOf = (cursor: string) => JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()).q as string;

const expectError = (reply: Reply, status: number, code: string) => {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
};

describe('the results API handler', () => {
  it('answers every run route under the run\'s source too, and 404 under another source', async () => {
    const anomalies = await get(`/runs/${runId}/anomalies`);
    const first = anomalies.body.items[0];
    expect((await get(`/sources/checkout/runs/${runId}`)).body).toEqual((await get(`/runs/${runId}`)).body);
    expect((await get(`/sources/checkout/runs/${runId}/anomalies`)).body.items).toEqual(anomalies.body.items);
    expect((await get(`/sources/checkout/runs/${runId}/anomalies/${first.id}`)).body).toEqual((await get(`/runs/${runId}/anomalies/${first.id}`)).body);
    const sessionId = (await get(`/runs/${runId}/anomalies/${first.id}`)).body.session?.sessionId;
    if (sessionId !== undefined) {
      expect((await get(`/sources/checkout/runs/${runId}/sessions/${encodeURIComponent(sessionId)}`)).body).toEqual((await get(`/runs/${runId}/sessions/${encodeURIComponent(sessionId)}`)).body);
    }
    for (const path of [`/sources/payments/runs/${runId}`, `/sources/payments/runs/${runId}/anomalies`, `/sources/payments/runs/${runId}/anomalies/${first.id}`]) {
      expectError(await get(path), 404, 'NOT_FOUND');
    }
  });

  it('lists the sources that have a model', async () => {
    expect((await get('/sources')).body).toEqual({ items: ['checkout'] });
  });

  it('lists a source\'s runs newest first and pages through them with opaque cursors', async () => {
    const first = await get('/sources/checkout/runs', { limit: '1' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get('/sources/checkout/runs', { limit: '1', cursor: first.body.nextCursor });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].runId).not.toBe(first.body.items[0].runId);
    expect(first.body.items[0].startedAt).toBeGreaterThanOrEqual(second.body.items[0].startedAt);
    const third = await get('/sources/checkout/runs', { limit: '1', ...(second.body.nextCursor && { cursor: second.body.nextCursor }) });
    if (second.body.nextCursor) expect(third.body.items).toEqual([]);
  });

  it('returns one run, and 404 in the one error shape for an unknown run id', async () => {
    const run = await get(`/runs/${runId}`);
    expect(run.body).toMatchObject({ runId, status: 'DONE', source: 'checkout' });
    expectError(await get('/runs/r00000000000000000000'), 404, 'NOT_FOUND');
    expectError(await get('/runs/r00000000000000000000/anomalies'), 404, 'NOT_FOUND');
  });

  it('pages a run\'s anomalies by score across pages without losing or repeating one', async () => {
    const all = (await get(`/runs/${runId}/anomalies`, { limit: '100' })).body.items as { id: string; score: number }[];
    expect(all.length).toBeGreaterThan(4);
    const paged: { id: string; score: number }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await get(`/runs/${runId}/anomalies`, { limit: '3', ...(cursor && { cursor }) });
      expect(page.status).toBe(200);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(paged.map((a) => a.id)).toEqual(all.map((a) => a.id));
    expect(all.map((a) => a.score)).toEqual([...all.map((a) => a.score)].sort((a, b) => b - a));
  });

  it('filters anomalies by type and minimum score', async () => {
    const spikes = (await get(`/runs/${runId}/anomalies`, { type: 'DURATION_SPIKE', limit: '100' })).body.items as { type: string }[];
    expect(spikes.length).toBeGreaterThan(0);
    expect(new Set(spikes.map((a) => a.type))).toEqual(new Set(['DURATION_SPIKE']));
    const strong = (await get(`/runs/${runId}/anomalies`, { minScore: '0.8', limit: '100' })).body.items as { score: number }[];
    const all = (await get(`/runs/${runId}/anomalies`, { limit: '100' })).body.items as { score: number }[];
    expect(strong.length).toBe(all.filter((a) => a.score >= 0.8).length);
    expect(strong.every((a) => a.score >= 0.8)).toBe(true);
  });

  it('refuses a tampered cursor, or one used with other filters, with a 400 (not a 500)', async () => {
    const page = await get(`/runs/${runId}/anomalies`, { limit: '2' });
    const cursor = page.body.nextCursor as string;
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ q: JSON.parse(Buffer.from(payload!, 'base64url').toString()).q, t: Buffer.from('{"PK":"RUN#x","SK":"y","GSI1PK":"z","GSI1SK":"w"}').toString('base64url') })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, `${payload}.${'A'.repeat(mac!.length)}`, 'not-a-cursor', `${cursor}x`]) {
      expectError(await get(`/runs/${runId}/anomalies`, { limit: '2', cursor: bad }), 400, 'BAD_REQUEST');
    }
    expectError(await get(`/runs/${runId}/anomalies`, { limit: '2', type: 'NEW_TEMPLATE', cursor }), 400, 'BAD_REQUEST');
  });

  it('signs cursors with the key read from its secret source, read once for all its requests', async () => {
    const cursor = (await get(`/runs/${runId}/anomalies`, { limit: '1' })).body.nextCursor as string;
    await get('/sources/checkout/runs', { limit: '1', cursor: (await get('/sources/checkout/runs', { limit: '1' })).body.nextCursor });
    expect(() => new CursorCodec(CURSOR_KEY).decode(queryOf(cursor), cursor)).not.toThrow();
    expect(() => new CursorCodec('some-other-key-of-32-characters!').decode(queryOf(cursor), cursor)).toThrow(InvalidCursor);
    expect(cursorKey.reads).toBe(1);
  });

  it('will not sign with a key shorter than 16 characters', () => {
    expect(() => new CursorCodec('short-key')).toThrow(/at least 16/);
  });

  it('refuses cursors made under another key', async () => {
    const other = createApiHandler(new FakeSecret('a-different-cursor-key-0123456789')) as Handler;
    const cursor = (await get(`/runs/${runId}/anomalies`, { limit: '1' }, other)).body.nextCursor as string;
    expectError(await get(`/runs/${runId}/anomalies`, { limit: '1', cursor }), 400, 'BAD_REQUEST');
  });

  it('fails a request whose key read failed, and reads the key again on the next one', async () => {
    const flaky = new FakeSecret(CURSOR_KEY, 1);
    const h = createApiHandler(flaky) as Handler;
    await expect(h(eventFor('/sources', {}), lambdaContext(undefined, 'api'))).rejects.toThrow(/Throttling/);
    expect((await get('/sources', {}, h)).body).toEqual({ items: ['checkout'] });
    await get('/sources', {}, h);
    expect(flaky.reads).toBe(2);
  });

  it('rejects bad parameters with a 400 naming them', async () => {
    for (const [path, query, field] of [
      [`/runs/${runId}/anomalies`, { limit: '0' }, 'limit'],
      [`/runs/${runId}/anomalies`, { limit: '1000' }, 'limit'],
      [`/runs/${runId}/anomalies`, { type: 'SOMETHING' }, 'type'],
      [`/runs/${runId}/anomalies`, { minScore: '2' }, 'minScore'],
      [`/runs/${runId}/anomalies`, { sort: 'asc' }, 'sort'],
      ['/runs/not-a-run', {}, 'runId'],
      ['/digests/2026-13-45', {}, 'day'],
      ['/sources/checkout/runs', { from: 'yesterday' }, 'from'],
    ] as [string, Record<string, string>, string][]) {
      const reply = await get(path, query);
      expectError(reply, 400, 'BAD_REQUEST');
      expect(reply.body.error.details.map((d: { field: string }) => d.field).join(' ')).toContain(field);
    }
  });

  it('returns one anomaly with its complete context, explanation field and session summary; its session with records and metrics', async () => {
    const listed = (await get(`/runs/${runId}/anomalies`, { limit: '100' })).body.items as { id: string; context: { contextType: string; sessionId?: string } }[];
    const inSession = listed.find((a) => a.context.contextType === 'FULL_SESSION')!;
    const reply = await get(`/runs/${runId}/anomalies/${inSession.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body.anomaly.context.logs.some((l: { anomalous: boolean }) => l.anomalous)).toBe(true);
    expect(reply.body.session).toMatchObject({ sessionId: inSession.context.sessionId, anomalyIds: expect.arrayContaining([inSession.id]) });
    const session = await get(`/runs/${runId}/sessions/${encodeURIComponent(inSession.context.sessionId!)}`);
    expect(session.body).toMatchObject({ sessionId: inSession.context.sessionId, metrics: expect.objectContaining({ records: expect.any(Number) }) });
    expect(session.body.logs.length).toBeGreaterThan(0);
    expectError(await get(`/runs/${runId}/anomalies/a00000000000000000000`), 404, 'NOT_FOUND');
    expectError(await get(`/runs/${runId}/sessions/no-such-session`), 404, 'NOT_FOUND');
  });

  it('lists a source\'s models and a day\'s digest; an unknown route is a 404 in the same shape', async () => {
    expect((await get('/sources/checkout/models')).body.items).toHaveLength(1);
    const day = new Date().toISOString().slice(0, 10);
    const digest = await get(`/digests/${day}`);
    expect(digest.body).toMatchObject({ day, items: [expect.objectContaining({ source: 'checkout', runs: 2 })] });
    expectError(await get('/digests/1999-01-01'), 404, 'NOT_FOUND');
    expectError(await get('/nothing/here'), 404, 'NOT_FOUND');
  });
});
