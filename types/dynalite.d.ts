// Hand-written declarations for dynalite@4 (the package ships none): the CLI's embedded store and the
// tests' emulators start it in-process. Only the surface logsleuth uses; see node_modules/dynalite/index.js.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  export interface DynaliteOptions {
    /** Milliseconds a table stays CREATING / DELETING / UPDATING (default 500 each). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** LevelDB directory to persist to; in memory without it. */
    path?: string;
  }
  /** An HTTP server speaking the DynamoDB protocol; `close()` also closes its database. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
