/**
 * The detection Lambda on a big object, in the local S3/DynamoDB/SQS stand-ins (figures, not a test):
 *   npx tsx scripts/lib/bench-handler.ts [--file .bench/microservices-1024mb.jsonl] [--invocation-seconds 20]
 * Trains on .bench/bench-baseline.jsonl, uploads the object, then delivers the detection queue to the
 * handler in invocations of `--invocation-seconds` each (a Lambda timeout), so the run continues
 * through follow-up messages. Prints wall and CPU seconds, continuations, peak RSS and the bytes S3
 * sent for the object. `npm run bench` writes the input files (`--mb 1024`).
 *
 * Everything runs in this one process: the peak RSS includes the emulators (s3rver streams objects
 * from disk, so it adds little), and the CPU is shared with whatever else the machine runs.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { dynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { S3ObjectStore } from '../../functions/lib/s3-object-store.ts';
import { drain, lambdaContext, type SqsHandler } from '../../test/support/lambda.ts';
import { startScenario } from '../../test/support/scenario.ts';

const OBJECT_KEY = 'logs/bench/microservices.jsonl';

/** Bytes s3rver sends for GETs of `key`, and how many of them were ranged. */
function countObjectReads(server: Server, key: string) {
  const counts = { bytes: 0, gets: 0, ranged: 0 };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || !req.url?.split('?')[0]!.endsWith(`/${key}`)) return;
    counts.gets++;
    if (req.headers.range) counts.ranged++;
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) counts.bytes += Buffer.byteLength(chunk as string);
      return write(chunk, ...rest);
    }) as typeof res.write;
  });
  return counts;
}

async function main() {
  const opts = new Command()
    .option('--file <path>', 'the object to detect on', '.bench/microservices-1024mb.jsonl')
    .option('--baseline <path>', 'what the model is trained on', '.bench/bench-baseline.jsonl')
    .option('--invocation-seconds <n>', 'each invocation\'s time (a Lambda timeout)', '20')
    .option('--reserve-ms <n>', 'DEADLINE_RESERVE_MS', '2000')
    .parse()
    .opts<{ file: string; baseline: string; invocationSeconds: string; reserveMs: string }>();
  for (const file of [opts.file, opts.baseline]) if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run bench -- --mb 1024 --phases ingest" once to generate it`);
  const bytes = statSync(opts.file).size;
  const invocationMs = Number(opts.invocationSeconds) * 1000;

  const s = await startScenario('bench-handler', { DEADLINE_RESERVE_MS: opts.reserveMs, MAX_CONTINUATIONS: '1000' });
  try {
    const reads = countObjectReads((s.emulators.s3rver as unknown as { httpServer: Server }).httpServer, OBJECT_KEY);
    const put = (key: string, file: string) => s.emulators.s3.send(new PutObjectCommand({
      Bucket: s.bucket, Key: key, Body: createReadStream(file), ContentLength: statSync(file).size,
    }));
    await put('baseline/bench/baseline.jsonl', opts.baseline);
    await s.bridge.settled();
    await s.runQueues();
    process.stderr.write(`model trained; uploading ${(bytes / 1e6).toFixed(0)} MB ...\n`);
    await put(OBJECT_KEY, opts.file);
    await s.bridge.settled();

    // Each handler call is a fresh invocation with `invocationMs` to live.
    let invocationStart = 0;
    let invocations = 0;
    const handler: SqsHandler = async (event, context) => {
      invocationStart = performance.now();
      invocations++;
      return s.detect(event, context);
    };
    const context = lambdaContext(() => invocationMs - (performance.now() - invocationStart), 'detect');
    const cpu = process.cpuUsage();
    const start = performance.now();
    await drain(s.emulators, [{ queueUrl: s.queues.detect.url, handler, context, batchSize: 1 }], 10_000);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);

    const results = dynamoResultStores({ client: s.emulators.doc, tableName: s.table, overflow: new S3ObjectStore(s.emulators.s3, s.bucket) });
    const run = (await results.reader.listRuns('bench')).find((r) => r.input.key === OBJECT_KEY);
    console.log(JSON.stringify({
      object: `${opts.file} (${(bytes / 1e6).toFixed(1)} MB)`, node: process.version,
      status: run?.status, reason: run?.reason, records: run?.counts?.records, anomalies: run?.counts?.anomalies,
      invocationSeconds: invocationMs / 1000, invocations, continuations: run?.continuations ?? 0,
      wallSeconds: Number(seconds.toFixed(1)), cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(1)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      objectGets: reads.gets, rangedGets: reads.ranged, bytesSent: reads.bytes, bytesSentPerObject: Number((reads.bytes / bytes).toFixed(2)),
    }, null, 2));
  } finally {
    await s.close();
  }
}

await main();
