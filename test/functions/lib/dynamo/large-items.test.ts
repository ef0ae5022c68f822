/**
 * Items of any size on the results table: the size rule (measured as DynamoDB counts, spilled just
 * over MAX_INLINE_BYTES), long session ids hashed in keys, and large anomalies, sessions and verdicts
 * read back whole through the reader, against dynalite and s3rver.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemBytes } from '../../../../functions/lib/dynamo/item-size.ts';
import { earlierSessionSk, MAX_SESSION_ID_KEY_BYTES, sessionSk } from '../../../../functions/lib/dynamo/keys.ts';
import { dynamoResultStores } from '../../../../functions/lib/dynamo/result-stores.ts';
import { MAX_INLINE_BYTES, ResultTable } from '../../../../functions/lib/dynamo/table.ts';
import { S3ObjectStore } from '../../../../functions/lib/s3-object-store.ts';
import type { Anomaly } from '../../../../shared/detect/types.ts';
import { createResultsTable, startEmulators, type Emulators } from '../../../support/emulators.ts';

let emulators: Emulators;
const BUCKET = 'large-items';
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

beforeAll(async () => {
  emulators = await startEmulators({ buckets: [BUCKET] });
  await createResultsTable(emulators, 'results');
});
afterAll(async () => emulators?.close());

const overflow = () => new S3ObjectStore(emulators.s3, BUCKET);
const table = () => new ResultTable({ client: emulators.doc, tableName: 'results', overflow: overflow(), now: () => T0 });
const stores = () => dynamoResultStores({ client: emulators.doc, tableName: 'results', overflow: overflow(), now: () => T0 });
const start = (runId: string) => ({ runId, source: 'app', input: { location: 's3://b', key: 'logs/app/x.log', etag: 'e', size: 1 }, modelId: 'm1', startedAt: T0 });

/** An anomaly item (keys as the finding writer makes them) measuring exactly `bytes`. */
function itemOf(bytes: number): Record<string, unknown> {
  const item: Record<string, unknown> = { PK: 'RUN#r', SK: 'ANOMALY#a', GSI1PK: 'RUN#r#ANOMALIES', GSI1SK: '0100#a', score: 0.9, message: '' };
  item.message = 'x'.repeat(bytes - itemBytes(item));
  return item;
}

describe('the item size rule', () => {
  it('counts names and values as DynamoDB does: UTF-8 strings, 1 for booleans, 3 per list or map plus 1 per element', () => {
    // 'id'+'é' (2+2), 'ok'+true (2+1), 'tags'+['a','bc'] (4+3+1+1+1+2), 'm'+{k:'v'} (1+3+1+1+1)
    expect(itemBytes({ id: 'é', ok: true, tags: ['a', 'bc'], m: { k: 'v' } })).toBe(4 + 3 + 12 + 7);
  });

  it('agrees with dynalite on the 400 KB limit: 409,600 measured bytes are accepted, one more is refused', async () => {
    const put = (item: Record<string, unknown>) => emulators.doc.send(new PutCommand({ TableName: 'results', Item: item }));
    const atLimit = { PK: 'RUN#limit', SK: 'X', list: ['a', 'b'], map: { k: 'v' }, body: '' };
    atLimit.body = 'y'.repeat(409_600 - itemBytes(atLimit));

    await expect(put(atLimit)).resolves.toBeDefined();
    await expect(put({ ...atLimit, body: `${atLimit.body}y` })).rejects.toThrow(/size has exceeded/);
  });

  it('keeps an item of exactly MAX_INLINE_BYTES inline and spills one a byte larger, keys and score staying', async () => {
    const just = itemOf(MAX_INLINE_BYTES);
    expect(await table().spill(just, 'contexts/unit/under.item.json')).toEqual(just);

    const over = itemOf(MAX_INLINE_BYTES + 1);
    const slim = await table().spill(over, 'contexts/unit/over.item.json');

    expect(slim).toEqual({ PK: 'RUN#r', SK: 'ANOMALY#a', GSI1PK: 'RUN#r#ANOMALIES', GSI1SK: '0100#a', score: 0.9, spillKey: 'contexts/unit/over.item.json' });
    expect(await overflow().getText('contexts/unit/over.item.json')).toBe(JSON.stringify({ message: over.message }));
    expect(await table().unspill(slim)).toEqual({ ...over, spillKey: 'contexts/unit/over.item.json' });
  });

  it('moves only as many of the largest attributes as it takes to fit', async () => {
    const item = { PK: 'RUN#r', SK: 'SESSION#s', big: 'b'.repeat(MAX_INLINE_BYTES), small: 's'.repeat(1000) };

    const slim = await table().spill(item, 'sessions/unit/s.item.json');

    expect(slim).toEqual({ PK: 'RUN#r', SK: 'SESSION#s', small: item.small, spillKey: 'sessions/unit/s.item.json' });
  });
});

describe('session ids in keys', () => {
  it(`keeps ids of up to ${MAX_SESSION_ID_KEY_BYTES} UTF-8 bytes whole and hashes longer ones`, () => {
    const fits = 'é'.repeat(MAX_SESSION_ID_KEY_BYTES / 2);
    const over = `${fits}a`;

    expect(sessionSk(fits)).toBe(`SESSION#${fits}`);
    expect(sessionSk(over)).toMatch(/^SESSION#~h[0-9a-f]{20}$/);
    expect(sessionSk('x'.repeat(2048))).not.toBe(sessionSk('x'.repeat(2047)));
    // Ids of 257..504 bytes had whole keys before: still readable there.
    expect(earlierSessionSk(over)).toBe(`SESSION#${over}`);
    expect(earlierSessionSk('x'.repeat(2048))).toBeUndefined();
  });
});

describe('items stored by earlier versions', () => {
  it('reads a session stored whole-keyed (a 300-byte id) with its records under logsKey', async () => {
    const sessionId = 'e'.repeat(300);
    const logs = [{ source: 'x', line: 1, message: 'old', anomalous: true }];
    await overflow().put('sessions/r-old/legacy.json', JSON.stringify(logs));
    await emulators.doc.send(new PutCommand({ TableName: 'results', Item: {
      PK: 'RUN#r-old', SK: `SESSION#${sessionId}`, entity: 'session', logsKey: 'sessions/r-old/legacy.json',
      runId: 'r-old', sessionId, totalLogsInSession: 1, truncated: false, logs: [], anomalyIds: ['a1'],
    } }));

    expect(await stores().reader.getSession('r-old', sessionId)).toEqual({ runId: 'r-old', sessionId, totalLogsInSession: 1, truncated: false, logs, anomalyIds: ['a1'] });
  });
});

describe('large findings through the writer and the reader', () => {
  const MIB = 1024 * 1024;
  const sessionId = `sess-${'s'.repeat(2043)}`;
  const line = 'm'.repeat(MIB);

  function bigAnomaly(id: string, contextType: 'FULL_SESSION' | 'WINDOW'): Anomaly {
    return {
      id, type: 'NEW_TEMPLATE', templateId: 't-new', template: line, score: 0.95, source: 'logs/app/x.log', line: 7, sessionId, message: line,
      reasons: [{ type: 'NEW_TEMPLATE', score: 0.95, detail: 'unseen' }], count: 1,
      context: { contextType, sessionId, truncated: false, totalLogsInSession: 1, logs: [{ source: 'logs/app/x.log', line: 7, message: line, detail: 'd'.repeat(MIB), anomalous: true }] },
    };
  }

  it('stores a 1 MiB anomaly and its session with a 2 KB id, and reads both back whole, in listings too', async () => {
    const results = stores();
    const run = (await results.runs.startRun(start('r-large'))).run;
    const inSession = bigAnomaly('a-session', 'FULL_SESSION');
    const windowed = bigAnomaly('a-window', 'WINDOW');

    await results.findings.putSessions(run, [{ runId: 'r-large', sessionId, totalLogsInSession: 1, truncated: false, logs: inSession.context.logs, anomalyIds: ['a-session'] }]);
    await results.findings.putAnomalies(run, [inSession, windowed]);

    expect(await results.reader.getAnomaly('r-large', 'a-session')).toEqual(inSession);
    expect(await results.reader.getAnomaly('r-large', 'a-window')).toEqual(windowed);
    expect((await results.reader.getSession('r-large', sessionId))!.sessionId).toBe(sessionId);
    expect((await results.reader.getSession('r-large', sessionId))!.logs).toEqual(inSession.context.logs);
    const listed = await results.reader.listAnomalies('r-large');
    expect(listed.map((a) => [a.id, a.message?.length, a.template.length])).toEqual([['a-session', MIB, MIB], ['a-window', MIB, MIB]]);
    const paged = await results.reader.pageAnomalies('r-large', { limit: 10, type: 'NEW_TEMPLATE' });
    expect(paged.items.find((a) => a.id === 'a-window')).toEqual(windowed);
  });

  it('stores verdicts larger than the room an inline item leaves them, each replacing the one before', async () => {
    const results = stores();
    const run = (await results.runs.startRun(start('r-verdict'))).run;
    // Just under MAX_INLINE_BYTES: stored inline, with less than 110 KB left under DynamoDB's limit.
    const nearLimit: Anomaly = { ...bigAnomaly('a-explained', 'WINDOW'), template: 't', message: 'm'.repeat(MAX_INLINE_BYTES - 5000), context: { contextType: 'WINDOW', truncated: false, logs: [] } };
    await results.findings.putAnomalies(run, [nearLimit]);
    const raw = await table().get({ PK: 'RUN#r-verdict', SK: 'ANOMALY#a-explained' });
    expect(raw).not.toHaveProperty('spillKey');
    const explanation = { method: 'bedrock' as const, summary: 'S'.repeat(205_000), rootCause: 'R'.repeat(205_000), causalChain: ['c'], evidenceLines: [7], confidence: 0.8, nextStep: 'n' };

    expect(await results.findings.recordExplanation('r-verdict', 'a-explained', { status: 'EXPLAIN_FAILED', reason: 'x'.repeat(120_000), at: T0 })).toBe(true);
    expect(await results.reader.getAnomaly('r-verdict', 'a-explained')).toMatchObject({ explainStatus: 'EXPLAIN_FAILED', explainReason: 'x'.repeat(120_000) });
    expect(await results.findings.recordExplanation('r-verdict', 'a-explained', { status: 'EXPLAINED', explanation, at: T0 + 1 })).toBe(true);

    const explained = await results.reader.getAnomaly('r-verdict', 'a-explained');
    expect(explained).toEqual({ ...nearLimit, explainStatus: 'EXPLAINED', explanation, explainedAt: T0 + 1 });
    // A duplicate delivery's verdict changes nothing, not even the object the stored one points to.
    expect(await results.findings.recordExplanation('r-verdict', 'a-explained', { status: 'EXPLAINED', explanation: { ...explanation, summary: 'other' }, at: T0 + 2 })).toBe(false);
    expect((await results.reader.getAnomaly('r-verdict', 'a-explained'))!.explanation).toEqual(explanation);
  });
});
