/**
 * The port bytes come in through: one named byte stream to ingest (a local file, an S3 object…).
 * Adapters implement it; `shared/` never touches the file system or the network itself.
 */
export interface InputObject {
  /** Shown in records' `source` and in problem messages (a path as the user typed it, `s3://bucket/key`…). */
  name: string;
  /** Size in bytes when the adapter knows it; informational only. */
  size?: number;
  /**
   * When the object was last written (epoch ms: file mtime, S3 LastModified), if the adapter knows it.
   * Formats whose timestamps have no year (RFC 3164 syslog) take the year from it.
   */
  modified?: number;
  /**
   * Opens the stream, from the start. Detection reads its input twice, so this may be called again
   * after a previous stream was consumed; each call must yield the same bytes.
   * Throwing (or rejecting) reports the object as `unreadable`; an error while iterating is reported
   * as `unreadable` too, after whatever was read before it has been used.
   * Chunks must not be modified by the adapter after they have been yielded.
   */
  open(): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
}
