/** Minimal types for the emulators the tests start (they ship none; dynalite's are in types/, the CLI uses it too). */
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';
  export interface S3rverOptions {
    port?: number;
    address?: string;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs: unknown[] }[];
  }
  export default class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
