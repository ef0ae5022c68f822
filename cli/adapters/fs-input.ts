import { opendir, open, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputObject } from '../../shared/ingest/input.ts';
import type { IngestReport } from '../../shared/ingest/report.ts';

/** Options for {@link fsInputs}. */
export interface FsInputOptions {
  /** Bytes per read (default 256 KiB): big enough that per-chunk overhead vanishes, small enough to stay flat. */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;

/**
 * Local file-system adapter for the ingest port: turns paths into {@link InputObject}s.
 *
 * Paths are taken in the order given; a directory is walked recursively with its entries sorted by
 * name (plain code-unit order, not locale), so runs are deterministic. Symbolic links are followed,
 * once per real directory (a link cycle is not walked twice). Inside directories, sockets, FIFOs and
 * devices are passed over.
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
  for (const path of paths) yield* walk(path, true);

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
    if (!info.isFile() && !explicit) return;
    yield fileInput(path, info.size, chunkBytes, Math.floor(info.mtimeMs));
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
