/**
 * A one-line progress indicator on stderr, shown only when stderr is a terminal
 * (so pipes, CI logs and tests stay clean). Updates at most every 200 ms.
 */
export class Progress {
  private lastDraw = 0;
  private readonly enabled: boolean;
  private readonly started = Date.now();

  constructor(private readonly label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.enabled = Boolean(stream.isTTY);
    this.stream = stream;
  }

  private readonly stream: NodeJS.WriteStream;

  /** Reports how far the work is; cheap to call per batch. (Bytes are counted per finished input.) */
  update(bytes: number, records: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    this.stream.write(`\r${this.label}: ${records.toLocaleString('en')} records (${Math.round(records / seconds).toLocaleString('en')}/s)${bytes > 0 ? `, ${(bytes / 1e6).toFixed(1)} MB of finished inputs` : ''}   `);
  }

  /** Clears the line before normal output is written. */
  done(): void {
    if (this.enabled && this.lastDraw > 0) this.stream.write('\r\x1b[K');
  }
}
