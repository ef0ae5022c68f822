/**
 * The {@link SpillStore} on local disk: one fresh temporary directory per detection, under the
 * system's temp dir (Lambda's /tmp, the CLI's $TMPDIR). The detection Lambda and the CLI both use
 * this one class. Synchronous file calls on purpose: the detector reads and writes 64 KiB–16 MiB at
 * a time, so there are few calls, and the port stays synchronous like the detector.
 */
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpillStore } from '../../shared/detect/spill-store.ts';

/** Names the detector uses are plain; anything else would be a bug (or a path escaping the directory). */
const SAFE_NAME = /^[\w.-]+$/;
const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export class FileSpillStore implements SpillStore {
  /** The directory holding the files; removed by {@link dispose}. */
  readonly dir: string;
  private readonly open = new Map<string, number>();
  private disposed = false;
  private readonly onExit?: () => void;
  private readonly onSignal?: (signal: NodeJS.Signals) => void;

  /**
   * With `removeOnExit` (the CLI), the directory is also removed when the process exits or is
   * interrupted before {@link dispose}; a Lambda leaves that to its handler's `finally`.
   */
  constructor(parent: string = tmpdir(), options: { removeOnExit?: boolean } = {}) {
    this.dir = mkdtempSync(join(parent, 'logsleuth-spill-'));
    if (options.removeOnExit) {
      this.onExit = () => this.dispose();
      // A signal ends the process without 'exit': remove the files, then end as that signal would.
      this.onSignal = (signal) => {
        this.dispose();
        process.kill(process.pid, signal);
      };
      process.once('exit', this.onExit);
      for (const signal of EXIT_SIGNALS) process.once(signal, this.onSignal);
    }
  }

  append(name: string, bytes: Uint8Array): void {
    const fd = this.fd(name);
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  }

  read(name: string, offset: number, into: Uint8Array): number {
    if (!this.open.has(name) && !existsSync(this.path(name))) return 0;
    let got = 0;
    while (got < into.length) {
      const n = readSync(this.fd(name), into, got, into.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  size(name: string): number | undefined {
    if (!this.open.has(name) && !existsSync(this.path(name))) return undefined;
    return fstatSync(this.fd(name)).size;
  }

  remove(name: string): void {
    this.close(name);
    rmSync(this.path(name), { force: true });
  }

  names(): string[] {
    return readdirSync(this.dir).sort();
  }

  /** Closes every file and deletes the directory; call when the detection is over (also after a failure). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.onExit) process.off('exit', this.onExit);
    if (this.onSignal) for (const signal of EXIT_SIGNALS) process.off(signal, this.onSignal);
    for (const name of [...this.open.keys()]) this.close(name);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private fd(name: string): number {
    let fd = this.open.get(name);
    if (fd === undefined) {
      // 'a+': writes always append; reads take an explicit position.
      fd = openSync(this.path(name), 'a+');
      this.open.set(name, fd);
    }
    return fd;
  }

  private close(name: string): void {
    const fd = this.open.get(name);
    if (fd === undefined) return;
    this.open.delete(name);
    closeSync(fd);
  }

  private path(name: string): string {
    if (this.disposed) throw new Error(`the spill store ${this.dir} was disposed`);
    if (!SAFE_NAME.test(name)) throw new Error(`not a spill file name: ${JSON.stringify(name)}`);
    return join(this.dir, name);
  }
}
