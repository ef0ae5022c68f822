/**
 * `serve`: the results API (the very routes of the API Lambda, shared/api/app.ts) and a dashboard
 * over the embedded store, on 127.0.0.1 by default and without auth. The store stays open while it
 * runs (LevelDB admits one process), so `analyze` waits for it to stop before storing a run.
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

/** Starts the API and the dashboard over the store in `dir`; `port` 0 picks a free one. */
export async function startLocalServer(options: { dir?: string; host?: string; port?: number } = {}): Promise<LocalServer> {
  const { openLocalStore } = await import('../adapters/local-store.ts');
  const store = await openLocalStore(options.dir);
  const app = createApi({
    results: store.results,
    // Cursors only need to hold while this process runs.
    cursorSecret: randomBytes(32).toString('hex'),
    sources: () => store.results.listSources(),
    pages: { '/': renderDashboard() },
    onError: (error, path) => process.stderr.write(`logsleuth serve: ${path}: ${(error as Error).stack ?? String(error)}\n`),
  });
  const server = createAdaptorServer({ fetch: app.fetch });
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
    .action(async (flags: { store?: string; host: string; port: number }) => {
      const server = await startLocalServer({ ...(flags.store !== undefined && { dir: flags.store }), host: flags.host, port: flags.port });
      process.stdout.write(`dashboard and API on ${server.url}/ (Ctrl-C to stop)\n`);
      await new Promise<void>((done) => {
        const stop = () => void server.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
