/**
 * `serve`: the results API (the very routes of the API Lambda, shared/api/app.ts) and a dashboard
 * over the embedded store, on 127.0.0.1 by default and without auth. The store stays open while it
 * runs (LevelDB admits one process), so `analyze` into the same store is refused before it starts.
 * A directory that holds no store is an error unless `--create` is given.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Command, Option } from 'commander';
import { createApi } from '../../shared/api/app.ts';
import { UserInputError } from '../../shared/errors.ts';
import { renderDashboard } from '../../shared/report/dashboard.ts';
import { numberOption, storeOptions } from '../options.ts';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the API and the dashboard over the store in `dir`; `port` 0 picks a free one.
 * `create: false` refuses a directory that holds no store (the command's default: a mistyped path).
 */
export async function startLocalServer(options: { dir?: string; host?: string; port?: number; create?: boolean } = {}): Promise<LocalServer> {
  const { openLocalStore } = await import('../adapters/local-store.ts');
  const store = await openLocalStore(options.dir, { create: options.create ?? true });
  const { reader, modelRegistry, digests } = store.results;
  const app = createApi({
    reader, models: modelRegistry, digests,
    // Cursors only need to hold while this process runs.
    cursorSecret: randomBytes(32).toString('hex'),
    sources: () => reader.listSources(),
    pages: { '/': renderDashboard() },
    onError: (error, path) => process.stderr.write(`logsleuth serve: ${path}: ${(error as Error).stack ?? String(error)}\n`),
  });
  let port = 0;
  const hosts = allowedHosts(options.host ?? '127.0.0.1');
  // DNS rebinding: a web page on evil.example can point its name at 127.0.0.1 and read this API from
  // the browser, which sends `Host: evil.example`. Only the names this server is reached by pass.
  const server = createAdaptorServer({
    fetch: (request, env) => (hosts.has(hostName(request.headers.get('host'), port)) ? app.fetch(request, env) : forbidden()),
  });
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => done());
    });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserInputError(code === 'EADDRINUSE' ? `port ${options.port} is in use: pick another with --port <n>` : `cannot listen: ${(error as Error).message}`);
  }
  const address = server.address() as AddressInfo;
  port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((done) => server.close(() => done()));
      await store.close();
    },
  };
}

export function serveCommand(): Command {
  return storeOptions(new Command('serve'), 'serve the result store in <dir>')
    .description('serve the results API and a dashboard over the stored runs (http://127.0.0.1:8787)')
    .addOption(new Option('--host <address>', 'address to listen on; anything but loopback exposes your logs without auth').default('127.0.0.1'))
    .addOption(numberOption('--port <n>', 'port to listen on (0: any free port)', 8787, 0, 65_535))
    .option('--create', 'start an empty store when the directory holds none (else that is an error)')
    .action(async (flags: { store?: string; host: string; port: number; create?: boolean }) => {
      const server = await startLocalServer({ ...(flags.store !== undefined && { dir: flags.store }), host: flags.host, port: flags.port, create: flags.create === true });
      // Signals are handled before the address is out: whoever reads it may stop the server at once.
      const stopped = untilStopped(server);
      process.stdout.write(`dashboard and API on ${server.url}/ (Ctrl-C to stop)\n`);
      await stopped;
    });
}

/** A Host header whose name is one of the loopback names, or the address serve was told to listen on. */
function allowedHosts(host: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  // An explicit --host is reached by that name; a wildcard (0.0.0.0, ::) names no host of its own.
  if (host !== '0.0.0.0' && host !== '::' && host !== '[::]') names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return new Set([...names].map((name) => name.toLowerCase()));
}

/** The name in a Host header, lower-cased, when its port is this server's; else ''. */
function hostName(header: string | null, port: number): string {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header?.trim().toLowerCase() ?? '');
  // Browsers leave out the default port (80).
  return match && Number(match[2] ?? 80) === port ? match[1]! : '';
}

function forbidden(): Response {
  const message = 'this server only answers requests addressed to localhost, 127.0.0.1 or [::1] with its port (the Host header names another host)';
  return Response.json({ error: { code: 'FORBIDDEN', message } }, { status: 403 });
}

/**
 * Resolves once the server is closed (listener and store) after SIGINT, SIGTERM or SIGHUP, or after
 * the parent went away under npm. A second signal exits at once, in case closing hangs.
 */
async function untilStopped(server: LocalServer): Promise<void> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  // `npx logsleuth serve` and `npm run` start node under `sh -c`; on SIGTERM npm signals that shell,
  // which dies and leaves this process listening with no one left to stop it. So under npm, the
  // parent's end stops the server too. (Started directly, as with nohup, the parent does not matter.)
  const parent = process.ppid;
  const underNpm = process.env.npm_execpath !== undefined;
  let watch: NodeJS.Timeout | undefined;
  let stop = () => {};
  await new Promise<void>((done) => {
    let stopping = false;
    stop = () => {
      if (stopping) process.exit(1);
      stopping = true;
      clearInterval(watch);
      void server.close().finally(done);
    };
    for (const signal of signals) process.on(signal, stop);
    if (underNpm) watch = setInterval(() => alive(parent) || stop(), 250).unref();
  });
  for (const signal of signals) process.off(signal, stop);
  // Whatever else still holds the event loop (a client's socket, a timer) must not keep the process.
  setTimeout(() => process.exit(), 2000).unref();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
