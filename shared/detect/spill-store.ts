/**
 * Where detection puts per-session counters that do not fit its memory budget: a few named,
 * append-only byte files (a temporary directory, Lambda's /tmp, or memory in tests). Synchronous on
 * purpose: the detector is a synchronous state machine, and local files are read a block at a time.
 * Whoever creates a store removes it when the run is over (the store outlives any one detector).
 */
export interface SpillStore {
  /** Appends bytes to the file `name`, creating it when missing. */
  append(name: string, bytes: Uint8Array): void;
  /**
   * Fills `into` with the bytes of `name` from `offset` and returns how many it read: fewer at the
   * file's end, none past it or when there is no such file. Callers reuse `into` (no garbage a block).
   */
  read(name: string, offset: number, into: Uint8Array): number;
  /** The file's size in bytes, or undefined when there is no such file. */
  size(name: string): number | undefined;
  /** Deletes the file; nothing happens when it is missing. */
  remove(name: string): void;
  /** Every file held now, sorted. */
  names(): string[];
}

/** A {@link SpillStore} in memory: for tests, and for inputs known to be small. */
export class MemorySpillStore implements SpillStore {
  private readonly files = new Map<string, { bytes: Uint8Array; length: number }>();

  append(name: string, bytes: Uint8Array): void {
    let file = this.files.get(name);
    if (!file) this.files.set(name, (file = { bytes: new Uint8Array(Math.max(1024, bytes.length)), length: 0 }));
    if (file.length + bytes.length > file.bytes.length) {
      const grown = new Uint8Array(Math.max(file.bytes.length * 2, file.length + bytes.length));
      grown.set(file.bytes.subarray(0, file.length));
      file.bytes = grown;
    }
    file.bytes.set(bytes, file.length);
    file.length += bytes.length;
  }

  read(name: string, offset: number, into: Uint8Array): number {
    const file = this.files.get(name);
    if (!file || offset >= file.length) return 0;
    const bytes = file.bytes.subarray(offset, Math.min(file.length, offset + into.length));
    into.set(bytes);
    return bytes.length;
  }

  size(name: string): number | undefined {
    return this.files.get(name)?.length;
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  names(): string[] {
    return [...this.files.keys()].sort();
  }
}
