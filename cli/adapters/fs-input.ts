import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, opendir, open, realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { InputObject } from '../../shared/ingest/input.ts';
import type { IngestReport } from '../../shared/ingest/report.ts';

/** Options for {@link fsInputs}. */
export interface FsInputOptions {
  /** Bytes per read (default 256 KiB): big enough that per-chunk overhead vanishes, small enough to stay flat. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** The path that names standard input: `kubectl logs … | logsleuth analyze - --baseline …`. */
export const STDIN_PATH = '-';

/**
 * Local file-system adapter for the ingest port: turns paths into {@link InputObject}s.
 *
 * Paths are taken in the order given; `-` is standard input. A directory is walked recursively with its entries sorted by
 * name (plain code-unit order, not locale), so runs are deterministic. Symbolic links are followed,
 * once per real directory (a link cycle is not walked twice). Inside directories, sockets, FIFOs and
 * devices are passed over. Standard input and a FIFO or device named explicitly (a process
 * substitution, `<(zcat a.gz)`) can be read only once, while commands read their inputs more than once:
 * they are copied once to a temporary file ({@link spool}) and read from there.
 *
 * A missing path is reported `missing`, a path or directory that cannot be read `unreadable`
 * (on `report`, with `sourcesFailed` counted); the walk goes on with the next path.
 * Names are the paths as given, joined with the entry names (`logs/app/2024-01-01.jsonl`).
 */
export async function* fsInputs(
  paths: readonly string[],
  report: IngestReport,
  options: FsInputOptions = {},
): AsyncGenerator<InputObject> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const seenDirs = new Set<string>();
  for (const path of paths) {
    if (path === STDIN_PATH) yield* fromStdin();
    else yield* walk(path, true);
  }

  async function* fromStdin(): AsyncGenerator<InputObject> {
    if (process.stdin.isTTY && !spools.has(STDIN_PATH)) {
      report.sourcesFailed++;
      report.add({ kind: 'unreadable', source: 'stdin', message: 'stdin: "-" reads standard input, which is a terminal here; pipe the logs in (kubectl logs … | logsleuth analyze - …)' });
      return;
    }
    try {
      yield await spool(STDIN_PATH, 'stdin', () => process.stdin, chunkBytes);
    } catch (error) {
      fail('stdin', error);
    }
  }

  async function* walk(path: string, explicit: boolean): AsyncGenerator<InputObject> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      fail(path, error);
      return;
    }
    if (info.isDirectory()) {
      const real = await realpath(path).catch(() => path);
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      let names: string[];
      try {
        names = [];
        for await (const entry of await opendir(path)) names.push(entry.name);
      } catch (error) {
        fail(path, error);
        return;
      }
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const name of names) yield* walk(join(path, name), false);
      return;
    }
    if (info.isFile()) {
      yield fileInput(path, info.size, chunkBytes, Math.floor(info.mtimeMs));
    } else if (explicit) {
      try {
        yield await spool(resolve(path), path, () => createReadStream(path), chunkBytes);
      } catch (error) {
        fail(path, error);
      }
    }
  }

  function fail(path: string, error: unknown): void {
    const code = (error as NodeJS.ErrnoException).code;
    report.sourcesFailed++;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      report.add({ kind: 'missing', source: path, message: `${path}: no such file or directory; check the path` });
    } else {
      report.add({ kind: 'unreadable', source: path, message: `${path}: cannot be read (${(error as Error).message}); skipped` });
    }
  }
}

/** One local file as an {@link InputObject}; the file is opened only when ingest reaches it. */
export function fileInput(path: string, size?: number, chunkBytes = DEFAULT_CHUNK_BYTES, modified?: number): InputObject {
  return {
    name: path,
    ...(size !== undefined ? { size } : {}),
    // The year of year-less timestamps (RFC 3164 syslog) comes from it.
    ...(modified !== undefined ? { modified } : {}),
    async open() {
      // Opening here (not lazily in the iterator) makes permission errors surface as `unreadable`
      // before any byte is read.
      const handle = await open(path, 'r');
      return (async function* read(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) {
            // A fresh buffer per read: ingest may still hold the previous chunk.
            const buffer = Buffer.allocUnsafeSlow(chunkBytes);
            const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
            if (bytesRead === 0) return;
            yield bytesRead === chunkBytes ? buffer : buffer.subarray(0, bytesRead);
          }
        } finally {
          await handle.close();
        }
      })();
    },
  };
}

/** Inputs already copied, by key (an absolute path, or `-`): a second command stage reads the copy. */
const spools = new Map<string, Promise<InputObject>>();
let spoolDir: Promise<string> | undefined;

/**
 * Copies a stream that can be read only once (stdin, a FIFO) to a file in the system's temporary
 * directory, once per process, and gives that file as the input, named `name`. The copy is streamed
 * (memory stays flat) and removed when the process exits, on a signal too.
 */
function spool(key: string, name: string, stream: () => NodeJS.ReadableStream, chunkBytes: number): Promise<InputObject> {
  let spooled = spools.get(key);
  if (!spooled) {
    const index = spools.size;
    spooled = (async () => {
      const dir = await (spoolDir ??= makeSpoolDir());
      const file = join(dir, `input-${index}`);
      await pipeline(stream(), createWriteStream(file));
      return { ...fileInput(file, (await stat(file)).size, chunkBytes), name };
    })();
    spools.set(key, spooled);
  }
  return spooled;
}

async function makeSpoolDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'logsleuth-spool-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  // A signal ends the process without 'exit': remove the copies, then end as that signal would.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      remove();
      process.kill(process.pid, signal);
    });
  }
  return dir;
}
