/**
 * The CLI's embedded result store: the cloud's DynamoDB adapters (functions/lib/dynamo/), unchanged,
 * talking to dynalite (a DynamoDB-compatible engine on LevelDB) started in this process on 127.0.0.1,
 * with its data under `<store dir>/dynamodb` (default `.logsleuth/`). No AWS account, no server to install:
 * the table is created on first use with the stack's schema, and `close()` stops everything so the
 * command exits at once.
 *
 *   <store dir>/dynamodb/   LevelDB files of the table
 *   <store dir>/objects/    what S3 holds in the cloud (session records too big for one item)
 *   <store dir>/lock        pid of the logsleuth process using the store (LevelDB allows one)
 *
 * Load it with a dynamic import: the SDK and dynalite cost some 0.3 s to load, which commands that
 * store nothing should not pay.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { dynamoResultStores, type DynamoResultStores } from '../../functions/lib/dynamo/result-stores.ts';
import { createTableInput } from '../../functions/lib/table-schema.ts';
import { UserInputError } from '../../shared/errors.ts';
import { DirectoryObjectStore } from './dir-object-store.ts';

export const DEFAULT_STORE_DIR = '.logsleuth';
export const TABLE_NAME = 'logsleuth-results';
/** How long to wait for another logsleuth process to finish with the store. */
const LOCK_WAIT_MS = 30_000;
/** How long a new table may take to become ACTIVE, and how often to look. */
const TABLE_WAIT_MS = 10_000;
const TABLE_POLL_MS = 10;

export interface LocalStore {
  /** The store directory, absolute. */
  dir: string;
  /** One instance of each result-store port; hand each user only the ports it needs. */
  results: DynamoResultStores;
  /** Stops the engine and releases the store; safe to call twice. */
  close(): Promise<void>;
}

/** True when `dir` holds a store (something was stored there before). */
export function storeExists(dir: string): boolean {
  return existsSync(join(resolve(dir), 'dynamodb', 'CURRENT'));
}

/**
 * The pid of the live logsleuth process that holds the store in `dir`, or `undefined` when it is free
 * (no lock, or a lock left by a process that no longer runs). A look, not a claim: the store can be
 * taken between this answer and {@link openLocalStore}.
 */
export async function storeHolder(dir: string = DEFAULT_STORE_DIR): Promise<number | undefined> {
  const holder = Number((await readFile(join(resolve(dir), 'lock'), 'utf8').catch(() => '')).trim());
  return alive(holder) && holder !== process.pid ? holder : undefined;
}

/**
 * Opens the store in `dir`, creating it when missing unless `create` is false (then a directory that
 * holds no store is a {@link UserInputError}: a mistyped path must not serve an empty store).
 * Waits while another logsleuth process uses it.
 */
export async function openLocalStore(dir: string = DEFAULT_STORE_DIR, options: { create?: boolean } = {}): Promise<LocalStore> {
  const root = resolve(dir);
  if (options.create === false && !storeExists(root)) {
    throw new UserInputError(`there is no result store in ${root} (\`logsleuth analyze\` stores runs there): check the path, or add --create to start an empty one`);
  }
  try {
    await mkdir(join(root, 'dynamodb'), { recursive: true });
  } catch (error) {
    throw new UserInputError(`cannot create the result store ${root}: ${(error as Error).message}; pick another directory with --store <dir>`);
  }
  // Keeps the store out of the user's commits, wherever it is.
  if (!existsSync(join(root, '.gitignore'))) await writeFile(join(root, '.gitignore'), '*\n');
  const releaseLock = await lock(join(root, 'lock'));

  let server: Server | undefined;
  let client: DynamoDBClient | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    client?.destroy();
    if (server) {
      const s = server;
      s.closeAllConnections();
      await new Promise<void>((done) => s.close(() => done()));
    }
    await releaseLock();
  };

  try {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: join(root, 'dynamodb') });
    const s = server;
    await new Promise<void>((done, fail) => {
      s.once('error', fail);
      s.listen(0, '127.0.0.1', () => done());
    });
    // The SDK warns about Node 20 at the first client it builds; nothing a CLI user can act on.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(client);
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    // Local results are kept until the user deletes them (retentionDays 0: no expiry).
    const results = dynamoResultStores({ client: doc, tableName: TABLE_NAME, overflow: new DirectoryObjectStore(join(root, 'objects')), retentionDays: 0 });
    return { dir: root, results, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function ensureTable(client: DynamoDBClient): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(TABLE_NAME)));
  // dynalite answers CreateTable while the table is still CREATING (writes to it fail as "not found")
  // and makes it ACTIVE a moment later: on a busy machine the first write could come first.
  for (let waited = 0; ; waited += TABLE_POLL_MS) {
    const { Table: table } = await client.send(new DescribeTableCommand({ TableName: TABLE_NAME }));
    if (table?.TableStatus === 'ACTIVE') return;
    if (waited >= TABLE_WAIT_MS) throw new Error(`the result store's table is still ${table?.TableStatus ?? 'missing'} ${TABLE_WAIT_MS} ms after it was created`);
    await sleep(TABLE_POLL_MS);
  }
}

/**
 * A lock file holding our pid, created exclusively. LevelDB admits one process per directory and
 * dynalite would crash on a locked one, so a second logsleuth waits its turn; a lock left by a process
 * that no longer runs is taken over.
 */
async function lock(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserInputError(`cannot lock the result store (${path}): ${(error as Error).message}`);
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (!alive(holder)) {
      // Stale, or written a moment ago and still empty: only remove a lock whose writer is gone.
      if (holder > 0) await rm(path, { force: true });
      else await sleep(20);
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserInputError(`the result store ${path.replace(/[/\\]lock$/, '')} is in use by another logsleuth process (pid ${holder}); try again when it has finished, or pick another directory with --store <dir>`);
    }
    await sleep(50);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
