/**
 * A parsing worker thread (started by pool.ts): reads the chunks it is sent with a
 * {@link ChunkReader} and sends the results back, moving their buffers rather than copying them.
 * Built as its own entry point of the CLI bundle (dist/cli/parallel-worker.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkReader } from './chunk-reader.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.ts';
import { transferablesOf } from './record-codec.ts';

const port = parentPort;
if (!port) throw new Error('cli/parallel/worker.ts runs as a worker thread (see pool.ts)');
const reader = new ChunkReader(workerData as WorkerSetup);

port.on('message', (message: ToWorker) => {
  if (message.type === 'miner') {
    reader.useMiner(message.state);
    return;
  }
  let reply: FromWorker;
  try {
    reply = reader.read(message);
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).stack ?? String(error) } satisfies FromWorker);
    return;
  }
  port.postMessage(reply, [...transferablesOf(reply.records), ...(reply.clusters ? [reply.clusters.buffer as ArrayBuffer] : [])]);
});
