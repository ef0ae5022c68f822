/**
 * Crash safety of the detection Lambda: the handler runs in a child process against the emulators,
 * is killed with SIGKILL at seeded points of its work (start-up, both reading passes, the writes),
 * and is then run again until it completes, as the queue redelivers a crashed invocation's message.
 * The table's items and the bucket's objects must equal those of an uninterrupted run in a twin
 * deployment (same bucket and table names, so the same run ids), nothing duplicated. Left out of the
 * comparison: wall-clock times and lease bookkeeping (see `comparableItems`), and `models/` objects.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createQueueWithDlq, createResultsTable, handlerEnv, startEmulators, type Emulators } from '../support/emulators.ts';
import { comparableItems, runChild, seededRandom } from '../support/kill-points.ts';
import { sampleLog } from '../support/scenario.ts';

const SEED = 14;
const KILLS = 3;
const BUCKET = 'logsleuth-crash';
const TABLE = 'results-crash';
const CHILD = fileURLToPath(new URL('../support/handler-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Deployment { emulators: Emulators; env: NodeJS.ProcessEnv }

async function deploy(name: string): Promise<Deployment> {
  const emulators = await startEmulators({ buckets: [BUCKET] });
  await createResultsTable(emulators, TABLE);
  const explain = await createQueueWithDlq(emulators, `${name}-explain`);
  const detect = await createQueueWithDlq(emulators, `${name}-detect`);
  const env = {
    ...process.env,
    ...handlerEnv(emulators, { TABLE_NAME: TABLE, BUCKET_NAME: BUCKET, EXPLAIN_QUEUE_URL: explain.url, DETECT_QUEUE_URL: detect.url }),
    // A lease of 1.5 s (remaining time, no margin) stands in for "the redelivery comes after the
    // visibility timeout, when the killed invocation's lease has expired"; no reserve: no follow-ups.
    REMAINING_MS: '1500', LEASE_MARGIN_MS: '0', DEADLINE_RESERVE_MS: '0',
  };
  await put(emulators, 'baseline/shop/base.jsonl', await sampleLog('baseline'));
  expect(await invoke({ emulators, env }, 'train', 'baseline/shop/base.jsonl')).toEqual({ batchItemFailures: [] });
  await put(emulators, 'logs/shop/incident.jsonl', await sampleLog('incident'));
  return { emulators, env };
}

async function put(emulators: Emulators, key: string, body: Buffer): Promise<void> {
  await emulators.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

const s3Event = (key: string) => JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key } } }] });

/** How far this invocation got, as the table shows it: ms since it took the run's lease, and since the first finding appeared. */
interface Progress { leaseMs?: number; findingsMs?: number }

let invocations = 0;

/** One invocation in a child process, killed when `kill(progress)` says so; its response, or undefined when it was killed. */
async function invoke(d: Deployment, handler: 'train' | 'detect', key: string, kill?: (progress: Progress) => boolean) {
  const requestId = `req-${++invocations}`;
  let leaseAt: number | undefined;
  let findingsAt: number | undefined;
  const run = await runChild(process.execPath, ['--import', 'tsx', CHILD, handler, s3Event(key), 'message-1'], {
    env: { ...d.env, REQUEST_ID: requestId }, cwd: ROOT,
    killWhen: async (elapsed) => {
      if (!kill) return false;
      if (findingsAt === undefined) {
        const items = await tableItems(d.emulators);
        if (leaseAt === undefined && items.some((i) => i.SK === 'RUN' && i.leaseOwner === `${requestId}/message-1`)) leaseAt = elapsed;
        if (items.some((i) => /^(ANOMALY|SESSION)#/.test(String(i.SK)))) findingsAt = elapsed;
      }
      return kill({ ...(leaseAt !== undefined && { leaseMs: elapsed - leaseAt }), ...(findingsAt !== undefined && { findingsMs: elapsed - findingsAt }) });
    },
  });
  if (run.signal === 'SIGKILL') return undefined;
  if (run.code !== 0) throw new Error(`${handler} child exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { batchItemFailures: unknown[] };
}

/** Delivers until an invocation is killed by `kill` (true) or completes (false); one handed back is delivered again. */
async function deliverUntilKilled(d: Deployment, key: string, kill: (progress: Progress) => boolean): Promise<boolean> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const response = await invoke(d, 'detect', key, kill);
    if (response === undefined) return true;
    if (response.batchItemFailures.length === 0) return false;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  throw new Error(`${key} was handed back 20 times`);
}

/** Redelivers until an invocation completes (one handed back while the killed one's lease lives is tried again). */
async function redeliverUntilDone(d: Deployment, key: string): Promise<number> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const response = await invoke(d, 'detect', key);
    if (response && response.batchItemFailures.length === 0) return attempt;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  throw new Error(`${key} was handed back 20 times`);
}

async function tableItems(emulators: Emulators) {
  const { Items = [] } = await emulators.doc.send(new ScanCommand({ TableName: TABLE }));
  return Items;
}

async function bucketObjects(emulators: Emulators): Promise<Record<string, string>> {
  const { Contents = [] } = await emulators.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  // Not models/: each deployment trained its own copy (the same model; its pointer and history hold the training time).
  return Object.fromEntries(Contents.filter((c) => !c.Key!.startsWith('models/')).map((c) => [c.Key!, c.ETag!]));
}

let clean: Deployment;
let killed: Deployment;
beforeAll(async () => {
  [clean, killed] = await Promise.all([deploy('clean'), deploy('killed')]);
}, 60_000);
afterAll(async () => {
  await clean?.emulators.close();
  await killed?.emulators.close();
});

it('stores exactly what an uninterrupted run stores when the detection handler is killed at seeded points and redelivered', async () => {
  let detectingMs = 0;
  expect(await invoke(clean, 'detect', 'logs/shop/incident.jsonl', (p) => {
    if (p.leaseMs !== undefined && p.findingsMs === undefined) detectingMs = p.leaseMs;
    return false;
  })).toEqual({ batchItemFailures: [] });
  expect(detectingMs).toBeGreaterThan(0);

  const random = seededRandom(SEED);
  let killedReading = 0;
  let killedWriting = 0;
  for (let k = 0; k < KILLS; k++) {
    // Seeded points in strata of the two reading passes (from the run's creation to its first finding);
    // an invocation faster than the clean one may reach its writes first: it is killed as they begin.
    const at = Math.round(detectingMs * (0.1 + (0.7 * (k + random())) / KILLS));
    if (await deliverUntilKilled(killed, 'logs/shop/incident.jsonl', (p) => p.findingsMs !== undefined || (p.leaseMs !== undefined && p.leaseMs >= at))) killedReading++;
  }
  // …and once its findings are being written.
  if (await deliverUntilKilled(killed, 'logs/shop/incident.jsonl', (p) => p.findingsMs !== undefined)) killedWriting++;
  await redeliverUntilDone(killed, 'logs/shop/incident.jsonl');

  expect(killedReading).toBe(KILLS);
  expect(killedWriting).toBe(1);
  const items = await tableItems(killed.emulators);
  expect(items.filter((i) => i.SK === 'RUN')).toMatchObject([{ status: 'DONE' }]);
  expect(comparableItems(items)).toEqual(comparableItems(await tableItems(clean.emulators)));
  expect(await bucketObjects(killed.emulators)).toEqual(await bucketObjects(clean.emulators));
}, 60_000);
