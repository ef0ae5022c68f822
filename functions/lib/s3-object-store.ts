/**
 * {@link ObjectStore} on one S3 bucket. Objects are streamed (GetObject body chunks go straight to
 * ingest); a stream that breaks for a transient reason is resumed with a ranged GetObject from the
 * byte where it stopped, pinned to the same ETag so both detection passes read the same version.
 */
import {
  GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectInfo, ObjectStore, SourceObject } from '../../shared/ports.ts';
import { isTransient } from './transient.ts';

/** Resumes of a broken stream before giving up (and leaving the retry to the queue). */
const MAX_RESUMES = 3;

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
    const input: SourceObject & { transientFailure?: Error } = {
      name: `${this.location}/${key}`,
      open() {
        return store.stream(key, etag, (error) => {
          input.transientFailure = error;
        }, (modified) => {
          input.modified = modified;
        });
      },
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

  async put(key: string, body: string | Uint8Array, contentType?: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...(contentType && { ContentType: contentType }) }));
  }

  /** Opens the body first (so a missing object fails `open()` itself), then streams with resumes. */
  private async stream(key: string, etag: string | undefined, onTransient: (error: Error) => void, onModified: (epochMs: number) => void): Promise<AsyncIterable<Uint8Array>> {
    const get = (from: number) => this.client.send(new GetObjectCommand({
      Bucket: this.bucket, Key: key, ...(etag && { IfMatch: `"${etag}"` }), ...(from > 0 && { Range: `bytes=${from}-` }),
    }));
    let first;
    try {
      first = await get(0);
    } catch (error) {
      if (isTransient(error)) onTransient(error as Error);
      throw error;
    }
    if (first.LastModified) onModified(first.LastModified.getTime());
    return (async function* body(): AsyncGenerator<Uint8Array> {
      let received = 0;
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

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
