/**
 * Pull-based reader over a byte stream, with look-ahead (`fill`/`peek`) and push-back (`unshift`).
 *
 * - An error from the underlying stream ends the stream (EOF) after calling `onError` once, so
 *   everything read before the damage is still used and the layers above never see an exception.
 *   `failed` tells them the end was not a clean one (to avoid reporting the same damage twice).
 * - Iterating it with `for await` never closes the underlying stream, so an archive reader can
 *   drain an entry that its consumer abandoned half-way.
 */
export class ByteReader implements AsyncIterable<Uint8Array> {
  /** Bytes taken from the underlying stream so far. */
  received = 0;
  /** Bytes handed out to callers so far (`received` minus what is still buffered). */
  position = 0;
  /** Set when the underlying stream ended with an error. */
  failed = false;

  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private done = false;

  constructor(
    source: AsyncIterable<Uint8Array>,
    private readonly onError?: (error: unknown, received: number) => void,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Pulls one chunk from the source into the buffer; false at EOF. */
  private async pull(): Promise<boolean> {
    if (this.done) return false;
    let result: IteratorResult<Uint8Array>;
    try {
      result = await this.iterator.next();
    } catch (error) {
      this.done = true;
      this.failed = true;
      this.onError?.(error, this.received);
      return false;
    }
    if (result.done) {
      this.done = true;
      return false;
    }
    const chunk = result.value;
    this.received += chunk.length;
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    return true;
  }

  /** Buffers at least `n` bytes unless the stream ends first; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.pendingBytes < n && (await this.pull()));
    return this.pendingBytes;
  }

  /** A copy of up to `n` buffered bytes, without consuming them. Call `fill` first. */
  peek(n: number): Uint8Array {
    const size = Math.min(n, this.pendingBytes);
    const first = this.pending[0];
    if (first !== undefined && first.length >= size) return first.subarray(0, size);
    const out = new Uint8Array(size);
    let at = 0;
    for (const chunk of this.pending) {
      if (at >= size) break;
      const take = Math.min(chunk.length, size - at);
      out.set(chunk.subarray(0, take), at);
      at += take;
    }
    return out;
  }

  /** The next chunk (at most `max` bytes), or null at EOF. */
  async next(max = Infinity): Promise<Uint8Array | null> {
    if (this.pendingBytes === 0 && !(await this.pull())) return null;
    let chunk = this.pending[0]!;
    if (chunk.length > max) {
      this.pending[0] = chunk.subarray(max);
      chunk = chunk.subarray(0, max);
    } else {
      this.pending.shift();
    }
    this.pendingBytes -= chunk.length;
    this.position += chunk.length;
    return chunk;
  }

  /** Exactly `n` bytes, or fewer if the stream ends first. */
  async read(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const out = this.peek(n);
    await this.skip(out.length);
    return out;
  }

  /** Discards up to `n` bytes; returns how many were discarded (fewer at EOF). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const chunk = await this.next(left);
      if (chunk === null) break;
      left -= chunk.length;
    }
    return n - left;
  }

  /** Puts bytes back in front (they were read too far). */
  unshift(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.pending.unshift(chunk);
    this.pendingBytes += chunk.length;
    this.position -= chunk.length;
  }

  /** Reads and discards everything left. */
  async drain(): Promise<void> {
    while ((await this.next()) !== null);
  }

  /** True once everything has been read. */
  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** Releases the underlying stream (closes a file handle early), ignoring errors. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.iterator.return?.();
    } catch {
      // Closing after a failure can fail again; there is nothing left to report.
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        const chunk = await this.next();
        return chunk === null ? { done: true, value: undefined } : { done: false, value: chunk };
      },
    };
  }
}
