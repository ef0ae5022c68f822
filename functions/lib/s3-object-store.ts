/**
 * {@link ObjectStore} on one S3 bucket. Objects are streamed (GetObject body chunks go straight to
 * ingest); a stream that breaks for a transient reason is resumed with a ranged GetObject from the
 * byte where it stopped, pinned to the same ETag so both detection passes read the same version.
 * `openFrom` starts with a ranged GetObject (a detection continuing where it stopped); chunked
 * bodies are written as a multipart upload, one part in memory at a time.
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectInfo, ObjectStore, SourceObject } from '../../shared/ports.ts';
import { isTransient } from './transient.ts';

/** Resumes of a broken stream before giving up (and leaving the retry to the queue). */
const MAX_RESUMES = 3;
/** Multipart part size: S3's minimum is 5 MiB (except the last part); 8 MiB keeps 10 000 parts ≥ 78 GiB. */
const PART_BYTES = 8 * 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  readonly location: string;

  constructor(private readonly client: S3Client, readonly bucket: string) {
    this.location = `s3://${bucket}`;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key, size: out.ContentLength ?? 0, etag: unquote(out.ETag),
        ...(out.VersionId && out.VersionId !== 'null' && { versionId: out.VersionId }),
        ...(out.LastModified && { lastModified: out.LastModified.getTime() }),
      };
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }));
      for (const o of page.Contents ?? []) if (o.Key) found.push({ key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag), ...(o.LastModified && { lastModified: o.LastModified.getTime() }) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * `modified` (LastModified, epoch ms) is filled when `open()` resolves, from the GetObject that
   * opens the body: no request of its own. Ingest reads it after opening.
   */
  input(key: string, etag?: string): SourceObject {
    const store = this;
    const onTransient = (error: Error) => {
      input.transientFailure = error;
    };
    const onModified = (modified: number) => {
      input.modified = modified;
    };
    const input: SourceObject & { transientFailure?: Error } = {
      name: `${this.location}/${key}`,
      open: () => store.stream(key, etag, 0, onTransient, onModified),
      openFrom: (offset) => store.stream(key, etag, offset, onTransient, onModified),
    };
    return input;
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body!.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async put(key: string, body: string | Uint8Array | AsyncIterable<Uint8Array>, contentType?: string): Promise<void> {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...(contentType && { ContentType: contentType }) }));
      return;
    }
    await this.putChunks(key, body, contentType);
  }

  /**
   * A body of unknown length: one PutObject when it fits in one part (most checkpoints), else a
   * multipart upload of {@link PART_BYTES} parts, aborted on failure so no parts are left behind.
   */
  private async putChunks(key: string, body: AsyncIterable<Uint8Array>, contentType?: string): Promise<void> {
    const parts = partsOf(body);
    const first = await parts.next();
    const head = first.done ? new Uint8Array(0) : first.value;
    if (head.byteLength < PART_BYTES) {
      await this.put(key, head, contentType);
      return;
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ...(contentType && { ContentType: contentType }) }));
    try {
      const done: { ETag: string; PartNumber: number }[] = [];
      const upload = async (part: Uint8Array) => {
        const PartNumber = done.length + 1;
        const out = await this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId, PartNumber, Body: part, ContentLength: part.byteLength }));
        done.push({ ETag: out.ETag!, PartNumber });
      };
      await upload(head);
      for await (const part of parts) await upload(part);
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId, MultipartUpload: { Parts: done } }));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  /** Opens the body first (so a missing object fails `open()` itself), then streams with resumes. */
  private async stream(key: string, etag: string | undefined, start: number, onTransient: (error: Error) => void, onModified: (epochMs: number) => void): Promise<AsyncIterable<Uint8Array>> {
    const get = (from: number) => this.client.send(new GetObjectCommand({
      Bucket: this.bucket, Key: key, ...(etag && { IfMatch: `"${etag}"` }), ...(from > 0 && { Range: `bytes=${from}-` }),
    }));
    let first;
    try {
      first = await get(start);
    } catch (error) {
      if (isTransient(error)) onTransient(error as Error);
      throw error;
    }
    if (first.LastModified) onModified(first.LastModified.getTime());
    return (async function* body(): AsyncGenerator<Uint8Array> {
      let received = start;
      let current = first.Body as AsyncIterable<Uint8Array>;
      for (let resumes = 0; ; resumes++) {
        try {
          for await (const chunk of current) {
            received += chunk.byteLength;
            yield chunk;
          }
          return;
        } catch (error) {
          if (!isTransient(error) || resumes >= MAX_RESUMES) {
            if (isTransient(error)) onTransient(error as Error);
            throw error;
          }
          // An explicit start byte (s3rver gets suffix ranges wrong; S3 is fine with both).
          current = (await get(received)).Body as AsyncIterable<Uint8Array>;
        }
      }
    })();
  }
}

/** The chunks regrouped into parts of exactly PART_BYTES (the last one shorter). */
async function* partsOf(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let held: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    let rest = chunk;
    while (size + rest.byteLength >= PART_BYTES) {
      const take = PART_BYTES - size;
      held.push(rest.subarray(0, take));
      yield Buffer.concat(held, PART_BYTES);
      held = [];
      size = 0;
      rest = rest.subarray(take);
    }
    if (rest.byteLength > 0) {
      held.push(rest);
      size += rest.byteLength;
    }
  }
  if (size > 0) yield Buffer.concat(held, size);
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
