/**
 * {@link ObjectStore} on a local directory: keys are relative paths under it. The CLI's embedded
 * result store uses it for what S3 holds in the cloud (session records too big for one item).
 * ETags are derived from size and modification time, which is what changes when a file is rewritten.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { UserInputError } from '../../shared/errors.ts';
import type { ObjectInfo, ObjectStore, SourceObject } from '../../shared/ports.ts';
import { fileInput } from './fs-input.ts';

export class DirectoryObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    this.location = this.root;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.path(key));
      return info.isFile() ? { key, size: info.size, etag: etagOf(info.size, info.mtimeMs) } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.root, { recursive: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const found: ObjectInfo[] = [];
    for (const name of names) {
      const key = name.split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await this.head(key);
      if (info) found.push(info);
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  input(key: string, etag?: string): SourceObject {
    const path = this.path(key);
    const file = fileInput(path);
    return {
      name: path,
      open: async () => {
        if (etag !== undefined) {
          const info = await this.head(key);
          if (info?.etag !== etag) throw new Error(`${path} changed since it was listed; read it again`);
        }
        return file.open();
      },
    };
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(key), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename: a reader never sees half an object.
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, path);
  }

  /** The file of a key; keys cannot leave the directory. */
  private path(key: string): string {
    const path = resolve(this.root, key);
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || resolve(this.root, inside) !== path) throw new UserInputError(`object key "${key}" is outside ${this.root}`);
    return path;
  }
}

const etagOf = (size: number, mtimeMs: number) => `${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}`;
const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
